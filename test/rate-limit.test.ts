/**
 * Coder's login group (login, validate-password) allows 60 requests per minute per client IP
 * and URL path. The limiter state is shared by every test file of the run and never reset, so
 * each test uses addresses from `freshIp()`, except the one test of the shared no-address
 * bucket.
 *
 * The limiter counts in windows aligned to the minute, so a run of requests that crosses a
 * minute boundary may get more than 60 through. A run of 121 requests takes well under a minute,
 * so it spans at most two windows, and one of them must receive a 61st request.
 */
import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api, BASE_URL, freshIp } from './helpers/api'

const LIMIT_PER_MINUTE = 60
const MAX_REQUESTS_TO_LIMIT = 2 * LIMIT_PER_MINUTE + 1
const RATE_LIMITED = {
  message: "You've been rate limited for sending more than 60 requests in 1m0s.",
}

type Send = (attempt: number) => Promise<Response>

/**
 * Sends requests one after another until one gets 429 and returns that response with the
 * number of requests that went through before it.
 */
async function sendUntilLimited(send: Send): Promise<{ passed: number; limited: Response }> {
  for (let attempt = 0; attempt < MAX_REQUESTS_TO_LIMIT; attempt++) {
    const response = await send(attempt)
    if (response.status === 429) return { passed: attempt, limited: response }
    expect(response.status).toBeLessThan(429)
    await response.arrayBuffer()
  }
  throw new Error(`no 429 after ${MAX_REQUESTS_TO_LIMIT} requests`)
}

function validatePassword(ip: string, headers: HeadersInit = {}) {
  return api('/users/validate-password', {
    method: 'POST',
    json: { password: 'CoderRocks!' },
    ip,
    headers,
  })
}

describe('login rate limit', () => {
  it('returns 429 after 60 requests from one IP', async () => {
    const ip = freshIp()
    const first = await validatePassword(ip)
    expect(first.status).toBe(200)
    expect(first.headers.get('X-RateLimit-Limit')).toBe('60')

    const { passed, limited } = await sendUntilLimited(() => validatePassword(ip))
    expect(passed + 1).toBeGreaterThanOrEqual(LIMIT_PER_MINUTE)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('Retry-After')).toBe('60')
    expect(limited.headers.get('X-RateLimit-Limit')).toBe('60')
    expect(limited.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(await limited.text()).toBe(`${JSON.stringify(RATE_LIMITED)}\n`)
  })

  it('limits login the same way', async () => {
    const ip = freshIp()
    const { passed, limited } = await sendUntilLimited(() =>
      api('/users/login', {
        method: 'POST',
        json: { email: 'nobody@example.com', password: 'x' },
        ip,
      }),
    )
    expect(passed).toBeGreaterThanOrEqual(LIMIT_PER_MINUTE)
    expect(await limited.json()).toEqual(RATE_LIMITED)
  }, 60_000)

  it('counts requests that fail validation', async () => {
    const ip = freshIp()
    const { passed } = await sendUntilLimited(() =>
      api('/users/validate-password', { method: 'POST', json: { password: '' }, ip }),
    )
    expect(passed).toBeGreaterThanOrEqual(LIMIT_PER_MINUTE)
  })

  it('keeps a separate budget per path', async () => {
    const ip = freshIp()
    await sendUntilLimited(() => validatePassword(ip))
    const login = await api('/users/login', {
      method: 'POST',
      json: { email: 'nobody@example.com', password: 'x' },
      ip,
    })
    expect(login.status).toBe(401)
    // The exhausted path stays limited.
    expect((await validatePassword(ip)).status).toBe(429)
  })

  it('keeps a separate budget per IP', async () => {
    const ip = freshIp()
    await sendUntilLimited(() => validatePassword(ip))
    expect((await validatePassword(freshIp())).status).toBe(200)
    expect((await validatePassword(ip)).status).toBe(429)
  })

  it('ignores X-Forwarded-For', async () => {
    const ip = freshIp()
    const { passed } = await sendUntilLimited((attempt) =>
      validatePassword(ip, {
        'X-Forwarded-For': `198.51.100.${attempt % 250}`,
        'X-Real-IP': `203.0.113.${attempt % 250}`,
      }),
    )
    expect(passed).toBeGreaterThanOrEqual(LIMIT_PER_MINUTE)
  })

  it('does not limit the other endpoints at 60', async () => {
    const ip = freshIp()
    for (let attempt = 0; attempt < LIMIT_PER_MINUTE + 5; attempt++) {
      const response = await api('/users/authmethods', { ip })
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }
  })

  it('puts requests without CF-Connecting-IP in one bucket', async () => {
    // Every request claims a different forwarded address, but none has CF-Connecting-IP. Other
    // files may use this bucket too, so only the presence of a 429 is checked.
    const { limited } = await sendUntilLimited((attempt) =>
      SELF.fetch(`${BASE_URL}/api/v2/users/validate-password`, {
        method: 'POST',
        body: JSON.stringify({ password: 'CoderRocks!' }),
        headers: { 'X-Forwarded-For': `198.51.100.${attempt % 250}` },
      }),
    )
    expect(await limited.json()).toEqual(RATE_LIMITED)
    expect((await validatePassword(freshIp())).status).toBe(200)
  })
})

import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { setClock } from '../src/clock'
import { api, BASE_URL, createOwner, freshIp, login, query } from './helpers/api'

const SIGNED_OUT =
  'You are signed out or your session has expired. Please sign in again to continue.'
const HOUR_MS = 60 * 60 * 1000

function me(init: RequestInit = {}, search = '') {
  const headers = new Headers(init.headers)
  headers.set('CF-Connecting-IP', freshIp())
  return SELF.fetch(`${BASE_URL}/api/v2/users/me${search}`, { ...init, headers })
}

async function expectSignedOut(response: Response, detail: string) {
  expect(response.status).toBe(401)
  expect(await response.json()).toEqual({ message: SIGNED_OUT, detail })
  expect(response.headers.get('WWW-Authenticate')).toMatch(
    /^Bearer realm="coder", error="invalid_token", error_description="The access token (is invalid|has expired)", resource_metadata="http:\/\/127\.0\.0\.1:8787\/\.well-known\/oauth-protected-resource"$/,
  )
}

describe('session middleware', () => {
  describe('token lookup', () => {
    it.each([
      ['cookie', (t: string) => ({ init: { headers: { Cookie: `coder_session_token=${t}` } } })],
      ['coder_session_token query', (t: string) => ({ search: `?coder_session_token=${t}` })],
      [
        'Coder-Session-Token header',
        (t: string) => ({ init: { headers: { 'Coder-Session-Token': t } } }),
      ],
      [
        'Authorization bearer',
        (t: string) => ({ init: { headers: { Authorization: `Bearer ${t}` } } }),
      ],
      [
        'lowercase bearer',
        (t: string) => ({ init: { headers: { Authorization: `bEaReR ${t}` } } }),
      ],
      ['access_token query', (t: string) => ({ search: `?access_token=${t}` })],
    ])('accepts the token from the %s', async (_, place) => {
      await createOwner()
      const token = await login()
      const { init, search } = place(token) as { init?: RequestInit; search?: string }
      const response = await me(init, search)
      expect(response.status).toBe(200)
    })

    it('checks the cookie before the header, so a bad cookie shadows a good header', async () => {
      await createOwner()
      const token = await login()
      const response = await me({
        headers: { Cookie: 'coder_session_token=bad', 'Coder-Session-Token': token },
      })
      await expectSignedOut(
        response,
        'Invalid API key format: incorrect amount of API key parts, expected 2 got 1',
      )
    })

    it('uses the first of repeated Coder-Session-Token headers, as Go does', async () => {
      await createOwner()
      const token = await login()
      const headers = new Headers()
      headers.append('Coder-Session-Token', token)
      headers.append('Coder-Session-Token', 'other-value')
      expect((await me({ headers })).status).toBe(200)
    })

    it('ignores a non-bearer Authorization header', async () => {
      await createOwner()
      const token = await login()
      const response = await me({ headers: { Authorization: `Basic ${token}` } })
      await expectSignedOut(
        response,
        'Cookie "coder_session_token" or query parameter must be provided.',
      )
    })
  })

  describe('401 details', () => {
    it.each([
      ['no token', '', 'Cookie "coder_session_token" or query parameter must be provided.'],
      [
        'three parts',
        'a-b-c',
        'Invalid API key format: incorrect amount of API key parts, expected 2 got 3',
      ],
      [
        'short id',
        'abc-0123456789012345678901',
        'Invalid API key format: invalid API key ID length, expected 10 got 3',
      ],
      [
        'short secret',
        '0123456789-abc',
        'Invalid API key format: invalid API key secret length, expected 22 got 3',
      ],
      ['unknown id', '0123456789-0123456789012345678901', 'API key is invalid.'],
      [
        'multi-byte id',
        'ééééééééé-0123456789012345678901',
        'Invalid API key format: invalid API key ID length, expected 10 got 18',
      ],
    ])('rejects %s', async (_, token, detail) => {
      const response = await me(token ? { headers: { 'Coder-Session-Token': token } } : {})
      await expectSignedOut(response, detail)
    })

    it('rejects a wrong secret for a known id', async () => {
      await createOwner()
      const token = await login()
      const forged = `${token.slice(0, 10)}-${'x'.repeat(22)}`
      await expectSignedOut(
        await me({ headers: { 'Coder-Session-Token': forged } }),
        'API key secret is invalid.',
      )
    })

    it('rejects an expired key with the Go time string and the expired description', async () => {
      await createOwner()
      const start = Date.UTC(2026, 0, 1, 12, 0, 0, 120)
      setClock(() => start)
      const token = await login()
      setClock(() => start + 24 * HOUR_MS + 1)
      const response = await me({ headers: { 'Coder-Session-Token': token } })
      await expectSignedOut(response, 'API key expired at "2026-01-02 12:00:00.12 +0000 UTC".')
      expect(response.headers.get('WWW-Authenticate')).toContain(
        'error_description="The access token has expired"',
      )
    })

    it('rejects a suspended user with Coder message and no detail', async () => {
      await createOwner()
      const token = await login()
      await query("UPDATE users SET status = 'suspended'")
      const response = await me({ headers: { 'Coder-Session-Token': token } })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        message:
          'User is not active (status = "suspended"). Contact an admin to reactivate your account.',
      })
      expect(response.headers.get('WWW-Authenticate')).toContain('error="invalid_token"')
    })

    it('rejects a key whose user was deleted', async () => {
      await createOwner()
      const token = await login()
      await query('UPDATE users SET deleted = 1')
      await expectSignedOut(
        await me({ headers: { 'Coder-Session-Token': token } }),
        'API key is invalid.',
      )
    })
  })

  describe('side effects', () => {
    it('activates a dormant user on the first authenticated request', async () => {
      const id = await createOwner()
      const token = await login()
      await query("UPDATE users SET status = 'dormant'")
      const response = await me({ headers: { 'Coder-Session-Token': token } })
      expect(response.status).toBe(200)
      expect(((await response.json()) as { status: string }).status).toBe('active')
      const [user] = await query<{ status: string }>('SELECT status FROM users WHERE id = ?', id)
      expect(user?.status).toBe('active')
    })

    it('activates a dormant user once for parallel requests, all succeeding', async () => {
      await createOwner()
      const token = await login()
      await query("UPDATE users SET status = 'dormant'")
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => me({ headers: { 'Coder-Session-Token': token } })),
      )
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200])
    })

    it('writes last_used at most once an hour and slides the expiry', async () => {
      await createOwner()
      const start = Date.UTC(2026, 0, 1, 0, 0, 0)
      setClock(() => start)
      const token = await login()
      const id = token.slice(0, 10)
      const read = async () =>
        (
          await query<{ last_used: number | null; expires_at: number; ip_address: string }>(
            'SELECT last_used, expires_at, ip_address FROM api_keys WHERE id = ?',
            id,
          )
        )[0]
      const headers = { 'Coder-Session-Token': token, 'CF-Connecting-IP': '2001:db8::1' }

      // The first use always writes last_used.
      expect((await read())?.last_used).toBeNull()
      setClock(() => start + 1000)
      await SELF.fetch(`${BASE_URL}/api/v2/users/me`, { headers })
      expect(await read()).toEqual({
        last_used: start + 1000,
        expires_at: start + 24 * HOUR_MS,
        ip_address: '2001:db8::1',
      })

      // Within the hour nothing changes.
      setClock(() => start + 30 * 60 * 1000)
      await SELF.fetch(`${BASE_URL}/api/v2/users/me`, { headers })
      expect((await read())?.last_used).toBe(start + 1000)

      // Past an hour, last_used moves and the expiry slides to now + lifetime.
      const later = start + 2 * HOUR_MS
      setClock(() => later)
      const response = await SELF.fetch(`${BASE_URL}/api/v2/users/me`, { headers })
      expect(response.status).toBe(200)
      expect(await read()).toMatchObject({ last_used: later, expires_at: later + 24 * HOUR_MS })
      const body = (await response.json()) as { last_seen_at: string }
      expect(body.last_seen_at).toBe(new Date(later).toISOString().replace('.000Z', 'Z'))

      // A key kept in use never expires.
      setClock(() => later + 23 * HOUR_MS)
      expect((await SELF.fetch(`${BASE_URL}/api/v2/users/me`, { headers })).status).toBe(200)
      setClock(() => later + 46 * HOUR_MS)
      expect((await SELF.fetch(`${BASE_URL}/api/v2/users/me`, { headers })).status).toBe(200)
    })
  })
})

describe('POST /api/v2/users/logout', () => {
  it('deletes only its own key and clears the cookie', async () => {
    const userId = await createOwner()
    const first = await login()
    const second = await login()
    // A workspace-application token of the same user is removed too, as Coder does.
    await query(
      `INSERT INTO api_keys (id, hashed_secret, user_id, expires_at, created_at, updated_at,
        login_type, scopes) VALUES ('appappapp1', 'x', ?, ?, 0, 0, 'password', '["application_connect"]')`,
      userId,
      Date.now() + HOUR_MS,
    )
    const response = await api('/users/logout', { method: 'POST', token: first })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ message: 'Logged out!' })
    expect(response.headers.get('Set-Cookie')).toBe('coder_session_token=; Path=/; Max-Age=0')

    expect((await api('/users/me', { token: first })).status).toBe(401)
    expect((await api('/users/me', { token: second })).status).toBe(200)
    const keys = await query<{ id: string }>('SELECT id FROM api_keys ORDER BY id')
    expect(keys.map((k) => k.id)).toEqual([second.slice(0, 10)])
    const audit = await query<{ action: string }>(
      "SELECT action FROM audit_log WHERE action = 'logout'",
    )
    expect(audit).toHaveLength(1)
  })

  it('requires a session', async () => {
    const response = await api('/users/logout', { method: 'POST' })
    expect(response.status).toBe(401)
  })
})

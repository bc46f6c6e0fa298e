/**
 * Coder's CSRF rule: a non-GET request under /api that carries the `coder_session_token` cookie
 * must also prove that it did not come from another site.
 */
import { describe, expect, it } from 'vitest'
import { api, createOwner, login, OWNER, query } from './helpers/api'

const CSRF_FAILURE =
  'Something is wrong with your CSRF token. Please refresh the page. If this error persists, try clearing your cookies.\n'
const CSRF_MISMATCH =
  'CSRF error encountered. Authentication via "coder_session_token" cookie and "Coder-Session-Token" header detected, but the values do not match. To resolve this issue ensure the values used in both match, or only use one of the authentication methods. You can also try clearing your cookies if this error persists.\n'

function logout(headers: HeadersInit, search = '') {
  return api(`/users/logout${search}`, { method: 'POST', headers })
}

async function expectCsrfRejected(response: Response, text: string) {
  expect(response.status).toBe(400)
  expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
  expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
  expect(await response.text()).toBe(text)
}

async function expectLoggedOut(response: Response, token: string) {
  expect(response.status).toBe(200)
  expect(await response.json()).toEqual({ message: 'Logged out!' })
  expect(await query('SELECT id FROM api_keys WHERE id = ?', token.slice(0, 10))).toHaveLength(0)
}

async function expectSessionValid(token: string) {
  expect(await query('SELECT id FROM api_keys WHERE id = ?', token.slice(0, 10))).toHaveLength(1)
  expect((await api('/users/me', { token })).status).toBe(200)
}

describe('CSRF protection', () => {
  it('rejects a cookie-only POST', async () => {
    await createOwner()
    const token = await login()
    const response = await logout({ Cookie: `coder_session_token=${token}` })
    await expectCsrfRejected(response, CSRF_FAILURE)
    await expectSessionValid(token)
  })

  it.each(['PUT', 'PATCH', 'DELETE'])('rejects a cookie-only %s', async (method) => {
    await createOwner()
    const token = await login()
    const response = await api('/users/logout', {
      method,
      headers: { Cookie: `coder_session_token=${token}` },
    })
    await expectCsrfRejected(response, CSRF_FAILURE)
  })

  it('accepts the cookie with a matching header', async () => {
    await createOwner()
    const token = await login()
    const response = await logout({
      Cookie: `coder_session_token=${token}`,
      'Coder-Session-Token': token,
    })
    await expectLoggedOut(response, token)
  })

  it('accepts the cookie with a matching query parameter', async () => {
    await createOwner()
    const token = await login()
    const response = await logout(
      { Cookie: `coder_session_token=${token}` },
      `?coder_session_token=${token}`,
    )
    await expectLoggedOut(response, token)
  })

  it('rejects the cookie with a mismatching header', async () => {
    await createOwner()
    const token = await login()
    const other = await login()
    const response = await logout({
      Cookie: `coder_session_token=${token}`,
      'Coder-Session-Token': other,
    })
    await expectCsrfRejected(response, CSRF_MISMATCH)
    await expectSessionValid(token)
    await expectSessionValid(other)
  })

  it('accepts the cookie with a bearer token', async () => {
    await createOwner()
    const token = await login()
    const response = await logout({
      Cookie: `coder_session_token=${token}`,
      Authorization: `Bearer ${token}`,
    })
    await expectLoggedOut(response, token)
  })

  it('accepts the cookie with a matching X-CSRF-TOKEN', async () => {
    await createOwner()
    const token = await login()
    const response = await logout({
      Cookie: `coder_session_token=${token}; csrf_token=abc123csrf`,
      'X-CSRF-TOKEN': 'abc123csrf',
    })
    await expectLoggedOut(response, token)
  })

  it.each([
    ['a different value', 'csrf_token=abc123csrf', 'other'],
    ['no csrf_token cookie', '', 'abc123csrf'],
    ['an empty value', 'csrf_token=', ''],
  ])('rejects X-CSRF-TOKEN with %s', async (_, csrfCookie, header) => {
    await createOwner()
    const token = await login()
    const cookie = [`coder_session_token=${token}`, csrfCookie].filter(Boolean).join('; ')
    const response = await logout({ Cookie: cookie, 'X-CSRF-TOKEN': header })
    await expectCsrfRejected(response, CSRF_FAILURE)
    await expectSessionValid(token)
  })

  it('lets a cookie-only GET through', async () => {
    await createOwner()
    const token = await login()
    const response = await api('/users/me', { headers: { Cookie: `coder_session_token=${token}` } })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { email: string }).email).toBe(OWNER.email)
  })

  it('exempts POST /users/first', async () => {
    const response = await api('/users/first', {
      method: 'POST',
      json: OWNER,
      headers: { Cookie: 'coder_session_token=0123456789-0123456789012345678901' },
    })
    expect(response.status).toBe(201)
  })

  it('exempts requests without the session cookie', async () => {
    await createOwner()
    const response = await api('/users/login', {
      method: 'POST',
      json: { email: OWNER.email, password: OWNER.password },
      headers: { Cookie: 'csrf_token=abc123csrf; other=1' },
    })
    expect(response.status).toBe(201)
    const token = ((await response.json()) as { session_token: string }).session_token
    await expectLoggedOut(await api('/users/logout', { method: 'POST', token }), token)
  })

  it('applies to unknown /api paths', async () => {
    const response = await api('/no-such-route', {
      method: 'POST',
      headers: { Cookie: 'coder_session_token=anything' },
    })
    await expectCsrfRejected(response, CSRF_FAILURE)
  })
})

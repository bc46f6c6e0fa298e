import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { hashPassword } from '../src/auth/password-hash'
import { setClock } from '../src/clock'
import { api, apiWithSettings, createOwner, insertUser, login, OWNER, query } from './helpers/api'
import {
  authorizeAtProvider,
  createOidcAccount,
  createProviderAccount,
  finishSignIn,
  oidcSettings,
  providerSettings,
  setCookieHeader,
  setCookieValue,
  signIn,
  startSignIn,
  type Provider,
} from './helpers/oauth'

const MEMBER = { email: 'member@example.com', username: 'member', password: 'AnotherSecure#Pass9' }

interface Conversion {
  state_string: string
  expires_at: string
  to_type: string
  user_id: string
}

/** Starts a conversion of the signed-in user and returns the body and the cookie value. */
async function startConversion(
  token: string,
  toType: Provider = 'oidc',
  password = OWNER.password,
  user = 'me',
): Promise<{ body: Conversion; cookie: string; response: Response }> {
  const response = await api(`/users/${user}/convert-login`, {
    method: 'POST',
    token,
    json: { to_type: toType, password },
  })
  expect(response.status).toBe(201)
  const cookie = setCookieValue(response, 'coder_oauth_convert_jwt') as string
  return { body: (await response.json()) as Conversion, cookie, response }
}

/** Runs the provider sign-in that completes a conversion, as Coder's dashboard does. */
async function completeConversion(
  provider: Provider,
  loginHint: string,
  state: string,
  cookies: Record<string, string>,
): Promise<Response> {
  return signIn(
    provider,
    providerSettings(provider),
    loginHint,
    { oidc_merge_state: state, redirect: '/settings/account' },
    cookies,
  )
}

/** Creates a second password user (a member) and returns their id and session token. */
async function createMember(): Promise<{ id: string; token: string }> {
  const id = await insertUser({
    email: MEMBER.email,
    username: MEMBER.username,
    hashedPassword: await hashPassword(MEMBER.password),
  })
  return { id, token: await login(MEMBER.email, MEMBER.password) }
}

describe('POST /api/v2/users/{user}/convert-login', () => {
  it('returns a state and sets the bound cookie', async () => {
    const userId = await createOwner()
    const token = await login()
    const before = Date.now()
    const { body, cookie, response } = await startConversion(token)
    const after = Date.now()
    expect(Object.keys(body)).toEqual(['state_string', 'expires_at', 'to_type', 'user_id'])
    expect(body.state_string).toMatch(/^convert-[0-9A-Za-z]{32}$/)
    expect(body.to_type).toBe('oidc')
    expect(body.user_id).toBe(userId)
    const expiresAt = Date.parse(body.expires_at)
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // Five minutes from the request, cut to whole seconds.
    expect(expiresAt).toBeGreaterThan(before + 5 * 60 * 1000 - 1000)
    expect(expiresAt).toBeLessThanOrEqual(after + 5 * 60 * 1000)

    expect(cookie).toMatch(/^[0-9A-Za-z]{32}$/)
    expect(setCookieHeader(response, 'coder_oauth_convert_jwt')).toBe(
      `coder_oauth_convert_jwt=${cookie}; Path=/; Expires=${new Date(expiresAt).toUTCString()}; HttpOnly; SameSite=Lax`,
    )

    const stored = JSON.parse((await env.KV.get(body.state_string)) ?? 'null') as Record<
      string,
      unknown
    >
    expect(stored.user_id).toBe(userId)
    expect(stored.from_login_type).toBe('password')
    expect(stored.to_login_type).toBe('oidc')
    expect(stored.expires_at).toBe(expiresAt)
    // Only a hash of the cookie is stored.
    expect(stored.cookie_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(stored)).not.toContain(cookie)
  })

  it.each(['password', 'token', 'none'])('returns 400 for to_type %s', async (toType) => {
    await createOwner()
    const response = await api('/users/me/convert-login', {
      method: 'POST',
      token: await login(),
      json: { to_type: toType, password: OWNER.password },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: `Cannot convert to login type "${toType}".` })
  })

  it('returns 400 for an unknown login type', async () => {
    await createOwner()
    const response = await api('/users/me/convert-login', {
      method: 'POST',
      token: await login(),
      json: { to_type: 'saml', password: OWNER.password },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'Unknown login type "saml".' })
  })

  it('returns 400 when fields are missing', async () => {
    await createOwner()
    const response = await api('/users/me/convert-login', {
      method: 'POST',
      token: await login(),
      json: {},
    })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { message: string; validations: { field: string }[] }
    expect(body.message).toBe('Validation failed.')
    expect(body.validations.map((validation) => validation.field).sort()).toEqual([
      'password',
      'to_type',
    ])
  })

  it('returns 401 for a wrong password', async () => {
    await createOwner()
    const response = await api('/users/me/convert-login', {
      method: 'POST',
      token: await login(),
      json: { to_type: 'oidc', password: 'WrongPassword!1' },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'Incorrect email or password.' })
    expect(response.headers.get('Set-Cookie')).toBeNull()
  })

  it('returns 401 without a session', async () => {
    const response = await api('/users/me/convert-login', {
      method: 'POST',
      json: { to_type: 'oidc', password: OWNER.password },
    })
    expect(response.status).toBe(401)
  })

  it('returns 403 when password login is disabled', async () => {
    await createOwner()
    const token = await login()
    const response = await apiWithSettings(
      { DISABLE_PASSWORD_AUTH: 'true' },
      '/users/me/convert-login',
      {
        method: 'POST',
        token,
        json: { to_type: 'oidc', password: OWNER.password },
      },
    )
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ message: 'Password authentication is disabled.' })
  })

  it('returns 400 for a user the caller cannot read', async () => {
    await createOwner()
    const member = await createMember()
    const response = await api('/users/owner/convert-login', {
      method: 'POST',
      token: member.token,
      json: { to_type: 'oidc', password: OWNER.password },
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe(
      '"user" must be an existing uuid or username.',
    )
  })
})

describe.each(['oidc', 'github'] as const)('conversion to %s', (provider) => {
  it('converts and ends the old sessions', async () => {
    const userId = await createOwner()
    const token = await login()
    const otherSession = await login()
    const { body, cookie } = await startConversion(token, provider)
    const hint = await createProviderAccount(provider, OWNER.email)

    const response = await completeConversion(provider, hint, body.state_string, {
      coder_session_token: token,
      coder_oauth_convert_jwt: cookie,
    })
    expect(response.status).toBe(307)
    expect(response.headers.get('Location')).toBe('/settings/account')
    expect(setCookieHeader(response, 'coder_oauth_convert_jwt')).toBe(
      'coder_oauth_convert_jwt=; Path=/; Max-Age=0',
    )
    expect(setCookieHeader(response, 'coder_session_token')).toBe(
      'coder_session_token=; Path=/; Max-Age=0; HttpOnly',
    )

    const [user] = await query('SELECT login_type, hashed_password FROM users WHERE id = ?', userId)
    expect(user?.login_type).toBe(provider)
    expect(user?.hashed_password).toBe('')
    const links = await query('SELECT login_type FROM user_links WHERE user_id = ?', userId)
    expect(links).toEqual([{ login_type: provider }])
    // No session was created, and both password sessions ended.
    expect(await query('SELECT id FROM api_keys WHERE user_id = ?', userId)).toHaveLength(0)
    expect((await api('/users/me', { token })).status).toBe(401)
    expect((await api('/users/me', { token: otherSession })).status).toBe(401)
    // The state is gone.
    expect(await env.KV.get(body.state_string)).toBeNull()
    const audit = await query(
      "SELECT additional_fields FROM audit_log WHERE action = 'write' AND resource_id = ?",
      userId,
    )
    expect(audit).toHaveLength(1)

    // The old password no longer logs in; the provider does.
    const passwordLogin = await api('/users/login', {
      method: 'POST',
      json: { email: OWNER.email, password: OWNER.password },
    })
    expect(passwordLogin.status).toBe(401)
    const again = await signIn(provider, providerSettings(provider), hint)
    expect(again.status).toBe(307)
    const newToken = setCookieValue(again, 'coder_session_token') as string
    const me = await api('/users/me', { token: newToken })
    expect(((await me.json()) as { id: string }).id).toBe(userId)
  })

  it('opens a session when the callback carries none', async () => {
    const userId = await createOwner()
    const { body, cookie } = await startConversion(await login(), provider)
    const hint = await createProviderAccount(provider, OWNER.email)
    const response = await completeConversion(provider, hint, body.state_string, {
      coder_oauth_convert_jwt: cookie,
    })
    expect(response.status).toBe(307)
    const token = setCookieValue(response, 'coder_session_token') as string
    const [key] = await query(
      'SELECT user_id, login_type FROM api_keys WHERE id = ?',
      token.slice(0, 10),
    )
    expect(key).toEqual({ user_id: userId, login_type: provider })
  })

  it('returns 400 when the provider email differs', async () => {
    const userId = await createOwner()
    const token = await login()
    const { body, cookie } = await startConversion(token, provider)
    const hint = await createProviderAccount(provider, 'someone-else@example.com')
    const response = await completeConversion(provider, hint, body.state_string, {
      coder_session_token: token,
      coder_oauth_convert_jwt: cookie,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message:
        'The oidc account with the email "someone-else@example.com" does not match the email of the account you are trying to convert. Contact your administrator to resolve this issue.',
    })
    const [user] = await query('SELECT login_type FROM users WHERE id = ?', userId)
    expect(user?.login_type).toBe('password')
    expect((await api('/users/me', { token })).status).toBe(200)
  })

  it('returns 400 without the conversion cookie', async () => {
    await createOwner()
    const token = await login()
    const { body } = await startConversion(token, provider)
    const hint = await createProviderAccount(provider, OWNER.email)
    const response = await completeConversion(provider, hint, body.state_string, {
      coder_session_token: token,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message:
        'Convert to oauth cookie not found. Missing signed jwt to authorize this action. Please try again.',
    })
  })

  it('returns 400 for an expired state', async () => {
    const userId = await createOwner()
    const token = await login()
    const { body, cookie } = await startConversion(token, provider)
    const hint = await createProviderAccount(provider, OWNER.email)
    // Six minutes later: KV still holds the entry (its TTL follows the real clock).
    const later = Date.now() + 6 * 60 * 1000
    setClock(() => later)
    const response = await completeConversion(provider, hint, body.state_string, {
      coder_session_token: token,
      coder_oauth_convert_jwt: cookie,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: `Conversion state expired at "${body.expires_at}". Start the conversion again.`,
    })
    const [user] = await query('SELECT login_type FROM users WHERE id = ?', userId)
    expect(user?.login_type).toBe('password')
  })

  it('returns 400 for an unknown state', async () => {
    await createOwner()
    const token = await login()
    const { cookie } = await startConversion(token, provider)
    const hint = await createProviderAccount(provider, OWNER.email)
    const response = await completeConversion(
      provider,
      hint,
      'convert-00000000000000000000000000000000',
      { coder_session_token: token, coder_oauth_convert_jwt: cookie },
    )
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe(
      'Conversion state not found: it expired, was already used, or never existed. Start the conversion again.',
    )
  })
})

describe('conversion state misuse', () => {
  it('returns 403 for the state of another user', async () => {
    const ownerId = await createOwner()
    const member = await createMember()
    const ownerState = await startConversion(await login(), 'oidc')
    // The member signs in at the provider as themselves with the owner's state and cookie.
    const hint = await createOidcAccount({ email: MEMBER.email })
    const response = await completeConversion('oidc', hint, ownerState.body.state_string, {
      coder_session_token: member.token,
      coder_oauth_convert_jwt: ownerState.cookie,
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message: 'Request to convert login type from password to oidc failed',
    })
    const types = await query('SELECT login_type FROM users WHERE id IN (?, ?)', ownerId, member.id)
    expect(types).toEqual([{ login_type: 'password' }, { login_type: 'password' }])
  })

  it('returns 403 for another state cookie', async () => {
    await createOwner()
    const token = await login()
    const first = await startConversion(token, 'oidc')
    const second = await startConversion(token, 'oidc')
    const hint = await createOidcAccount({ email: OWNER.email })
    const response = await completeConversion('oidc', hint, first.body.state_string, {
      coder_session_token: token,
      coder_oauth_convert_jwt: second.cookie,
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message: 'Request to convert login type failed. State mismatch.',
    })
  })

  it('returns 403 for the other provider', async () => {
    await createOwner()
    const token = await login()
    const { body, cookie } = await startConversion(token, 'github')
    const hint = await createOidcAccount({ email: OWNER.email })
    const response = await completeConversion('oidc', hint, body.state_string, {
      coder_session_token: token,
      coder_oauth_convert_jwt: cookie,
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message: 'Request to convert login type from password to oidc failed',
    })
  })

  it('rejects a second use of the same state', async () => {
    await createOwner()
    const { body, cookie } = await startConversion(await login(), 'oidc')
    const hint = await createOidcAccount({ email: OWNER.email })
    const cookies = { coder_oauth_convert_jwt: cookie }
    expect((await completeConversion('oidc', hint, body.state_string, cookies)).status).toBe(307)

    const replay = await completeConversion('oidc', hint, body.state_string, cookies)
    expect(replay.status).toBe(400)
    expect(((await replay.json()) as { message: string }).message).toBe(
      'Conversion state not found: it expired, was already used, or never existed. Start the conversion again.',
    )
  })

  it('rejects a used state still in KV', async () => {
    await createOwner()
    const { body, cookie } = await startConversion(await login(), 'oidc')
    const stored = (await env.KV.get(body.state_string)) as string
    const hint = await createOidcAccount({ email: OWNER.email })
    const cookies = { coder_oauth_convert_jwt: cookie }
    expect((await completeConversion('oidc', hint, body.state_string, cookies)).status).toBe(307)

    // Put the deleted entry back, as an eventually consistent read may still show it.
    await env.KV.put(body.state_string, stored, { expirationTtl: 300 })
    const replay = await completeConversion('oidc', hint, body.state_string, cookies)
    expect(replay.status).toBe(400)
    expect(await replay.json()).toEqual({
      message: 'Conversion state was already used.',
      detail: 'The account\'s login type is now "oidc"; sign in with it.',
    })
  })

  it('converts once for parallel callbacks', async () => {
    const userId = await createOwner()
    const { body, cookie } = await startConversion(await login(), 'oidc')
    const hint = await createOidcAccount({ email: OWNER.email })
    const settings = oidcSettings()
    const start = await startSignIn(
      'oidc',
      settings,
      hint,
      { oidc_merge_state: body.state_string },
      { coder_oauth_convert_jwt: cookie },
    )
    // Two authorization codes for the same state, redeemed at the same time.
    const callbacks = await Promise.all([
      authorizeAtProvider(start.authorizationUrl),
      authorizeAtProvider(start.authorizationUrl),
    ])
    const responses = await Promise.all(
      callbacks.map((callbackUrl) => finishSignIn(settings, callbackUrl, start.jar)),
    )
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses).toEqual([307, 400])
    expect(await query('SELECT user_id FROM user_links WHERE user_id = ?', userId)).toHaveLength(1)
    const sessions = await query("SELECT id FROM api_keys WHERE login_type = 'oidc'")
    expect(sessions).toHaveLength(1)
    const audit = await query(
      "SELECT id FROM audit_log WHERE action = 'write' AND resource_id = ?",
      userId,
    )
    expect(audit).toHaveLength(1)
  })
})

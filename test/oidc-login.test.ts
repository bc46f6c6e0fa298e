import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { checkProviderLink } from '../src/auth/oauth-session-link'
import { createDatabase } from '../src/db/client'
import { api, apiWithSettings, createOwner, insertUser, OWNER, query } from './helpers/api'
import {
  authorizeAtProvider,
  createOidcAccount,
  finishSignIn,
  oidcSettings,
  setCookieHeader,
  setCookieValue,
  signIn,
  startSignIn,
} from './helpers/oauth'

const TOKEN_SHAPE = /^[0-9A-Za-z]{10}-[0-9A-Za-z]{22}$/

/** Signs in through OIDC and returns the session token from the cookie. */
async function signInForToken(loginHint: string, settings = oidcSettings()): Promise<string> {
  const response = await signIn('oidc', settings, loginHint)
  expect(response.status).toBe(307)
  const token = setCookieValue(response, 'coder_session_token')
  expect(token).toMatch(TOKEN_SHAPE)
  return token as string
}

describe('GET /api/v2/users/oidc/callback, first leg', () => {
  it('returns 400 when OIDC is not configured', async () => {
    const response = await api('/users/oidc/callback')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'The oauth2 method requested is not configured!',
    })
  })

  it('redirects to the provider with state, PKCE and nonce', async () => {
    const settings = oidcSettings()
    const response = await apiWithSettings(settings, '/users/oidc/callback?redirect=/workspaces')
    expect(response.status).toBe(307)
    const location = new URL(response.headers.get('Location') ?? '')
    expect(location.origin).toBe(settings.OIDC_ISSUER_URL)
    const params = location.searchParams
    expect(params.get('response_type')).toBe('code')
    expect(params.get('client_id')).toBe(settings.OIDC_CLIENT_ID)
    expect(params.get('redirect_uri')).toBe('http://edgeauth.test/api/v2/users/oidc/callback')
    expect(params.get('scope')).toBe('openid profile email')
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get('nonce')).toBeTruthy()

    const state = params.get('state') as string
    expect(setCookieHeader(response, 'oauth_state')).toBe(
      `oauth_state=${state}; Path=/; HttpOnly; SameSite=Lax`,
    )
    expect(setCookieHeader(response, 'oauth_redirect')).toBe(
      `oauth_redirect=${encodeURIComponent('/workspaces')}; Path=/; HttpOnly; SameSite=Lax`,
    )
    expect(setCookieValue(response, 'oauth_code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(setCookieValue(response, 'oauth_nonce')).toBe(params.get('nonce'))
  })

  it('uses oidc_merge_state verbatim as the state', async () => {
    const mergeState = 'convert-0123456789abcdefghijABCDEFGHIJ0123'
    const response = await apiWithSettings(
      oidcSettings(),
      `/users/oidc/callback?oidc_merge_state=${mergeState}`,
    )
    expect(response.status).toBe(307)
    const location = new URL(response.headers.get('Location') ?? '')
    expect(location.searchParams.get('state')).toBe(mergeState)
    expect(setCookieValue(response, 'oauth_state')).toBe(mergeState)
  })

  it('returns 400 for an oidc_merge_state that cannot be a state', async () => {
    const response = await apiWithSettings(
      oidcSettings(),
      `/users/oidc/callback?oidc_merge_state=${encodeURIComponent('a b;c')}`,
    )
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe(
      'Invalid "oidc_merge_state" query parameter.',
    )
  })

  it.each([
    ['//evil.example', '/'],
    ['https://evil.example', '/'],
    ['https://evil.example/steal?x=1', '/steal?x=1'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['/templates?page=2', '/templates?page=2'],
  ])('stores redirect %s as %s', async (requested, stored) => {
    const response = await apiWithSettings(
      oidcSettings(),
      `/users/oidc/callback?redirect=${encodeURIComponent(requested)}`,
    )
    expect(response.status).toBe(307)
    expect(decodeURIComponent(setCookieValue(response, 'oauth_redirect') ?? '')).toBe(stored)
  })
})

describe('GET /api/v2/users/oidc/callback, second leg', () => {
  it('returns 400 for an error from the provider', async () => {
    const response = await apiWithSettings(
      oidcSettings(),
      '/users/oidc/callback?error=access_denied&error_description=no&error_uri=https://x.example',
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Encountered error in oidc process: access_denied',
      detail: 'no, error_uri: https://x.example',
    })
  })

  it('returns 400 without state', async () => {
    const response = await apiWithSettings(oidcSettings(), '/users/oidc/callback?code=abc')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'State must be provided.' })
  })

  it('returns 401 without the oauth_state cookie', async () => {
    const response = await apiWithSettings(oidcSettings(), '/users/oidc/callback?code=a&state=b')
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'Cookie "oauth_state" must be provided.' })
  })

  it('returns 401 when the state does not match the cookie', async () => {
    const response = await apiWithSettings(oidcSettings(), '/users/oidc/callback?code=a&state=b', {
      headers: { Cookie: 'oauth_state=c; oauth_code_verifier=v; oauth_nonce=n' },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'State mismatched.' })
  })

  it('returns 400 for a code the provider does not know', async () => {
    const settings = oidcSettings()
    const hint = await createOidcAccount({ email: 'code@example.com' })
    const start = await startSignIn('oidc', settings, hint)
    const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
    callbackUrl.searchParams.set('code', 'not-a-code')
    const response = await finishSignIn(settings, callbackUrl, start.jar)
    expect(response.status).toBe(400)
    const body = (await response.json()) as { message: string; detail: string }
    expect(body.message).toBe('Failed exchanging Oauth code.')
    expect(body.detail).toMatch(/^invalid_grant/)
  })

  it('returns 400 when a code is used twice', async () => {
    await createOwner()
    const settings = oidcSettings()
    const hint = await createOidcAccount({ email: 'twice@example.com' })
    const start = await startSignIn('oidc', settings, hint)
    const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
    expect((await finishSignIn(settings, callbackUrl, start.jar)).status).toBe(307)
    const replay = await finishSignIn(settings, callbackUrl, start.jar)
    expect(replay.status).toBe(400)
    expect(((await replay.json()) as { message: string }).message).toBe(
      'Failed exchanging Oauth code.',
    )
  })

  it('returns 400 for a foreign nonce', async () => {
    const settings = oidcSettings()
    const hint = await createOidcAccount({ email: 'nonce@example.com' })
    const start = await startSignIn('oidc', settings, hint)
    const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
    start.jar.cookies.set('oauth_nonce', 'another-nonce')
    const response = await finishSignIn(settings, callbackUrl, start.jar)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe(
      'Failed to verify OIDC token.',
    )
  })

  it('returns 403 for an unverified email', async () => {
    await createOwner()
    const hint = await createOidcAccount({ email: 'unverified@example.com', email_verified: false })
    const response = await signIn('oidc', oidcSettings(), hint)
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message:
        'Verify the "unverified@example.com" email address on your OIDC provider to authenticate!',
    })
  })

  it('returns 400 when the provider sends no email', async () => {
    await createOwner()
    const hint = await createOidcAccount({ preferred_username: 'noemail' })
    const response = await signIn('oidc', oidcSettings(), hint)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'No email found in OIDC payload!' })
  })
})

describe('OIDC sign-in', () => {
  it('signs up a new user and opens a session', async () => {
    await createOwner()
    const hint = await createOidcAccount({
      email: 'Alice@Example.com',
      preferred_username: 'alice',
      name: '  Alice Liddell ',
    })
    const start = await startSignIn('oidc', oidcSettings(), hint, { redirect: '/workspaces' })
    const response = await finishSignIn(
      oidcSettings(),
      await authorizeAtProvider(start.authorizationUrl),
      start.jar,
    )
    expect(response.status).toBe(307)
    expect(response.headers.get('Location')).toBe('/workspaces')
    const token = setCookieValue(response, 'coder_session_token') as string
    expect(setCookieHeader(response, 'coder_session_token')).toBe(
      `coder_session_token=${token}; Path=/; HttpOnly; SameSite=Lax`,
    )

    const me = await api('/users/me', { token })
    expect(me.status).toBe(200)
    const user = (await me.json()) as Record<string, unknown>
    expect(user.email).toBe('Alice@Example.com')
    expect(user.username).toBe('alice')
    expect(user.name).toBe('Alice Liddell')
    expect(user.login_type).toBe('oidc')
    expect(user.status).toBe('active')
    expect(user.roles).toEqual([])

    const [key] = await query('SELECT login_type FROM api_keys WHERE id = ?', token.split('-')[0])
    expect(key?.login_type).toBe('oidc')
    const links = await query('SELECT * FROM user_links WHERE user_id = ?', user.id)
    expect(links).toHaveLength(1)
    expect(links[0]?.login_type).toBe('oidc')
    expect(links[0]?.linked_id).toBe(`${oidcSettings().OIDC_ISSUER_URL}||${hint}`)
    const audit = await query(`SELECT action FROM audit_log WHERE user_id = ?`, user.id)
    expect(audit.map((row) => row.action)).toContain('register')
  })

  it('signs the same user in again with a new session', async () => {
    await createOwner()
    const hint = await createOidcAccount({ email: 'again@example.com' })
    const first = await signInForToken(hint)
    const second = await signInForToken(hint)
    expect(second).not.toBe(first)
    const users = await query("SELECT id FROM users WHERE email = 'again@example.com'")
    expect(users).toHaveLength(1)
    const keys = await query('SELECT id FROM api_keys WHERE user_id = ?', users[0]?.id)
    expect(keys).toHaveLength(2)
    expect((await api('/users/me', { token: second })).status).toBe(200)
  })

  it('matches by link after an email change', async () => {
    await createOwner()
    const hint = await createOidcAccount({ email: 'before@example.com' })
    await signInForToken(hint)
    await query(
      `UPDATE users SET email = 'renamed@example.com', email_normalized = 'renamed@example.com'
       WHERE email = 'before@example.com'`,
    )
    const token = await signInForToken(hint)
    const me = (await (await api('/users/me', { token })).json()) as { email: string }
    expect(me.email).toBe('renamed@example.com')
  })

  it('derives the username from the email', async () => {
    await createOwner()
    const hint = await createOidcAccount({ email: 'owner@elsewhere.example' })
    const token = await signInForToken(hint)
    const me = (await (await api('/users/me', { token })).json()) as { username: string }
    // "owner" belongs to the first user, so an alternative is chosen.
    expect(me.username).toMatch(/^owner-[a-z0-9]{6}$/)
  })

  it('drops invalid characters from the claimed username', async () => {
    await createOwner()
    const hint = await createOidcAccount({
      email: 'spaces@example.com',
      preferred_username: 'not a valid_name',
    })
    const token = await signInForToken(hint)
    const me = (await (await api('/users/me', { token })).json()) as { username: string }
    expect(me.username).toBe('notavalidname')
  })

  it('returns 403 when sign-ups are disabled', async () => {
    await createOwner()
    const hint = await createOidcAccount({ email: 'stranger@example.com' })
    const response = await signIn('oidc', oidcSettings({ OIDC_ALLOW_SIGNUPS: 'false' }), hint)
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message: 'Signups are disabled',
      detail: 'Please contact your Coder administrator to request access.',
    })
    expect(await query("SELECT id FROM users WHERE email = 'stranger@example.com'")).toHaveLength(0)
  })

  it('signs up the first user as owner', async () => {
    const hint = await createOidcAccount({ email: 'first@example.com' })
    const token = await signInForToken(hint, oidcSettings({ OIDC_ALLOW_SIGNUPS: 'false' }))
    const me = (await (await api('/users/me', { token })).json()) as { roles: { name: string }[] }
    expect(me.roles.map((role) => role.name)).toEqual(['owner'])
  })

  it('returns 403 for a password user and points to conversion', async () => {
    await createOwner()
    const hint = await createOidcAccount({ email: OWNER.email.toUpperCase() })
    const response = await signIn('oidc', oidcSettings(), hint)
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message: 'Incorrect login type',
      detail:
        'Attempting to use login type "oidc", but the user has the login type "password". You can convert your account to use this login type by visiting your account settings.',
    })
    expect(await query('SELECT user_id FROM user_links')).toHaveLength(0)
  })

  it('returns 403 for a GitHub user', async () => {
    await createOwner()
    await insertUser({ email: 'gh@example.com', username: 'gh', loginType: 'github' })
    const hint = await createOidcAccount({ email: 'gh@example.com' })
    const response = await signIn('oidc', oidcSettings(), hint)
    expect(response.status).toBe(403)
    expect(((await response.json()) as { detail: string }).detail).toBe(
      'Attempting to use login type "oidc", but the user has the login type "github".',
    )
  })

  it('returns 401 for a suspended user', async () => {
    await createOwner()
    await insertUser({
      email: 'held@example.com',
      username: 'held',
      loginType: 'oidc',
      status: 'suspended',
    })
    const hint = await createOidcAccount({ email: 'held@example.com' })
    const response = await signIn('oidc', oidcSettings(), hint)
    expect(response.status).toBe(401)
    expect(await query("SELECT id FROM api_keys WHERE login_type = 'oidc'")).toHaveLength(0)
  })

  it('activates a dormant user', async () => {
    await createOwner()
    await insertUser({
      email: 'sleepy@example.com',
      username: 'sleepy',
      loginType: 'oidc',
      status: 'dormant',
    })
    const hint = await createOidcAccount({ email: 'sleepy@example.com' })
    await signInForToken(hint)
    const [user] = await query("SELECT status FROM users WHERE username = 'sleepy'")
    expect(user?.status).toBe('active')
  })

  it('keeps only the path of a forged redirect cookie', async () => {
    await createOwner()
    const settings = oidcSettings()
    const hint = await createOidcAccount({ email: 'forged@example.com' })
    const start = await startSignIn('oidc', settings, hint)
    const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
    start.jar.cookies.set('oauth_redirect', encodeURIComponent('//evil.example/x'))
    const response = await finishSignIn(settings, callbackUrl, start.jar)
    expect(response.status).toBe(307)
    expect(response.headers.get('Location')).toBe('/x')
  })
})

describe('checkProviderLink', () => {
  it('ends an OIDC session whose link is gone', async () => {
    await createOwner()
    const token = await signInForToken(await createOidcAccount({ email: 'unlinked@example.com' }))
    expect((await api('/users/me', { token })).status).toBe(200)
    await query('DELETE FROM user_links')
    const response = await api('/users/me', { token })
    expect(response.status).toBe(401)
    expect(((await response.json()) as { detail: string }).detail).toBe(
      'You must re-authenticate with the login provider.',
    )
  })

  it('requires a link for OIDC and GitHub keys only', async () => {
    const db = createDatabase(env.DB)
    const userId = await insertUser({ email: 'l@example.com', username: 'l', loginType: 'oidc' })
    const now = Date.now()
    expect(await checkProviderLink(db, { userId, loginType: 'password' }, now)).toBeNull()
    expect(await checkProviderLink(db, { userId, loginType: 'oidc' }, now)).toBe(
      'You must re-authenticate with the login provider.',
    )
    await query(
      `INSERT INTO user_links (user_id, login_type, linked_id, oauth_expiry, created_at, updated_at)
       VALUES (?1, 'oidc', 'issuer||subject', NULL, ?2, ?2)`,
      userId,
      now,
    )
    expect(await checkProviderLink(db, { userId, loginType: 'oidc' }, now)).toBeNull()
    expect(await checkProviderLink(db, { userId, loginType: 'github' }, now)).toBe(
      'You must re-authenticate with the login provider.',
    )
  })

  it('reports an expired link with the provider name', async () => {
    const db = createDatabase(env.DB)
    const userId = await insertUser({ email: 'e@example.com', username: 'e', loginType: 'github' })
    const expiry = Date.UTC(2025, 8, 1, 12, 0, 0, 123)
    await query(
      `INSERT INTO user_links (user_id, login_type, linked_id, oauth_expiry, created_at, updated_at)
       VALUES (?1, 'github', '42', ?2, ?2, ?2)`,
      userId,
      expiry,
    )
    expect(await checkProviderLink(db, { userId, loginType: 'github' }, expiry + 1)).toBe(
      'GitHub session expired at "2025-09-01 12:00:00.123 +0000 UTC". Try signing in again.',
    )
  })
})

describe('GET /api/v2/users/authmethods', () => {
  it('reports OIDC and GitHub when configured', async () => {
    const response = await apiWithSettings(
      oidcSettings({
        OIDC_SIGN_IN_TEXT: 'Sign in with Example',
        OIDC_ICON_URL: '/icon/example.svg',
        GITHUB_CLIENT_ID: 'id',
        GITHUB_CLIENT_SECRET: 'secret',
      }),
      '/users/authmethods',
    )
    expect(await response.json()).toEqual({
      password: { enabled: true },
      github: { enabled: true, default_provider_configured: false },
      oidc: { enabled: true, signInText: 'Sign in with Example', iconUrl: '/icon/example.svg' },
    })
  })

  it('reports neither when unconfigured', async () => {
    const response = await api('/users/authmethods')
    const body = (await response.json()) as { github: unknown; oidc: unknown }
    expect(body.github).toEqual({ enabled: false, default_provider_configured: false })
    expect(body.oidc).toEqual({ enabled: false, signInText: '', iconUrl: '' })
  })
})

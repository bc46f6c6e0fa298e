import { describe, expect, it } from 'vitest'
import { api, apiWithSettings, createOwner, insertUser, OWNER, query } from './helpers/api'
import {
  authorizeAtProvider,
  createGithubUser,
  finishSignIn,
  githubSettings,
  setCookieHeader,
  setCookieValue,
  signIn,
  startSignIn,
} from './helpers/oauth'

const SIGNUPS = { GITHUB_ALLOW_SIGNUPS: 'true' }

describe('GET /api/v2/users/oauth2/github/callback, first leg', () => {
  it('returns 400 when GitHub is not configured', async () => {
    const response = await api('/users/oauth2/github/callback')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'The oauth2 method requested is not configured!',
    })
  })

  it('redirects to GitHub with state and PKCE', async () => {
    const settings = githubSettings()
    const response = await apiWithSettings(settings, '/users/oauth2/github/callback')
    expect(response.status).toBe(307)
    const location = new URL(response.headers.get('Location') ?? '')
    expect(`${location.origin}${location.pathname}`).toBe(
      `${settings.GITHUB_URL}/login/oauth/authorize`,
    )
    const params = location.searchParams
    expect(params.get('client_id')).toBe(settings.GITHUB_CLIENT_ID)
    expect(params.get('redirect_uri')).toBe(
      'http://edgeauth.test/api/v2/users/oauth2/github/callback',
    )
    expect(params.get('scope')).toBe('read:user user:email')
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.has('nonce')).toBe(false)
    expect(setCookieValue(response, 'oauth_state')).toBe(params.get('state'))
    expect(setCookieHeader(response, 'oauth_nonce')).toBeUndefined()
    // No redirect requested: the cookie is still set, so that an older one cannot apply.
    expect(setCookieHeader(response, 'oauth_redirect')).toBe(
      'oauth_redirect=%2F; Path=/; HttpOnly; SameSite=Lax',
    )
  })
})

describe('GitHub sign-in', () => {
  it('signs up a new user when sign-ups are allowed', async () => {
    await createOwner()
    const login = await createGithubUser({
      login: 'octo_cat',
      name: 'The Octocat',
      emails: [
        { email: 'old@example.com', primary: false, verified: true },
        { email: 'octocat@example.com', primary: true, verified: true },
      ],
    })
    const response = await signIn('github', githubSettings(SIGNUPS), login, { redirect: '/w' })
    expect(response.status).toBe(307)
    expect(response.headers.get('Location')).toBe('/w')
    const token = setCookieValue(response, 'coder_session_token') as string

    const me = (await (await api('/users/me', { token })).json()) as Record<string, unknown>
    expect(me.email).toBe('octocat@example.com')
    expect(me.username).toBe('octo-cat')
    expect(me.name).toBe('The Octocat')
    expect(me.login_type).toBe('github')
    const links = await query('SELECT linked_id FROM user_links WHERE user_id = ?', me.id)
    expect(links).toEqual([{ linked_id: login }])
  })

  it('signs an existing GitHub user in again', async () => {
    await createOwner()
    const login = await createGithubUser({
      login: 'returning',
      emails: [{ email: 'returning@example.com', primary: true, verified: true }],
    })
    const first = await signIn('github', githubSettings(SIGNUPS), login)
    expect(first.status).toBe(307)
    // Sign-ups are off by default; a known user still signs in.
    const second = await signIn('github', githubSettings(), login)
    expect(second.status).toBe(307)
    const token = setCookieValue(second, 'coder_session_token') as string
    expect((await api('/users/me', { token })).status).toBe(200)
    expect(await query("SELECT id FROM users WHERE email = 'returning@example.com'")).toHaveLength(
      1,
    )
  })

  it('returns 403 when sign-ups are off', async () => {
    await createOwner()
    const login = await createGithubUser({
      login: 'stranger',
      emails: [{ email: 'stranger@example.com', primary: true, verified: true }],
    })
    const response = await signIn('github', githubSettings(), login)
    expect(response.status).toBe(403)
    expect(((await response.json()) as { message: string }).message).toBe('Signups are disabled')
    expect(await query("SELECT id FROM users WHERE email = 'stranger@example.com'")).toHaveLength(0)
  })

  it('returns 400 without a verified primary email', async () => {
    await createOwner()
    const login = await createGithubUser({
      login: 'unverified',
      emails: [
        { email: 'unverified@example.com', primary: true, verified: false },
        { email: 'other@example.com', primary: false, verified: true },
      ],
    })
    const response = await signIn('github', githubSettings(SIGNUPS), login)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Your primary email must be verified on GitHub!',
    })
  })

  it('returns 403 for a password user and points to conversion', async () => {
    await createOwner()
    const login = await createGithubUser({
      login: 'owner-on-github',
      emails: [{ email: OWNER.email, primary: true, verified: true }],
    })
    const response = await signIn('github', githubSettings(SIGNUPS), login)
    expect(response.status).toBe(403)
    expect(((await response.json()) as { detail: string }).detail).toBe(
      'Attempting to use login type "github", but the user has the login type "password". You can convert your account to use this login type by visiting your account settings.',
    )
  })

  it('returns 400 for a code GitHub rejects', async () => {
    const settings = githubSettings(SIGNUPS)
    const login = await createGithubUser({
      login: 'badcode',
      emails: [{ email: 'badcode@example.com', primary: true, verified: true }],
    })
    const start = await startSignIn('github', settings, login)
    const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
    callbackUrl.searchParams.set('code', 'wrong')
    const response = await finishSignIn(settings, callbackUrl, start.jar)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Failed exchanging Oauth code.',
      detail: 'bad_verification_code: The code passed is incorrect or expired.',
    })
  })

  it('returns 400 for a foreign PKCE verifier', async () => {
    const settings = githubSettings(SIGNUPS)
    const login = await createGithubUser({
      login: 'pkce',
      emails: [{ email: 'pkce@example.com', primary: true, verified: true }],
    })
    const start = await startSignIn('github', settings, login)
    const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
    start.jar.cookies.set('oauth_code_verifier', 'x'.repeat(43))
    const response = await finishSignIn(settings, callbackUrl, start.jar)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe(
      'Failed exchanging Oauth code.',
    )
  })

  it('returns 500 when the client secret is wrong', async () => {
    const settings = githubSettings({ ...SIGNUPS, GITHUB_CLIENT_SECRET: 'not-the-secret' })
    const login = await createGithubUser({
      login: 'secret',
      emails: [{ email: 'secret@example.com', primary: true, verified: true }],
    })
    const response = await signIn('github', settings, login)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      message: 'Failed exchanging Oauth code.',
      detail: 'incorrect_client_credentials',
    })
  })

  it('passes on an error GitHub reports', async () => {
    const settings = githubSettings()
    const start = await startSignIn('github', settings, 'no-such-user')
    const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
    const response = await finishSignIn(settings, callbackUrl, start.jar)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe(
      'Encountered error in oidc process: access_denied',
    )
  })

  it('keeps a taken username unique', async () => {
    await createOwner()
    await insertUser({ email: 'x@example.com', username: 'dup', loginType: 'password' })
    const login = await createGithubUser({
      login: 'dup',
      emails: [{ email: 'dup@example.com', primary: true, verified: true }],
    })
    const response = await signIn('github', githubSettings(SIGNUPS), login)
    expect(response.status).toBe(307)
    const [user] = await query("SELECT username FROM users WHERE email = 'dup@example.com'")
    expect(user?.username).toMatch(/^dup-[a-z0-9]{6}$/)
  })
})

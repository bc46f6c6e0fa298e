/**
 * Helpers that drive GitHub and OpenID Connect sign-in by hand. The first leg and the callback
 * go through the app. The provider's redirects are followed with fetch and a cookie jar,
 * because the providers are real servers on 127.0.0.1 that the global setup starts.
 */
import { inject } from 'vitest'
import { apiWithSettings, BASE_URL } from './api'

// The same declaration as in test/peers/identity.ts, which this project's tsconfig does not
// compile (it runs in Node, these tests in workerd).
interface IdentityPeers {
  oidc: { issuer: string; clientId: string; clientSecret: string; accountsUrl: string }
  github: {
    webUrl: string
    apiUrl: string
    clientId: string
    clientSecret: string
    usersUrl: string
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    identityPeers: IdentityPeers
  }
}

export type Provider = 'oidc' | 'github'

export const CALLBACK_PATHS: Record<Provider, string> = {
  oidc: '/users/oidc/callback',
  github: '/users/oauth2/github/callback',
}

/** Settings that point the app at the local OpenID Provider. */
export function oidcSettings(overrides: Record<string, string> = {}): Record<string, string> {
  const { oidc } = inject('identityPeers')
  return {
    ACCESS_URL: BASE_URL,
    OIDC_ISSUER_URL: oidc.issuer,
    OIDC_CLIENT_ID: oidc.clientId,
    OIDC_CLIENT_SECRET: oidc.clientSecret,
    ...overrides,
  }
}

/** Settings that point the app at the GitHub stand-in. */
export function githubSettings(overrides: Record<string, string> = {}): Record<string, string> {
  const { github } = inject('identityPeers')
  return {
    ACCESS_URL: BASE_URL,
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_URL: github.webUrl,
    GITHUB_API_URL: github.apiUrl,
    ...overrides,
  }
}

export function providerSettings(
  provider: Provider,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return provider === 'oidc' ? oidcSettings(overrides) : githubSettings(overrides)
}

/** Creates an account at the OpenID Provider and returns the `login_hint` that selects it. */
export async function createOidcAccount(account: {
  email?: unknown
  email_verified?: boolean
  preferred_username?: string
  name?: string
}): Promise<string> {
  return createPeerAccount(inject('identityPeers').oidc.accountsUrl, {
    email_verified: true,
    ...account,
  })
}

/** Creates a user at the GitHub stand-in and returns the `login` value that selects it. */
export async function createGithubUser(user: {
  login: string
  name?: string
  emails: { email: string; primary: boolean; verified: boolean }[]
}): Promise<string> {
  return createPeerAccount(inject('identityPeers').github.usersUrl, user)
}

/** Creates an account at a provider for `email`, verified and primary. */
export async function createProviderAccount(provider: Provider, email: string): Promise<string> {
  if (provider === 'oidc') return createOidcAccount({ email })
  const login = email.split('@')[0] ?? 'someone'
  return createGithubUser({ login, emails: [{ email, primary: true, verified: true }] })
}

async function createPeerAccount(url: string, body: unknown): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) })
  if (response.status !== 201) throw new Error(`creating a test account failed: ${response.status}`)
  return ((await response.json()) as { login_hint: string }).login_hint
}

/** Cookies by name, as a browser keeps them for one site (paths and expiry are ignored). */
export class CookieJar {
  readonly cookies = new Map<string, string>()

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.cookies.set(name, value)
  }

  /** Stores the response's cookies; a cookie with `Max-Age=0` is removed. */
  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';')
      const separator = pair.indexOf('=')
      const name = pair.slice(0, separator).trim()
      const value = pair.slice(separator + 1).trim()
      const deleted = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
      if (deleted) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}

export interface SignInStart {
  /** The first leg's response. */
  response: Response
  /** The provider's authorization URL, with the test account selected. */
  authorizationUrl: URL
  /** The site's cookies after the first leg. */
  jar: CookieJar
}

/**
 * Runs the first leg: `query` goes to the callback (`redirect`, `oidc_merge_state`), `cookies`
 * are the browser's cookies for the site. Selects the account `loginHint` at the provider.
 */
export async function startSignIn(
  provider: Provider,
  settings: Record<string, string>,
  loginHint: string,
  query: Record<string, string> = {},
  cookies: Record<string, string> = {},
): Promise<SignInStart> {
  const jar = new CookieJar(cookies)
  const search = new URLSearchParams(query).toString()
  const response = await apiWithSettings(
    settings,
    `${CALLBACK_PATHS[provider]}${search ? `?${search}` : ''}`,
    { headers: { Cookie: jar.header() } },
  )
  if (response.status !== 307) {
    throw new Error(`first leg failed: ${response.status} ${await response.text()}`)
  }
  jar.store(response)
  const authorizationUrl = new URL(response.headers.get('Location') ?? '')
  authorizationUrl.searchParams.set(provider === 'oidc' ? 'login_hint' : 'login', loginHint)
  return { response, authorizationUrl, jar }
}

/**
 * Follows the provider's redirects from the authorization URL, with the provider's own cookies,
 * until it redirects back to the site, and returns that callback URL.
 */
export async function authorizeAtProvider(authorizationUrl: URL): Promise<URL> {
  const providerJar = new CookieJar()
  let url = authorizationUrl
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { Cookie: providerJar.header() },
    })
    providerJar.store(response)
    const location = response.headers.get('Location')
    if (!location) {
      throw new Error(`the provider did not redirect: ${response.status} ${await response.text()}`)
    }
    url = new URL(location, url)
    if (url.origin === BASE_URL) return url
  }
  throw new Error('the provider redirected more than 10 times')
}

/** Calls the callback URL the provider redirected to, with the site's cookies. */
export async function finishSignIn(
  settings: Record<string, string>,
  callbackUrl: URL,
  jar: CookieJar,
): Promise<Response> {
  const path = `${callbackUrl.pathname.replace(/^\/api\/v2/, '')}${callbackUrl.search}`
  return apiWithSettings(settings, path, { headers: { Cookie: jar.header() } })
}

/** Runs a whole sign-in and returns the callback's response. */
export async function signIn(
  provider: Provider,
  settings: Record<string, string>,
  loginHint: string,
  query: Record<string, string> = {},
  cookies: Record<string, string> = {},
): Promise<Response> {
  const start = await startSignIn(provider, settings, loginHint, query, cookies)
  const callbackUrl = await authorizeAtProvider(start.authorizationUrl)
  return finishSignIn(settings, callbackUrl, start.jar)
}

/** Returns the value of the cookie `name` that a response sets, or undefined. */
export function setCookieValue(response: Response, name: string): string | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`))
  return header?.slice(name.length + 1).split(';')[0]
}

/** Returns the whole `Set-Cookie` header for the cookie `name`, or undefined. */
export function setCookieHeader(response: Response, name: string): string | undefined {
  return response.headers.getSetCookie().find((cookie) => cookie.startsWith(`${name}=`))
}

/**
 * The two legs of Coder's OAuth middleware, shared by GitHub and OpenID Connect. The first leg
 * (no `code`) sends the browser to the provider with a state, a PKCE challenge (RFC 7636, S256)
 * and, for OIDC, a nonce. The values it needs again travel in HttpOnly cookies, and the second
 * leg checks the provider's response against those cookies with Coder's messages.
 */
import * as oauth from 'oauth4webapi'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import type { AppEnv } from '../http/context'
import { isSecureRequest } from '../http/cookies'

export { isSecureRequest }
import { ApiError } from '../http/errors'
import { constantTimeEqual } from './session-token'

/** Coder's cookie names (`codersdk.OAuth2StateCookie`, `codersdk.OAuth2RedirectCookie`). */
export const OAUTH_STATE_COOKIE = 'oauth_state'
export const OAUTH_REDIRECT_COOKIE = 'oauth_redirect'
/** edgeauth's own cookies: the PKCE code verifier and the OIDC nonce of the pending sign-in. */
export const OAUTH_CODE_VERIFIER_COOKIE = 'oauth_code_verifier'
export const OAUTH_NONCE_COOKIE = 'oauth_nonce'

export const NOT_CONFIGURED = 'The oauth2 method requested is not configured!'

/**
 * `oidc_merge_state` values accepted as the OAuth state: 1 to 256 URL-safe characters, which
 * covers Coder's `convert-` states and fits a cookie without encoding.
 */
const MERGE_STATE_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/

/** Values the second leg needs from the first. */
export interface PendingAuthorization {
  state: string
  codeVerifier: string
  /** The OIDC nonce; absent for GitHub, which is plain OAuth 2.0. */
  nonce?: string
}

/**
 * Starts a sign-in: picks the state (`oidc_merge_state` verbatim during a conversion, else a
 * random one), a PKCE verifier and, when `withNonce`, a nonce. Returns them with the cookies that
 * carry them to the second leg.
 */
export function startAuthorization(
  c: Context<AppEnv>,
  withNonce: boolean,
): { pending: PendingAuthorization; cookies: string[] } {
  const mergeState = c.req.query('oidc_merge_state') ?? ''
  if (mergeState && !MERGE_STATE_PATTERN.test(mergeState)) {
    throw new ApiError(400, 'Invalid "oidc_merge_state" query parameter.', {
      detail: 'Use the state_string that POST /users/{user}/convert-login returned.',
    })
  }
  const pending: PendingAuthorization = {
    state: mergeState || oauth.generateRandomState(),
    codeVerifier: oauth.generateRandomCodeVerifier(),
  }
  if (withNonce) pending.nonce = oauth.generateRandomNonce()

  const secure = isSecureRequest(c)
  const redirect = safeRedirectPath(c.req.query('redirect') ?? '')
  const cookies = [
    oauthCookie(OAUTH_STATE_COOKIE, pending.state, secure),
    // Always set, so that the redirect of an earlier attempt cannot apply (as in Coder).
    oauthCookie(OAUTH_REDIRECT_COOKIE, encodeURIComponent(redirect), secure),
    oauthCookie(OAUTH_CODE_VERIFIER_COOKIE, pending.codeVerifier, secure),
  ]
  if (pending.nonce) cookies.push(oauthCookie(OAUTH_NONCE_COOKIE, pending.nonce, secure))
  return { pending, cookies }
}

/** Builds the 307 to `location` that sets `cookies`, with which both legs end. */
export function redirectWithCookies(location: string, cookies: string[]): Response {
  const headers = new Headers({ Location: location })
  for (const cookie of cookies) headers.append('Set-Cookie', cookie)
  return new Response(null, { status: 307, headers })
}

/** Input of the provider-specific code exchange, from the second leg. */
export interface CallbackRequest {
  /** The callback URL with the provider's parameters. */
  url: URL
  state: string
  codeVerifier: string
  nonce: string | undefined
  /** Path on this site to send the browser to afterwards. */
  redirect: string
}

/**
 * Reports whether the request is the second leg (it has a `code`), after Coder's check of the
 * provider's `error` parameter, which comes first.
 */
export function isSecondLeg(c: Context<AppEnv>): boolean {
  const error = c.req.query('error')
  if (error) {
    const description = c.req.query('error_description') ?? ''
    const uri = c.req.query('error_uri') ?? ''
    let detail = description
    if (uri) detail = description ? `${description}, error_uri: ${uri}` : `error_uri: ${uri}`
    throw new ApiError(400, `Encountered error in oidc process: ${error}`, { detail })
  }
  return Boolean(c.req.query('code'))
}

/** Checks the second leg's state against the `oauth_state` cookie, with Coder's messages. */
export function readCallback(c: Context<AppEnv>): CallbackRequest {
  const state = c.req.query('state') ?? ''
  if (!state) throw new ApiError(400, 'State must be provided.')
  const stateCookie = getCookie(c, OAUTH_STATE_COOKIE)
  if (stateCookie === undefined) {
    throw new ApiError(401, `Cookie "${OAUTH_STATE_COOKIE}" must be provided.`)
  }
  if (!constantTimeEqual(stateCookie, state)) throw new ApiError(401, 'State mismatched.')
  // The first leg always sets the verifier with the state, so only a tampered request lacks it.
  const codeVerifier = getCookie(c, OAUTH_CODE_VERIFIER_COOKIE)
  if (!codeVerifier) {
    throw new ApiError(401, `Cookie "${OAUTH_CODE_VERIFIER_COOKIE}" must be provided.`)
  }
  return {
    url: new URL(c.req.url),
    state,
    codeVerifier,
    nonce: getCookie(c, OAUTH_NONCE_COOKIE),
    // The cookie was sanitised when set; it is checked again because cookies can be forged.
    redirect: safeRedirectPath(getCookie(c, OAUTH_REDIRECT_COOKIE) ?? ''),
  }
}

/**
 * Reduces a requested redirect to a path on this site, as Coder strips the host of the
 * `redirect` parameter. The WHATWG URL parser resolves it against a placeholder origin, so
 * `//evil.example`, `https://evil.example/x` and `/\evil.example` lose their host. The result
 * always starts with one `/`, and is `/` when nothing usable remains.
 */
export function safeRedirectPath(requested: string): string {
  if (!requested) return '/'
  let url: URL
  try {
    url = new URL(requested, 'http://redirect.invalid')
  } catch {
    return '/'
  }
  const path = url.pathname + url.search
  if (!path.startsWith('/') || path.startsWith('//')) return '/'
  return path
}

/** The callback URL of a provider, on the deployment's access URL or the request's origin. */
export function callbackUri(c: Context<AppEnv>, path: string): string {
  const base = c.var.config.accessUrl ?? new URL(c.req.url).origin
  return `${base}/api/v2${path}`
}

function oauthCookie(name: string, value: string, secure: boolean): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

/**
 * CSRF protection of the pages' form posts, as a double-submit token: the `csrf_token` cookie
 * (HttpOnly, SameSite=Lax) and a hidden form field must carry the same value, compared in
 * constant time. Another site can make a browser post a form with the cookie, but it cannot
 * read the cookie to copy it into the field. The API's middleware (src/http/csrf.ts) covers
 * `/api/*` only and reads the same cookie, compared there with the `X-CSRF-TOKEN` header.
 * As a second layer, a post that the browser marks as coming from another origin
 * (`Sec-Fetch-Site`, `Origin`) is rejected even with a matching token.
 */
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { constantTimeEqual, randomAlphanumeric } from '../auth/session-token'
import { CSRF_COOKIE, isSecureRequest } from '../http/cookies'
import type { AppEnv } from '../http/context'

/** Name of the hidden form field that carries the token. */
export const CSRF_FIELD = 'csrf_token'
/** Length of a new token from [0-9A-Za-z]: about 190 bits. */
const CSRF_TOKEN_LENGTH = 32
/**
 * Cookie values that are kept rather than replaced: a token of this module, or one that another
 * client of the API (such as Coder's dashboard) set in a similar form.
 */
const REUSABLE_TOKEN_PATTERN = /^[A-Za-z0-9+/=_-]{32,128}$/

export const CSRF_REJECTED =
  'This form could not be verified: it expired or was sent from another site. Submit it again.'

/** Returns the token for the forms of this response, setting a new cookie when needed. */
export function pageCsrfToken(c: Context<AppEnv>): string {
  const existing = getCookie(c, CSRF_COOKIE)
  if (existing && REUSABLE_TOKEN_PATTERN.test(existing)) return existing
  return renewCsrfToken(c)
}

/** Sets a new token cookie and returns the token, for example after sign-in and sign-out. */
export function renewCsrfToken(c: Context<AppEnv>): string {
  const token = randomAlphanumeric(CSRF_TOKEN_LENGTH)
  const secure = isSecureRequest(c) ? '; Secure' : ''
  c.header('Set-Cookie', `${CSRF_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${secure}`, {
    append: true,
  })
  return token
}

/** Reports whether a form post carries the token of its cookie and comes from this origin. */
export function isTrustedFormPost(c: Context<AppEnv>, form: Record<string, string>): boolean {
  const fetchSite = c.req.header('Sec-Fetch-Site')
  if (fetchSite !== undefined && fetchSite !== 'same-origin') return false
  // `Origin: null` is what a browser sends for a same-origin post under
  // `Referrer-Policy: no-referrer`, so only a real, different origin counts against the post.
  const origin = c.req.header('Origin')
  if (origin !== undefined && origin !== 'null' && !isOwnOrigin(c, origin)) return false
  const cookie = getCookie(c, CSRF_COOKIE) ?? ''
  const field = form[CSRF_FIELD] ?? ''
  if (cookie === '' || field === '') return false
  return constantTimeEqual(cookie, field)
}

function isOwnOrigin(c: Context<AppEnv>, origin: string): boolean {
  if (origin === new URL(c.req.url).origin) return true
  const accessUrl = c.var.config.accessUrl
  return accessUrl !== null && origin === new URL(accessUrl).origin
}

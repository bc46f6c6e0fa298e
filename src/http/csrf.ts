/**
 * CSRF protection for cookie-authenticated writes, following Coder's rule: a non-GET request
 * under /api that carries the session cookie must prove it was not sent by another site.
 */
import type { MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { constantTimeEqual } from '../auth/session-token'
import type { AppEnv } from './context'
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, SESSION_HEADER } from './cookies'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])
/** Paths that never need a CSRF token; Coder exempts first-user creation. */
const EXEMPT_PATHS = new Set(['/api/v2/users/first'])

const CSRF_FAILURE =
  'Something is wrong with your CSRF token. Please refresh the page. If this error persists, try clearing your cookies.'
const CSRF_MISMATCH = `CSRF error encountered. Authentication via "${SESSION_COOKIE}" cookie and "${SESSION_HEADER}" header detected, but the values do not match. To resolve this issue ensure the values used in both match, or only use one of the authentication methods. You can also try clearing your cookies if this error persists.`

/**
 * Lets a cookie-carrying write through when the same token also arrives in the
 * `Coder-Session-Token` header or `coder_session_token` query parameter, when it uses
 * `Authorization: Bearer`, or when `X-CSRF-TOKEN` equals the `csrf_token` cookie. Otherwise
 * returns Coder's plain-text 400.
 * NOTE: Coder's nosurf library masks the header token; here the header carries the cookie value
 * as it is (a double-submit cookie), which needs the same-origin access an attacker lacks.
 */
export const csrfProtection: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || EXEMPT_PATHS.has(c.req.path)) return next()
  const sessionCookie = getCookie(c, SESSION_COOKIE)
  if (!sessionCookie) return next()

  const header = c.req.header(SESSION_HEADER) ?? ''
  if (header === sessionCookie || c.req.query(SESSION_COOKIE) === sessionCookie) return next()
  if ((c.req.header('Authorization') ?? '').slice(0, 7).toLowerCase() === 'bearer ') return next()
  const csrfCookie = getCookie(c, CSRF_COOKIE) ?? ''
  const csrfHeader = c.req.header(CSRF_HEADER) ?? ''
  if (csrfCookie && csrfHeader && constantTimeEqual(csrfCookie, csrfHeader)) return next()

  c.var.logger.log('warn', 'csrf_rejected', { path: c.req.path })
  const message = header ? CSRF_MISMATCH : CSRF_FAILURE
  return c.text(`${message}\n`, 400, { 'Content-Type': 'text/plain; charset=utf-8' })
}

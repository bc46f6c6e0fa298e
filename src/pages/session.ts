/**
 * Sessions on pages: the `coder_session_token` cookie, checked by the API's own `requireSession`.
 * Where the API returns 401, a page sends the browser to `/login` and back afterwards.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { requireSession } from '../auth/session'
import { clearSessionCookie, SESSION_COOKIE } from '../http/cookies'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { redirectTo } from './form'

/**
 * Requires a valid session cookie and stores the caller in `c.var.session`. Pages accept only
 * the cookie: `requireSession` would also take a token from the query string or a header, and
 * checks the cookie first, so it is called only when the cookie is present.
 */
export const requirePageSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!getCookie(c, SESSION_COOKIE)) return redirectToLogin(c)
  try {
    await requireSession(c, async () => {})
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      c.var.logger.log('info', 'page_session_rejected', { reason: error.reason ?? error.message })
      c.header('Set-Cookie', clearSessionCookie(), { append: true })
      return redirectToLogin(c)
    }
    throw error
  }
  await next()
}

/**
 * Redirects to the sign-in page, which returns the browser here after sign-in. A form post
 * returns to the page that shows the form (its path without the last segment).
 */
function redirectToLogin(c: Context<AppEnv>): Response {
  const url = new URL(c.req.url)
  const back = c.req.method === 'GET' ? url.pathname + url.search : formPagePath(url.pathname)
  return redirectTo(c, `/login?redirect=${encodeURIComponent(back)}`)
}

function formPagePath(postPath: string): string {
  return postPath.slice(0, postPath.lastIndexOf('/')) || '/'
}

/** Cookie names and attributes that Coder's clients and dashboard rely on. */
import type { Context } from 'hono'
import type { AppEnv } from './context'

export const SESSION_COOKIE = 'coder_session_token'
export const SESSION_HEADER = 'Coder-Session-Token'
export const CSRF_COOKIE = 'csrf_token'
export const CSRF_HEADER = 'X-CSRF-TOKEN'

/**
 * The session cookie as Coder sets it: no Expires or Max-Age (it lasts for the browser session;
 * the server-side expiry is what counts), HttpOnly, SameSite=Lax, Secure on HTTPS deployments.
 */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

/** Deletes the session cookie, as Coder's logout does. */
export function clearSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0`
}

/** Reports whether the request came over HTTPS, which decides the cookies' Secure flag. */
export function isSecureRequest(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:'
}

/** Response headers of every page and asset: CSP, framing, referrer and caching rules. */
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/context'

/**
 * Builds the Content-Security-Policy of a page. Scripts and styles come only from this origin
 * (no inline code, so an injected `<script>` or `style` attribute does not run), `fetch` may
 * reach only this origin (the password strength check), and no other site may frame the page.
 *
 * `formActionOrigins` are origins that a form post may end up on. Chromium also checks
 * `form-action` on each redirect that follows a form post, so the post that starts a conversion,
 * which redirects through the callback to the identity provider, needs the provider's origin.
 */
export function contentSecurityPolicy(formActionOrigins: readonly string[] = []): string {
  const formAction = ["'self'", ...formActionOrigins].join(' ')
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ')
}

/**
 * Sets the security headers after the handler ran, leaving alone the ones the handler set:
 * a page with its own `form-action` sets its CSP, and assets set their long `Cache-Control`.
 * `no-store` keeps forms, error texts and account details out of shared and browser caches.
 */
export const pageSecurityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  const headers = c.res.headers
  setIfMissing(headers, 'Content-Security-Policy', contentSecurityPolicy())
  setIfMissing(headers, 'Cache-Control', 'no-store')
  headers.set('Referrer-Policy', 'no-referrer')
  headers.set('X-Frame-Options', 'DENY')
  headers.set('X-Content-Type-Options', 'nosniff')
  headers.set('Cross-Origin-Opener-Policy', 'same-origin')
  headers.set('Cross-Origin-Resource-Policy', 'same-origin')
}

/** Sets the CSP of the current page; `pageSecurityHeaders` then leaves it as it is. */
export function setContentSecurityPolicy(c: Context<AppEnv>, formActionOrigins: string[]): void {
  c.header('Content-Security-Policy', contentSecurityPolicy(formActionOrigins))
}

function setIfMissing(headers: Headers, name: string, value: string): void {
  if (!headers.has(name)) headers.set(name, value)
}

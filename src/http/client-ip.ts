/**
 * The client address. Only Cloudflare's `CF-Connecting-IP` is trusted: `X-Forwarded-For` is
 * set by the client and would let anyone pick their own rate-limit bucket.
 */

/** Address used when the header is absent (local tools); all such requests share one bucket. */
export const UNKNOWN_CLIENT_IP = '0.0.0.0'

/** Returns the client address that Cloudflare saw, or `0.0.0.0` when there is none. */
export function getClientIp(request: Request): string {
  const header = request.headers.get('CF-Connecting-IP')?.trim()
  return header ? header : UNKNOWN_CLIENT_IP
}

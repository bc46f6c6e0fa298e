/**
 * Per-IP rate limits through Cloudflare's Rate Limiting bindings, keyed like Coder's
 * unauthenticated limiters: client IP plus URL path, so each path has its own budget.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from './errors'
import type { AppEnv } from './context'

/** Coder's login group: 60 requests per minute (not configurable in Coder). */
export const LOGIN_RATE_LIMIT_PER_MINUTE = 60
/** Coder's global `/api/v2` limit (`--api-rate-limit` default): 512 requests per minute. */
export const API_RATE_LIMIT_PER_MINUTE = 512
/** Coder's `Retry-After` on a 429, in seconds: one window of go-chi/httprate. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60

type LimiterName = 'LOGIN_RATE_LIMITER' | 'API_RATE_LIMITER'

/**
 * Rejects a request with Coder's 429 once the client IP has used up its budget for this path.
 * NOTE: the binding does not report the remaining budget, so unlike Coder only
 * `X-RateLimit-Limit` is sent, not `X-RateLimit-Remaining` or `X-RateLimit-Reset`.
 */
export function rateLimit(binding: LimiterName, limitPerMinute: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { success } = await c.env[binding].limit({ key: `${c.var.clientIp} ${c.req.path}` })
    if (!success) {
      c.var.logger.log('warn', 'rate_limited', {
        limiter: binding,
        ip: c.var.clientIp,
        path: c.req.path,
      })
      throw new ApiError(
        429,
        `You've been rate limited for sending more than ${limitPerMinute} requests in 1m0s.`,
        {
          headers: {
            'Retry-After': String(RATE_LIMIT_RETRY_AFTER_SECONDS),
            'X-RateLimit-Limit': String(limitPerMinute),
          },
        },
      )
    }
    await next()
    // The innermost (strictest) limiter's header wins when several apply.
    if (!c.res.headers.has('X-RateLimit-Limit')) {
      c.res.headers.set('X-RateLimit-Limit', String(limitPerMinute))
    }
  }
}

export const loginRateLimit = rateLimit('LOGIN_RATE_LIMITER', LOGIN_RATE_LIMIT_PER_MINUTE)
export const apiRateLimit = rateLimit('API_RATE_LIMITER', API_RATE_LIMIT_PER_MINUTE)

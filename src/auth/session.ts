/**
 * The API-key middleware: finds the caller's token, checks it in Coder's order with Coder's
 * 401 texts, and keeps the key's last use and sliding expiry current.
 */
import { describeError } from '../log'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { now } from '../clock'
import { getApiKeyWithUser, recordKeyUsage, type KeyUsage } from '../db/api-keys'
import { ApiError } from '../http/errors'
import { SESSION_COOKIE, SESSION_HEADER } from '../http/cookies'
import type { AppEnv } from '../http/context'
import { formatGoTimeString } from '../time'
import { activateIfDormant } from './dormancy'
import { checkProviderLink } from './oauth-session-link'
import { constantTimeEqual, parseSessionToken, sha256Hex } from './session-token'

export const SIGNED_OUT_MESSAGE =
  'You are signed out or your session has expired. Please sign in again to continue.'
export const INTERNAL_AUTH_MESSAGE =
  'An internal error occurred. Please try again or contact the system administrator.'

/** Coder writes `last_used` (and the user's `last_seen_at`) at most once an hour. */
export const LAST_USED_WRITE_INTERVAL_MS = 60 * 60 * 1000
/** Coder refreshes a key's expiry once less than `lifetime - 1h` of it remains. */
export const EXPIRY_REFRESH_SLACK_MS = 60 * 60 * 1000

/** Returns the first non-empty token in Coder's order, or an empty string. */
export function findSessionToken(c: Context<AppEnv>): string {
  const authorization = c.req.header('Authorization') ?? ''
  const bearer = authorization.slice(0, 7).toLowerCase() === 'bearer ' ? authorization.slice(7) : ''
  const candidates = [
    getCookie(c, SESSION_COOKIE),
    c.req.query(SESSION_COOKIE),
    // Repeated headers arrive joined with ", "; Go reads the first, and tokens hold no comma.
    c.req.header(SESSION_HEADER)?.split(',')[0]?.trim(),
    bearer,
    c.req.query('access_token'),
  ]
  return candidates.find((token) => token) ?? ''
}

/** Requires a valid session or API token and stores the caller in `c.var.session`. */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = findSessionToken(c)
  if (!token) {
    throw unauthorized(c, `Cookie "${SESSION_COOKIE}" or query parameter must be provided.`)
  }
  const parsed = parseSessionToken(token)
  if (!parsed.ok) throw unauthorized(c, parsed.detail)

  const { db, logger } = c.var
  let found
  try {
    found = await getApiKeyWithUser(db, parsed.id)
  } catch (error) {
    logger.log('error', 'api_key_lookup_failed', { error: describeError(error) })
    throw authError(c, 401, INTERNAL_AUTH_MESSAGE, 'Internal error fetching API key by id.')
  }
  if (!found) throw unauthorized(c, 'API key is invalid.')
  if (!constantTimeEqual(await sha256Hex(parsed.secret), found.key.hashedSecret)) {
    throw unauthorized(c, 'API key secret is invalid.')
  }
  const current = now()
  if (found.key.expiresAt < current) {
    throw unauthorized(c, `API key expired at "${formatGoTimeString(found.key.expiresAt)}".`)
  }
  let linkDetail: string | null
  try {
    linkDetail = await checkProviderLink(db, found.key, current)
  } catch (error) {
    logger.log('error', 'user_link_lookup_failed', {
      key_id: found.key.id,
      error: describeError(error),
    })
    throw new ApiError(500, INTERNAL_AUTH_MESSAGE, { detail: 'Internal error fetching user link.' })
  }
  if (linkDetail) throw unauthorized(c, linkDetail)

  const { key, user } = found
  await activateIfDormant(c, user)
  if (user.status !== 'active') {
    throw authError(
      c,
      401,
      `User is not active (status = "${user.status}"). Contact an admin to reactivate your account.`,
    )
  }

  const usage: KeyUsage = {}
  if (key.lastUsed === null || current - key.lastUsed > LAST_USED_WRITE_INTERVAL_MS) {
    usage.lastUsed = current
    usage.ipAddress = c.var.clientIp
    usage.userLastSeenAt = current
  }
  const lifetimeMs = key.lifetimeSeconds * 1000
  if (key.expiresAt - current <= lifetimeMs - EXPIRY_REFRESH_SLACK_MS) {
    usage.expiresAt = current + lifetimeMs
  }
  if (Object.keys(usage).length > 0) {
    try {
      await recordKeyUsage(db, key, usage, current)
    } catch (error) {
      logger.log('error', 'api_key_update_failed', { key_id: key.id, error: describeError(error) })
      throw new ApiError(500, INTERNAL_AUTH_MESSAGE, { detail: 'Internal error updating API key.' })
    }
    if (usage.lastUsed !== undefined) key.lastUsed = usage.lastUsed
    if (usage.expiresAt !== undefined) key.expiresAt = usage.expiresAt
    if (usage.userLastSeenAt !== undefined) {
      user.lastSeenAt = usage.userLastSeenAt
      user.updatedAt = usage.userLastSeenAt
    }
  }

  c.set('session', found)
  await next()
}

function unauthorized(c: Context<AppEnv>, detail: string): ApiError {
  return authError(c, 401, SIGNED_OUT_MESSAGE, detail)
}

/**
 * Builds a 401 or 403 with Coder's `WWW-Authenticate` header (RFC 6750 section 3), whose
 * description mentions expiry when the message or detail contains "expired".
 */
function authError(c: Context<AppEnv>, status: number, message: string, detail?: string): ApiError {
  const expired = /expired/.test(message) || /expired/.test(detail ?? '')
  const description = expired ? 'The access token has expired' : 'The access token is invalid'
  const accessUrl = c.var.config.accessUrl ?? new URL(c.req.url).origin
  return new ApiError(status, message, {
    detail,
    reason: detail ?? message,
    headers: {
      'WWW-Authenticate': `Bearer realm="coder", error="invalid_token", error_description="${description}", resource_metadata="${accessUrl}/.well-known/oauth-protected-resource"`,
    },
  })
}

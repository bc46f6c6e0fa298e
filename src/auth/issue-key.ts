/** Creation of API keys: browser and CLI sessions and long-lived tokens share one path. */
import type { Context } from 'hono'
import { now } from '../clock'
import { insertApiKey } from '../db/api-keys'
import { buildAuditEntry } from '../db/audit-request'
import type { LoginType } from '../db/schema'
import { isSecureRequest, sessionCookie } from '../http/cookies'
import type { AppEnv } from '../http/context'
import { generateSessionToken, sha256Hex } from './session-token'

export interface KeyRequest {
  userId: string
  loginType: LoginType
  lifetimeSeconds: number
  scopes: string[]
  /** "" for sessions; a unique name per user for long-lived tokens. */
  tokenName: string
  /** The audit entry written in the same batch as the key. */
  audit: { action: string; statusCode: number; actorId: string }
}

/**
 * Generates a token, stores the SHA-256 of its secret with the audit entry in one batch, and
 * returns the `<id>-<secret>` token, which is never stored or logged. A duplicate token name
 * rejects with the database error (see `isDuplicateTokenName`).
 */
export async function issueApiKey(c: Context<AppEnv>, request: KeyRequest): Promise<string> {
  const token = generateSessionToken()
  await insertApiKey(
    c.var.db,
    {
      id: token.id,
      hashedSecret: await sha256Hex(token.secret),
      userId: request.userId,
      loginType: request.loginType,
      lifetimeSeconds: request.lifetimeSeconds,
      ipAddress: c.var.clientIp,
      scopes: request.scopes,
      tokenName: request.tokenName,
      now: now(),
    },
    (keyId) =>
      buildAuditEntry(c, {
        action: request.audit.action,
        resourceType: 'api_key',
        resourceId: keyId,
        userId: request.audit.actorId,
        statusCode: request.audit.statusCode,
      }),
  )
  c.var.logger.log('info', 'api_key_created', {
    key_id: token.id,
    user_id: request.userId,
    login_type: request.loginType,
    audit_action: request.audit.action,
  })
  return token.token
}

/**
 * Opens a browser session (Coder's `all` scope, the configured lifetime) and returns the token
 * with its `Set-Cookie` value.
 */
export async function issueSession(
  c: Context<AppEnv>,
  userId: string,
  loginType: LoginType,
  audit: { action: string; statusCode: number },
): Promise<{ token: string; cookie: string }> {
  const token = await issueApiKey(c, {
    userId,
    loginType,
    lifetimeSeconds: c.var.config.sessionDurationSeconds,
    scopes: ['all'],
    tokenName: '',
    audit: { ...audit, actorId: userId },
  })
  return { token, cookie: sessionCookie(token, isSecureRequest(c)) }
}

/**
 * Changing a password with the old one, or as an admin without it, as Coder's
 * `PUT /users/{user}/password` does. The API route and the account security page share it.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { now } from '../clock'
import { buildAuditEntry } from '../db/audit-request'
import { replacePasswordHash } from '../db/user-changes'
import { findUserById, type UserRow } from '../db/users'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { LOGIN_RATE_LIMIT_PER_MINUTE, RATE_LIMIT_RETRY_AFTER_SECONDS } from '../http/rate-limit'
import { hashPassword, verifyPassword } from './password-hash'
import { checkPassword } from './password-policy'

export const OLD_PASSWORD_INCORRECT = 'Old password is incorrect.'

/** A password change after Coder's tag validation (`codersdk.UpdateUserPasswordRequest`). */
export interface PasswordUpdate {
  /** Required when users change their own password; admins may leave it empty. */
  old_password: string
  password: string
}

/**
 * `changed`, or `user_deleted` when the user was deleted while the request ran (the route
 * then returns its 400 for an unknown `{user}`).
 */
export type PasswordUpdateResult = 'changed' | 'user_deleted'

/**
 * Sets a new password for `user` on behalf of the caller in `c.var.session`, whose permission
 * the caller has checked. Checks in Coder's order: password login type, old password present
 * for an own change, strength, old password, reuse; each failure is Coder's 400. Every other
 * session and token of the user ends, except the caller's session when the change is their own.
 */
export async function updateUserPassword(
  c: Context<AppEnv>,
  user: UserRow,
  request: PasswordUpdate,
): Promise<PasswordUpdateResult> {
  if (user.loginType !== 'password') {
    throw new ApiError(400, 'Users without password login type cannot change their password.')
  }
  const own = user.id === c.var.session.user.id
  if (own && request.old_password === '') throw new ApiError(400, 'Old password is required.')
  const strength = checkPassword(request.password, { blocklist: c.var.config.passwordBlocklist })
  if (!strength.valid) {
    throw new ApiError(400, 'Invalid password.', {
      validations: [{ field: 'password', detail: strength.details }],
    })
  }
  if (request.old_password !== '') await checkOldPassword(c, user, request.old_password)
  const reuse = await verifyPassword(request.password, user.hashedPassword || null)
  if (reuse.match) throw new ApiError(400, 'New password cannot match old password.')

  const changed = await replacePasswordHash(c.var.db, {
    userId: user.id,
    // An old password was checked against this hash, so a change in between invalidates it.
    expectedHash: request.old_password === '' ? null : user.hashedPassword,
    newHash: await hashPassword(request.password),
    keepKeyId: own ? c.var.session.key.id : '',
    now: now(),
    audit: buildAuditEntry(c, {
      action: 'write',
      resourceType: 'user',
      resourceId: user.id,
      userId: c.var.session.user.id,
      statusCode: 204,
      additionalFields: { field: 'password' },
    }),
  })
  if (!changed) {
    if (!(await findUserById(c.var.db, user.id))) return 'user_deleted'
    throw oldPasswordIncorrect('the password changed while the request ran')
  }
  c.var.logger.log('info', 'password_changed', {
    user_id: user.id,
    actor_id: c.var.session.user.id,
  })
  return 'changed'
}

async function checkOldPassword(c: Context<AppEnv>, user: UserRow, oldPassword: string) {
  const check = await verifyPassword(oldPassword, user.hashedPassword || null)
  if (check.match) return
  if (check.reason === 'invalid_hash') {
    c.var.logger.log('error', 'stored_password_hash_invalid', { user_id: user.id })
    throw new ApiError(500, 'Internal error with passwords.', { reason: 'invalid stored hash' })
  }
  throw oldPasswordIncorrect(check.reason)
}

function oldPasswordIncorrect(reason: string): ApiError {
  return new ApiError(400, OLD_PASSWORD_INCORRECT, {
    validations: [{ field: 'old_password', detail: OLD_PASSWORD_INCORRECT }],
    reason,
  })
}

/**
 * Coder's 60 requests per minute for password changes, keyed by the caller's user id and the path
 * (httprate's KeyByEndpoint) because the caller is known here. It shares the login limiter's
 * binding, whose budget is also 60 per minute. Its IP-based keys never collide with these.
 * Needs `requireSession` before it.
 * NOTE: Coder lets owners skip the limit with `X-Coder-Bypass-Ratelimit: true`, and this does not.
 */
export const rateLimitPasswordChanges: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = `user:${c.var.session.user.id} ${c.req.path}`
  const { success } = await c.env.LOGIN_RATE_LIMITER.limit({ key })
  if (!success) {
    c.var.logger.log('warn', 'rate_limited', {
      limiter: 'password_change',
      user_id: c.var.session.user.id,
    })
    throw new ApiError(
      429,
      `You've been rate limited for sending more than ${LOGIN_RATE_LIMIT_PER_MINUTE} requests in 1m0s.`,
      {
        headers: {
          'Retry-After': String(RATE_LIMIT_RETRY_AFTER_SECONDS),
          'X-RateLimit-Limit': String(LOGIN_RATE_LIMIT_PER_MINUTE),
        },
      },
    )
  }
  await next()
}

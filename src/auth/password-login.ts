/**
 * Coder's password check (`POST /users/login` steps 3–10), shared by login and by the
 * conversion to single sign-on, which runs the same check on the target user.
 */
import { describeError } from '../log'
import type { Context } from 'hono'
import { now } from '../clock'
import { activateIfDormant } from './dormancy'
import { auditInBackground } from '../db/audit-request'
import { findUserByEmail, upgradePasswordHash, type UserRow } from '../db/users'
import { ApiError } from '../http/errors'
import type { AppEnv } from '../http/context'
import { hashPassword, verifyPassword } from './password-hash'

export const INCORRECT_CREDENTIALS = 'Incorrect email or password.'
export const PASSWORD_AUTH_DISABLED = 'Password authentication is disabled.'

/**
 * Returns the active user whose email and password match, or throws Coder's error. Unknown
 * emails and users without a password pay one full hash verification and always get 401
 * (Coder returns 403 for them when the password is `hunter2`; this service does not).
 * `auditAction` names the audit entry written for a known user, success or not.
 */
export async function authenticatePassword(
  c: Context<AppEnv>,
  email: string,
  password: string,
  auditAction: string,
): Promise<UserRow> {
  const { db, config, logger } = c.var
  const user = await findUserByEmail(db, email)
  const check = await verifyPassword(password, user?.hashedPassword || null)
  const fail = (error: ApiError): never => {
    // Unknown emails are audited too (with no user), unlike in Coder: the background write then
    // happens for every failure, so its cost does not tell known emails from unknown ones.
    auditInBackground(c, {
      action: auditAction,
      resourceType: 'api_key',
      userId: user?.id ?? null,
      statusCode: error.status,
    })
    logger.log('info', 'password_login_rejected', {
      user_id: user?.id ?? null,
      reason: error.reason ?? error.message,
    })
    throw error
  }

  if (!user || !check.match) {
    let reason = 'unknown_email'
    if (user) reason = check.match ? 'mismatch' : check.reason
    if (reason === 'invalid_hash') {
      logger.log('error', 'stored_password_hash_invalid', { user_id: user?.id ?? null })
    }
    return fail(new ApiError(401, INCORRECT_CREDENTIALS, { reason }))
  }
  if (config.disablePasswordAuth) return fail(new ApiError(403, PASSWORD_AUTH_DISABLED))
  if (user.loginType !== 'password') {
    return fail(
      new ApiError(
        403,
        `Incorrect login type, attempting to use "password" but user is of login type "${user.loginType}"`,
      ),
    )
  }
  await activateIfDormant(c, user)
  if (user.status !== 'active') {
    return fail(
      new ApiError(401, 'Your account is suspended. Contact an admin to reactivate your account.'),
    )
  }
  if (check.needsRehash) await upgradeHash(c, user, password)
  return user
}

/**
 * Re-hashes an imported or weaker hash with the current argon2id parameters. It runs before the
 * response (once per user, one extra hash) so that the upgrade is done when login returns; a
 * failure is logged and the login still succeeds.
 */
async function upgradeHash(c: Context<AppEnv>, user: UserRow, password: string): Promise<void> {
  const { db, logger } = c.var
  try {
    const newHash = await hashPassword(password)
    await upgradePasswordHash(db, user.id, user.hashedPassword, newHash, now())
    logger.log('info', 'password_hash_upgraded', { user_id: user.id })
  } catch (error) {
    logger.log('error', 'password_hash_upgrade_failed', {
      user_id: user.id,
      error: describeError(error),
    })
  }
}

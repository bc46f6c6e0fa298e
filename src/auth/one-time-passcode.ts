/**
 * Password reset by one-time passcode, as Coder's `/users/otp/request` and
 * `/users/otp/change-password` do it, with three changes that keep the wire contract:
 *
 * - the passcode is stored as its SHA-256, not PBKDF2. It is a random UUID v4 with 122 random
 *   bits, and OWASP ASVS 5.0 requirement 6.5.2 allows a standard hash for secrets of 112 bits
 *   or more, so a slow hash would only spend Worker CPU;
 * - the passcode is consumed by one conditional UPDATE, in the same atomic batch as the new
 *   password and the deletion of the user's API keys, so that exactly one of several parallel
 *   requests with the same passcode succeeds;
 * - ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS wrong passcodes invalidate the current one.
 */
import { describeError } from '../log'
import type { Context } from 'hono'
import { now } from '../clock'
import { auditInBackground, buildAuditEntry } from '../db/audit-request'
import type { AuditEntry } from '../db/audit'
import type { Database } from '../db/client'
import {
  consumePasscodeAndSetPassword,
  recordFailedPasscodeAttempt,
  storeOneTimePasscode,
} from '../db/one-time-passcodes'
import { findUserByEmail, normalizeEmail, type UserRow } from '../db/users'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import type { Logger } from '../log'
import { createNotifier, type Notification, type Recipient } from '../notify'
import { buildOneTimePasscodeMessage, buildPasswordChangedMessage } from '../notify/templates'
import { hashPassword, verifyPassword } from './password-hash'
import { checkPassword } from './password-policy'
import { constantTimeEqual, sha256Hex } from './session-token'

/**
 * Wrong passcodes for one user after which the pending passcode is cleared. Coder has no such
 * limit and relies on the per-IP rate limit alone. This one also bounds guessing spread over
 * many IPs to 10 tries per issued passcode.
 */
export const ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS = 10

/**
 * Wait in milliseconds between the response to a passcode request and the start of the work
 * behind it. That work shares the isolate's thread with the response, and for a known email it
 * does more (a write and an SMTP or HTTP exchange) than for an unknown one. Started at once, it
 * made the response to a known email 2 to 4 ms slower in median, in four runs of
 * bench/otp-request-timing.mjs under Miniflare on a shared 2-core machine. With this wait the
 * medians differed by less than 1 ms. The value is an estimate with room for slower machines,
 * and a mail that leaves 50 ms later goes unnoticed.
 */
export const PASSCODE_ISSUE_START_DELAY_MS = 50

/** Hex characters of the email's SHA-256 that the log keeps for an unknown email (48 bits). */
export const UNKNOWN_EMAIL_LOG_HASH_HEX_CHARS = 12

export const INCORRECT_PASSCODE = 'Incorrect email or one-time passcode.'
export const SAME_PASSWORD = 'New password cannot match old password.'

/** Returns a new passcode: a random UUID v4 in canonical lowercase form, as Coder makes it. */
export function generateOneTimePasscode(): string {
  return crypto.randomUUID()
}

/** Returns the hex SHA-256 of a passcode, the form stored in `users.hashed_one_time_passcode`. */
export function hashOneTimePasscode(passcode: string): Promise<string> {
  return sha256Hex(passcode)
}

/**
 * Reports whether `passcodeHash` is the user's pending passcode and the passcode has not
 * expired. The hashes are compared in constant time. As in Coder, a passcode is still valid at
 * the instant of its expiry and invalid after it.
 */
export function isPendingPasscode(user: UserRow, passcodeHash: string, at: number): boolean {
  const stored = user.hashedOneTimePasscode
  const expiresAt = user.oneTimePasscodeExpiresAt
  if (stored === null || expiresAt === null) return false
  const matches = constantTimeEqual(passcodeHash, stored)
  return matches && at <= expiresAt
}

/** Inputs of `issueOneTimePasscode` that come from the request. */
export interface PasscodeIssue {
  db: Database
  logger: Logger
  /** Sends the message through the configured notification method. */
  deliver: (notification: Notification) => Promise<void>
  lifetimeSeconds: number
  /** ACCESS_URL, or the origin of the request when it is not set, without a trailing slash. */
  baseUrl: string
  /** Builds the audit entry of the request for a known user. */
  audit: (userId: string) => AuditEntry
}

/**
 * Creates a passcode for the user with `email` and delivers the reset link, or logs a warning
 * when no user has that email. Meant to run after the response, so that the response time does
 * not depend on whether the email exists. Rejects on a database or delivery failure.
 */
export async function issueOneTimePasscode(issue: PasscodeIssue, email: string): Promise<void> {
  const { db, logger } = issue
  const user = await findUserByEmail(db, email)
  if (!user) {
    // The address itself stays out of the log. A prefix of its SHA-256 lets an operator see
    // repeated requests for one address, though anyone who guesses the address can confirm it.
    const emailHash = await sha256Hex(normalizeEmail(email))
    logger.log('warn', 'password_reset_unknown_email', {
      email_sha256_prefix: emailHash.slice(0, UNKNOWN_EMAIL_LOG_HASH_HEX_CHARS),
    })
    return
  }

  const passcode = generateOneTimePasscode()
  const expiresAt = now() + issue.lifetimeSeconds * 1000
  const stored = await storeOneTimePasscode(
    db,
    user.id,
    await hashOneTimePasscode(passcode),
    expiresAt,
    issue.audit(user.id),
  )
  if (!stored) {
    logger.log('warn', 'password_reset_user_gone', { user_id: user.id })
    return
  }
  logger.log('info', 'one_time_passcode_issued', { user_id: user.id, expires_at: expiresAt })
  await issue.deliver(buildOneTimePasscodeMessage(toRecipient(user), passcode, issue.baseUrl))
}

/** A change-password request after Coder's tag validation. */
export interface PasscodePasswordRequest {
  email: string
  password: string
  one_time_passcode: string
}

/**
 * Sets a new password with a passcode, in Coder's order of checks: strength, passcode, same
 * password. Throws Coder's 400 for each failure. On success, every API key of the user is gone.
 *
 * - A weak password is rejected before the passcode is looked at, so it neither uses up the
 *   passcode nor counts as a wrong one.
 * - The argon2id hash of the new password is computed before the atomic consume, so a failure
 *   while hashing changes nothing, and a request that loses the race changes nothing either.
 * - The same-password rejection keeps the passcode, as in Coder, so the user can pick another
 *   password. It counts as a failed attempt, though, because it reveals to the holder of a
 *   valid passcode whether a guess is the current password. Without the count, an intercepted
 *   passcode would allow silent guesses of the old password for 20 minutes, limited only by the
 *   per-IP rate limit. With it, there are at most ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS guesses
 *   per passcode, and each passcode is mailed to the user.
 */
export async function changePasswordWithOneTimePasscode(
  c: Context<AppEnv>,
  request: PasscodePasswordRequest,
): Promise<UserRow> {
  const { db, config, logger } = c.var
  const strength = checkPassword(request.password, { blocklist: config.passwordBlocklist })
  if (!strength.valid) {
    throw new ApiError(400, 'Invalid password.', {
      validations: [{ field: 'password', detail: strength.details }],
    })
  }

  const user = await findUserByEmail(db, request.email)
  const passcodeHash = await hashOneTimePasscode(request.one_time_passcode)
  if (!user || !isPendingPasscode(user, passcodeHash, now())) {
    // The count runs for unknown emails as well (it matches no row), so both cost the same.
    await countFailedAttempt(c, request.email)
    return rejectChange(c, user, INCORRECT_PASSCODE, 'passcode_mismatch_or_expired')
  }

  const current = await verifyPassword(request.password, user.hashedPassword || null)
  if (current.match) {
    await countFailedAttempt(c, request.email)
    return rejectChange(c, user, SAME_PASSWORD, 'same_password')
  }

  const newPasswordHash = await hashPassword(request.password)
  const changed = await consumePasscodeAndSetPassword(db, {
    userId: user.id,
    email: request.email,
    passcodeHash,
    newPasswordHash,
    now: now(),
    audit: buildAuditEntry(c, {
      action: 'write',
      resourceType: 'user',
      resourceId: user.id,
      userId: user.id,
      statusCode: 204,
    }),
  })
  if (!changed) {
    // Another request used, replaced or invalidated the passcode after it was read above.
    return rejectChange(c, user, INCORRECT_PASSCODE, 'passcode_consumed_concurrently')
  }
  logger.log('info', 'password_reset_completed', { user_id: user.id })
  return user
}

/**
 * Schedules, after the response, the look-up of `email`, the new passcode and the reset
 * message. Nothing here touches the database before the response is sent, so the response time
 * is the same for known and unknown emails. Failures are logged and never reach the client.
 */
export function schedulePasscodeIssue(c: Context<AppEnv>, email: string): void {
  const { db, config, logger } = c.var
  const baseUrl = linkBaseUrl(c)
  runAfterResponse(c, 'password_reset_request_failed', async () => {
    await new Promise((resolve) => setTimeout(resolve, PASSCODE_ISSUE_START_DELAY_MS))
    const notifier = createNotifier(config, logger)
    await issueOneTimePasscode(
      {
        db,
        logger,
        deliver: (notification) => notifier.send(notification),
        lifetimeSeconds: config.oneTimePasscodeDurationSeconds,
        baseUrl,
        audit: (userId) =>
          buildAuditEntry(c, {
            action: 'request_password_reset',
            resourceType: 'user',
            resourceId: userId,
            userId,
            statusCode: 204,
          }),
      },
      email,
    )
  })
}

/** Schedules the "password changed" notice to `user` after the response. */
export function schedulePasswordChangedNotice(c: Context<AppEnv>, user: UserRow): void {
  const { config, logger } = c.var
  const baseUrl = linkBaseUrl(c)
  runAfterResponse(c, 'notification_failed', async () => {
    const notifier = createNotifier(config, logger)
    await notifier.send(buildPasswordChangedMessage(toRecipient(user), baseUrl))
  })
}

/** Returns ACCESS_URL, or the origin of the request when it is not set. */
function linkBaseUrl(c: Context<AppEnv>): string {
  return c.var.config.accessUrl ?? new URL(c.req.url).origin
}

/** Runs `task` in `waitUntil` and logs a rejection as `failureEvent` with its message. */
function runAfterResponse(
  c: Context<AppEnv>,
  failureEvent: string,
  task: () => Promise<void>,
): void {
  const { config, logger } = c.var
  c.executionCtx.waitUntil(
    task().catch((error: unknown) => {
      logger.log('error', failureEvent, {
        notifications_method: config.notificationsMethod,
        error: describeError(error),
      })
    }),
  )
}

async function countFailedAttempt(c: Context<AppEnv>, email: string): Promise<void> {
  const result = await recordFailedPasscodeAttempt(
    c.var.db,
    email,
    ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS,
  )
  if (result?.invalidated) {
    c.var.logger.log('warn', 'one_time_passcode_invalidated', {
      user_id: result.userId,
      failed_attempts: result.failedAttempts,
    })
  }
}

/** Logs and audits a rejected change for a known user, then throws Coder's 400. */
function rejectChange(
  c: Context<AppEnv>,
  user: UserRow | undefined,
  message: string,
  reason: string,
): never {
  if (user) {
    auditInBackground(c, {
      action: 'write',
      resourceType: 'user',
      resourceId: user.id,
      userId: user.id,
      statusCode: 400,
    })
  }
  c.var.logger.log('info', 'password_reset_rejected', { user_id: user?.id ?? null, reason })
  throw new ApiError(400, message, { reason })
}

function toRecipient(user: UserRow): Recipient {
  return { id: user.id, email: user.email, name: user.name, username: user.username }
}

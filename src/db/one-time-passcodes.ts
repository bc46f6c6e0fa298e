/**
 * Password-reset passcodes, stored on the user row as the hex SHA-256 of the passcode and its
 * expiry. Every change is one conditional statement or one atomic batch, so concurrent requests
 * cannot both use one passcode. All reads and writes go to the D1 primary.
 *
 * Statements are plain SQL on the D1 binding because two of them are conditional on the outcome
 * of an earlier statement in the same batch, which Drizzle's query builder cannot express.
 */
import { prepareAuditInsertWhere, type AuditEntry } from './audit'
import type { Database } from './client'
import { normalizeEmail } from './users'

/** Outcome of counting one wrong passcode against a user. */
export interface FailedAttemptResult {
  userId: string
  failedAttempts: number
  /** True when this attempt reached the limit and cleared the passcode. */
  invalidated: boolean
}

/**
 * Stores a new passcode for a user that is not deleted, replacing any earlier one and resetting
 * the failed-attempt count, and writes the audit entry in the same batch. Returns false when no
 * such user exists any more.
 */
export async function storeOneTimePasscode(
  db: Database,
  userId: string,
  passcodeHash: string,
  expiresAt: number,
  audit: AuditEntry,
): Promise<boolean> {
  const d1 = db.$client
  const [stored] = await d1.batch<{ id: string }>([
    d1
      .prepare(
        `UPDATE users
        SET hashed_one_time_passcode = ?1, one_time_passcode_expires_at = ?2,
          one_time_passcode_failed_attempts = 0
        WHERE id = ?3 AND deleted = 0
        RETURNING id`,
      )
      .bind(passcodeHash, expiresAt, userId),
    prepareAuditInsertWhere(
      d1,
      audit,
      'EXISTS (SELECT 1 FROM users WHERE id = ? AND hashed_one_time_passcode = ?)',
      [userId, passcodeHash],
    ),
  ])
  return (stored?.results.length ?? 0) === 1
}

/**
 * Counts one wrong passcode against the user with this email, if a passcode is pending, and
 * clears the passcode in the same statement when the count reaches `maxFailedAttempts`. Returns
 * undefined when no user with a pending passcode has this email. It runs the same single
 * statement whether or not the email exists.
 */
export async function recordFailedPasscodeAttempt(
  db: Database,
  email: string,
  maxFailedAttempts: number,
): Promise<FailedAttemptResult | undefined> {
  // SQLite evaluates every SET expression against the row as it was before the update, so
  // `one_time_passcode_failed_attempts + 1` is the new count in all three expressions.
  const row = await db.$client
    .prepare(
      `UPDATE users
      SET one_time_passcode_failed_attempts = one_time_passcode_failed_attempts + 1,
        hashed_one_time_passcode = CASE WHEN one_time_passcode_failed_attempts + 1 >= ?2
          THEN NULL ELSE hashed_one_time_passcode END,
        one_time_passcode_expires_at = CASE WHEN one_time_passcode_failed_attempts + 1 >= ?2
          THEN NULL ELSE one_time_passcode_expires_at END
      WHERE email_normalized = ?1 AND deleted = 0 AND hashed_one_time_passcode IS NOT NULL
      RETURNING id, one_time_passcode_failed_attempts AS failed_attempts,
        hashed_one_time_passcode IS NULL AS invalidated`,
    )
    .bind(normalizeEmail(email), maxFailedAttempts)
    .first<{ id: string; failed_attempts: number; invalidated: number }>()
  if (!row) return undefined
  return {
    userId: row.id,
    failedAttempts: row.failed_attempts,
    invalidated: row.invalidated === 1,
  }
}

export interface PasscodePasswordChange {
  userId: string
  email: string
  passcodeHash: string
  /** Argon2id PHC string of the new password, computed before the batch runs. */
  newPasswordHash: string
  now: number
  audit: AuditEntry
}

/**
 * Consumes the passcode and sets the new password in one conditional UPDATE, then deletes every
 * API key of the user and writes the audit entry, all in one atomic batch. Returns false when
 * the passcode did not match, had expired or was already used, and then nothing was changed.
 *
 * The delete and the audit insert run only if the UPDATE of this batch applied. They check that
 * the stored hash is now `newPasswordHash`, which only this request can have written, because
 * every argon2id hash has its own random salt. So a request that loses a race with another
 * request for the same passcode deletes no key that was created after the winner's change.
 *
 * The passcode hashes are compared with `=` in SQL, which is not constant-time. That is safe:
 * the stored value is the SHA-256 of a 122-bit random passcode, and learning how many leading
 * bytes of a guess's SHA-256 match it does not help to find a passcode with that hash.
 */
export async function consumePasscodeAndSetPassword(
  db: Database,
  change: PasscodePasswordChange,
): Promise<boolean> {
  const d1 = db.$client
  const appliedByThisBatch = 'EXISTS (SELECT 1 FROM users WHERE id = ? AND hashed_password = ?)'
  const appliedParams = [change.userId, change.newPasswordHash]
  // Coder treats a passcode as expired only once the current time is after its expiry, so the
  // expiry instant itself is still valid.
  const [consumed] = await d1.batch<{ id: string }>([
    d1
      .prepare(
        `UPDATE users
        SET hashed_password = ?1, hashed_one_time_passcode = NULL,
          one_time_passcode_expires_at = NULL, one_time_passcode_failed_attempts = 0,
          updated_at = ?2
        WHERE id = ?3 AND email_normalized = ?4 AND deleted = 0
          AND hashed_one_time_passcode = ?5 AND one_time_passcode_expires_at >= ?2
        RETURNING id`,
      )
      .bind(
        change.newPasswordHash,
        change.now,
        change.userId,
        normalizeEmail(change.email),
        change.passcodeHash,
      ),
    d1
      .prepare(`DELETE FROM api_keys WHERE user_id = ? AND ${appliedByThisBatch}`)
      .bind(change.userId, ...appliedParams),
    prepareAuditInsertWhere(d1, change.audit, appliedByThisBatch, appliedParams),
  ])
  return (consumed?.results.length ?? 0) === 1
}

/**
 * Changes to existing users: site roles, status, soft deletion and password. Each change and its
 * audit entry are one D1 batch, guarded so that nothing is written when the row moved on.
 */
import { prepareAuditInsertWhere, type AuditEntry } from './audit'
import type { Database } from './client'
import type { UserStatus } from './schema'

/**
 * Replaces a user's site roles and writes the audit entry in one batch, only if the stored roles
 * still equal `expected`, the list the caller's permission check was made against. Returns
 * false when they changed in between (or the user was deleted). Then nothing was written.
 */
export async function replaceUserRoles(
  db: Database,
  userId: string,
  expected: readonly string[],
  roles: readonly string[],
  audit: AuditEntry,
): Promise<boolean> {
  const d1 = db.$client
  const [update] = await d1.batch([
    d1
      .prepare(
        `UPDATE users SET rbac_roles = ?1
        WHERE id = ?2 AND deleted = 0 AND json(rbac_roles) = json(?3)`,
      )
      .bind(JSON.stringify(roles), userId, JSON.stringify(expected)),
    prepareAuditInsertWhere(d1, audit),
  ])
  return update?.meta.changes === 1
}

export interface StatusChange {
  userId: string
  status: UserStatus
  now: number
  /** Leave the user unchanged if they have the `owner` site role (Coder rejects suspending one). */
  unlessOwner: boolean
  /** Delete every API key of the user, ending all their sessions and tokens. */
  endSessions: boolean
  audit: AuditEntry
}

/**
 * Sets a user's status, writes the audit entry and, when asked, deletes the user's API keys, in
 * one batch. Returns false when nothing changed because the user is deleted or, with
 * `unlessOwner`, has the owner role at the time of the write.
 */
export async function updateUserStatus(db: Database, change: StatusChange): Promise<boolean> {
  const d1 = db.$client
  const ownerGuard = change.unlessOwner
    ? `AND NOT EXISTS (SELECT 1 FROM json_each(rbac_roles) WHERE value = 'owner')`
    : ''
  const statements = [
    d1
      .prepare(
        `UPDATE users SET status = ?1, updated_at = ?2
        WHERE id = ?3 AND deleted = 0 ${ownerGuard}`,
      )
      .bind(change.status, change.now, change.userId),
    prepareAuditInsertWhere(d1, change.audit),
  ]
  if (change.endSessions) {
    statements.push(
      d1
        .prepare(
          `DELETE FROM api_keys WHERE user_id = ?1
          AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND status = ?2)`,
        )
        .bind(change.userId, change.status),
    )
  }
  const [update] = await d1.batch(statements)
  return update?.meta.changes === 1
}

/**
 * Marks a user deleted and, as Coder's `delete_deleted_user_resources` trigger does, deletes
 * their API keys and external-login links, with the audit entry, in one batch. Returns false when
 * the user was already deleted.
 */
export async function softDeleteUser(
  db: Database,
  userId: string,
  now: number,
  audit: AuditEntry,
): Promise<boolean> {
  const d1 = db.$client
  const deletedByThisBatch = 'EXISTS (SELECT 1 FROM users WHERE id = ?1 AND deleted = 1)'
  const [update] = await d1.batch([
    d1
      .prepare('UPDATE users SET deleted = 1, updated_at = ?2 WHERE id = ?1 AND deleted = 0')
      .bind(userId, now),
    prepareAuditInsertWhere(d1, audit),
    d1.prepare(`DELETE FROM api_keys WHERE user_id = ?1 AND ${deletedByThisBatch}`).bind(userId),
    d1.prepare(`DELETE FROM user_links WHERE user_id = ?1 AND ${deletedByThisBatch}`).bind(userId),
  ])
  return update?.meta.changes === 1
}

export interface PasswordChange {
  userId: string
  /** Hash that must still be stored for the write to apply, or null to write unconditionally. */
  expectedHash: string | null
  newHash: string
  /** Key to keep: the request's own key when users change their own password, else ''. */
  keepKeyId: string
  now: number
  audit: AuditEntry
}

/**
 * Sets a new password hash, clears any pending one-time passcode (as Coder's
 * UpdateUserHashedPassword does), deletes every other API key of the user and writes the audit
 * entry, in one batch. Returns false when nothing changed because the user is deleted or the
 * hash is no longer `expectedHash`.
 *
 * The key deletion checks that the stored hash is now `newHash`, which only this request can have
 * written because every argon2id hash has its own random salt.
 */
export async function replacePasswordHash(db: Database, change: PasswordChange): Promise<boolean> {
  const d1 = db.$client
  const hashGuard = change.expectedHash === null ? '' : 'AND hashed_password = ?4'
  const update = d1
    .prepare(
      `UPDATE users
      SET hashed_password = ?1, hashed_one_time_passcode = NULL,
        one_time_passcode_expires_at = NULL, one_time_passcode_failed_attempts = 0,
        updated_at = ?2
      WHERE id = ?3 AND deleted = 0 ${hashGuard}`,
    )
    .bind(
      change.newHash,
      change.now,
      change.userId,
      ...(change.expectedHash === null ? [] : [change.expectedHash]),
    )
  const [result] = await d1.batch([
    update,
    prepareAuditInsertWhere(d1, change.audit),
    d1
      .prepare(
        `DELETE FROM api_keys WHERE user_id = ?1 AND id <> ?2
        AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND hashed_password = ?3)`,
      )
      .bind(change.userId, change.keepKeyId, change.newHash),
  ])
  return result?.meta.changes === 1
}

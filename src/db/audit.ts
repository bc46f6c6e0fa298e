/** The audit log: security events such as login and logout, without any secret. */
import type { Database } from './client'
import { auditLog } from './schema'

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id'>

/** Returns the insert statement of one audit entry, to run alone or inside a `db.batch`. */
export function insertAuditEntry(db: Database, entry: AuditEntry) {
  return db.insert(auditLog).values(entry)
}

/**
 * Returns a prepared INSERT of one audit entry, for a raw D1 batch, that adds the row only when
 * `condition` (an SQL expression with `?` placeholders for `conditionParams`) holds when it runs.
 * The default condition, `changes() > 0`, means "the statement just before it in the batch
 * changed a row": a D1 batch runs its statements in order in one transaction, so SQLite's
 * `changes()` there reports that statement and nothing else.
 */
export function prepareAuditInsertWhere(
  d1: D1Database,
  entry: AuditEntry,
  condition = 'changes() > 0',
  conditionParams: unknown[] = [],
): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO audit_log (time, action, resource_type, resource_id, user_id, ip_address,
        user_agent, status_code, request_id, additional_fields)
      SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE ${condition}`,
    )
    .bind(
      entry.time,
      entry.action,
      entry.resourceType,
      entry.resourceId ?? '',
      entry.userId ?? null,
      entry.ipAddress,
      entry.userAgent ?? '',
      entry.statusCode,
      entry.requestId,
      JSON.stringify(entry.additionalFields ?? {}),
      ...conditionParams,
    )
}

/** The audit log: security events such as login and logout, without any secret. */
import type { Database } from './client'
import { auditLog } from './schema'

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id'>

/** Returns the insert statement of one audit entry, to run alone or inside a `db.batch`. */
export function insertAuditEntry(db: Database, entry: AuditEntry) {
  return db.insert(auditLog).values(entry)
}

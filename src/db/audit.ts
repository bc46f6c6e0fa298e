/** The audit log: security events such as login and logout, without any secret. */
import type { Database } from './client'
import { auditLog } from './schema'

export type AuditEntry = Omit<typeof auditLog.$inferInsert, 'id'>

/** Appends one audit entry. */
export async function insertAuditEntry(db: Database, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry).run()
}

/** Coder's automatic reactivation of dormant users when they sign in or use a key. */
import type { Context } from 'hono'
import { now } from '../clock'
import { auditInBackground } from '../db/audit-request'
import { activateDormantUser, findUserById, type UserRow } from '../db/users'
import type { AppEnv } from '../http/context'

/** Marks Coder's automatic activation of a dormant user in the audit log. */
export const DORMANCY_AUDIT_FIELDS = { automatic_actor: 'coder', automatic_subsystem: 'dormancy' }

/**
 * Switches a dormant user to active, audits it, and updates `user.status` in place. When a
 * concurrent request changed the status first, the stored status is taken instead, so two
 * parallel requests of a dormant user both see it active (or both see a suspension).
 */
export async function activateIfDormant(c: Context<AppEnv>, user: UserRow): Promise<void> {
  if (user.status !== 'dormant') return
  if (await activateDormantUser(c.var.db, user.id, now())) {
    user.status = 'active'
    auditInBackground(c, {
      action: 'write',
      resourceType: 'user',
      resourceId: user.id,
      userId: user.id,
      statusCode: 200,
      additionalFields: DORMANCY_AUDIT_FIELDS,
    })
    return
  }
  const stored = await findUserById(c.var.db, user.id)
  if (stored) user.status = stored.status
}

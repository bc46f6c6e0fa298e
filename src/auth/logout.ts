/** Ending the caller's session as Coder's `POST /users/logout` does, for the API and the pages. */
import type { Context } from 'hono'
import { deleteKeyAndAppTokens } from '../db/api-keys'
import { buildAuditEntry } from '../db/audit-request'
import { clearSessionCookie } from '../http/cookies'
import type { AppEnv } from '../http/context'

/**
 * Deletes the session in `c.var.session` and every workspace-application token of its user,
 * with the audit entry, and returns the `Set-Cookie` value that deletes the session cookie.
 * Other sessions and tokens of the user stay valid.
 */
export async function endSession(c: Context<AppEnv>): Promise<string> {
  const { key, user } = c.var.session
  await deleteKeyAndAppTokens(
    c.var.db,
    key.id,
    user.id,
    buildAuditEntry(c, {
      action: 'logout',
      resourceType: 'api_key',
      resourceId: key.id,
      userId: user.id,
      statusCode: 200,
    }),
  )
  c.var.logger.log('info', 'logout', { user_id: user.id, key_id: key.id })
  return clearSessionCookie()
}

/** Builds audit entries from a request, and writes the ones no other statement carries. */
import { describeError } from '../log'
import type { Context } from 'hono'
import type { AppEnv } from '../http/context'
import { now } from '../clock'
import { insertAuditEntry, type AuditEntry } from './audit'

export interface AuditEvent {
  action: string
  resourceType: string
  resourceId?: string
  userId: string | null
  statusCode: number
  additionalFields?: Record<string, string>
}

/** Fills in the request's time, client IP, user agent and request id. */
export function buildAuditEntry(c: Context<AppEnv>, event: AuditEvent): AuditEntry {
  return {
    time: now(),
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId ?? '',
    userId: event.userId,
    ipAddress: c.var.clientIp,
    userAgent: c.req.header('User-Agent') ?? '',
    statusCode: event.statusCode,
    requestId: c.var.requestId,
    additionalFields: event.additionalFields ?? {},
  }
}

/**
 * Writes one audit entry after the response (`waitUntil`), for events whose outcome does not
 * depend on it (failed logins, automatic activation); a failed write is logged only. Changes
 * that succeed write their entry in the same batch as the change instead.
 */
export function auditInBackground(c: Context<AppEnv>, event: AuditEvent): void {
  const { db, logger } = c.var
  const write = insertAuditEntry(db, buildAuditEntry(c, event))
    .run()
    .then(() => undefined)
    .catch((error: unknown) => {
      logger.log('error', 'audit_write_failed', {
        action: event.action,
        error: describeError(error),
      })
    })
  c.executionCtx.waitUntil(write)
}

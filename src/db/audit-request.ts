/** Builds audit entries from a request and writes them after the response. */
import type { Context } from 'hono'
import type { AppEnv } from '../http/context'
import { now } from '../clock'
import { insertAuditEntry } from './audit'

export interface AuditEvent {
  action: string
  resourceType: string
  resourceId?: string
  userId: string | null
  statusCode: number
  additionalFields?: Record<string, string>
}

/**
 * Writes one audit entry in the background (`waitUntil`), so the response is not delayed; a
 * failed write is logged, never turned into an error for the client.
 */
export function auditInBackground(c: Context<AppEnv>, event: AuditEvent): void {
  const { db, logger } = c.var
  const write = insertAuditEntry(db, {
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
  }).catch((error) => {
    logger.log('error', 'audit_write_failed', { action: event.action, error: String(error) })
  })
  c.executionCtx.waitUntil(write)
}

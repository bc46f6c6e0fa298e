/** The first middleware: per-request values and the headers every Coder response carries. */
import type { MiddlewareHandler } from 'hono'
import { loadConfig } from '../config'
import { createDatabase } from '../db/client'
import { createLogger } from '../log'
import { BUILD_VERSION } from '../version'
import { getClientIp } from './client-ip'
import type { AppEnv } from './context'

export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = c.req.header('CF-Ray') ?? crypto.randomUUID()
  c.set('requestId', requestId)
  c.set('logger', createLogger(requestId))
  c.set('clientIp', getClientIp(c.req.raw))
  try {
    c.set('config', loadConfig(c.env))
    c.set('db', createDatabase(c.env.DB))
    await next()
  } finally {
    c.res.headers.set('X-Coder-Build-Version', BUILD_VERSION)
    c.res.headers.set('X-Content-Type-Options', 'nosniff')
  }
}

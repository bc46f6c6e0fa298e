/** The Hono environment shared by every route: bindings and per-request values. */
import type { Config } from '../config'
import type { Database } from '../db/client'
import type { ApiKeyRow, Membership } from '../db/api-keys'
import type { UserRow } from '../db/users'
import type { Logger } from '../log'

/** The authenticated caller, set by the session middleware. */
export interface Session {
  key: ApiKeyRow
  user: UserRow
  memberships: Membership[]
}

export interface AppVariables {
  requestId: string
  logger: Logger
  config: Config
  db: Database
  clientIp: string
  session: Session
  /** The request body after Go-compatible decoding and validation. */
  body: unknown
}

export interface AppEnv {
  Bindings: Cloudflare.Env
  Variables: AppVariables
}

/** Drizzle over the D1 binding. Every read goes to the D1 primary, so it is strongly consistent. */
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1'
import * as schema from './schema'

export type Database = DrizzleD1Database<typeof schema> & { $client: D1Database }

/** Wraps the D1 binding; cheap enough to call once per request. */
export function createDatabase(d1: D1Database): Database {
  return drizzle(d1, { schema })
}

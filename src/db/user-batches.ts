/** Reads of several users at once. All reads are strong (D1 primary). */
import { and, eq, inArray } from 'drizzle-orm'
import type { Database } from './client'
import { users } from './schema'
import type { UserRow } from './users'

/** Returns the users that exist and are not deleted among `ids`, in no particular order. */
export async function findUsersByIds(db: Database, ids: string[]): Promise<UserRow[]> {
  return db
    .select()
    .from(users)
    .where(and(inArray(users.id, ids), eq(users.deleted, false)))
}

/** Listing and searching users for `GET /users`. All reads are strong (D1 primary). */
import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import type { Database } from './client'
import { organizationMembers, users } from './schema'
import type { UserRow } from './users'

/**
 * Go's zero time, 0001-01-01T00:00:00Z, in UTC milliseconds. Coder stores it as the last-seen time
 * of a user who never signed in, where this schema stores null.
 */
const GO_ZERO_TIME_MS = -62_135_596_800_000

/** Filters of `GET /users`, as Coder's `searchquery.Users` and pagination produce them. */
export interface UserListFilter {
  /** Substring of the email or username, matched like PostgreSQL `ILIKE`. */
  search: string
  /** Substring of the display name. */
  name: string
  statuses: string[]
  /** Users with any of these site roles. A list that contains `member` matches everyone. */
  roles: string[]
  loginTypes: string[]
  lastSeenBefore: number | null
  lastSeenAfter: number | null
  createdBefore: number | null
  createdAfter: number | null
  /** Only users whose lower-cased username sorts after this user's. An unknown id matches none. */
  afterId: string | null
  /** `all`, or the ids of the only users the caller may read. */
  readableIds: 'all' | string[]
  /** 0 means no limit, as in Coder. */
  limit: number
  offset: number
}

export interface UserPage {
  users: UserRow[]
  /** Users matching the filter before `limit` and `offset`, or 0 when the page is empty. */
  count: number
}

/**
 * Lists users that are not deleted, ordered by lower-cased username, with the total count of
 * matches, in one query (Coder's GetUsers with `COUNT(*) OVER()`). An offset past the last
 * match returns an empty page with count 0, as Coder's does.
 */
export async function listUsers(db: Database, filter: UserListFilter): Promise<UserPage> {
  const rows = await db
    .select({ user: users, count: sql<number>`count(*) over ()` })
    .from(users)
    .where(and(eq(users.deleted, false), ...userFilterConditions(filter)))
    .orderBy(sql`lower(${users.username})`)
    // SQLite needs a LIMIT before OFFSET, and Drizzle leaves out a negative one.
    .limit(filter.limit > 0 ? filter.limit : Number.MAX_SAFE_INTEGER)
    .offset(filter.offset)
  return { users: rows.map((row) => row.user), count: rows[0]?.count ?? 0 }
}

function userFilterConditions(filter: UserListFilter): SQL[] {
  const conditions: SQL[] = []
  if (filter.readableIds !== 'all') conditions.push(inJsonList(users.id, filter.readableIds))
  if (filter.afterId !== null) {
    conditions.push(
      sql`lower(${users.username}) > (SELECT lower(cursor.username) FROM users AS cursor
        WHERE cursor.id = ${filter.afterId})`,
    )
  }

  if (filter.search !== '') {
    conditions.push(
      sql`(${containsText(users.email, filter.search)} OR ${containsText(users.username, filter.search)})`,
    )
  }
  if (filter.name !== '') conditions.push(containsText(users.name, filter.name))
  if (filter.statuses.length > 0) conditions.push(inJsonList(users.status, filter.statuses))
  if (filter.loginTypes.length > 0) conditions.push(inJsonList(users.loginType, filter.loginTypes))
  if (filter.roles.length > 0 && !filter.roles.includes('member')) {
    conditions.push(
      sql`EXISTS (SELECT 1 FROM json_each(${users.rbacRoles}) AS role
        WHERE role.value IN (SELECT value FROM json_each(${JSON.stringify(filter.roles)})))`,
    )
  }

  const lastSeen = sql`coalesce(${users.lastSeenAt}, ${GO_ZERO_TIME_MS})`
  if (filter.lastSeenBefore !== null) conditions.push(sql`${lastSeen} <= ${filter.lastSeenBefore}`)
  if (filter.lastSeenAfter !== null) conditions.push(sql`${lastSeen} >= ${filter.lastSeenAfter}`)
  if (filter.createdBefore !== null)
    conditions.push(sql`${users.createdAt} <= ${filter.createdBefore}`)
  if (filter.createdAfter !== null)
    conditions.push(sql`${users.createdAt} >= ${filter.createdAfter}`)
  return conditions
}

/** D1 rejects a LIKE or GLOB pattern longer than this many bytes (Cloudflare's D1 limits). */
export const D1_MAX_LIKE_PATTERN_BYTES = 50

/**
 * Matches `text` anywhere in the column, as Coder's `ILIKE '%' || text || '%'` does: `%` and `_`
 * in the text are wildcards and `\` escapes them (PostgreSQL's default escape; SQLite's LIKE
 * needs it named). Both ignore ASCII case only, because SQLite's LIKE does not fold other
 * letters. NOTE: a pattern over D1's 50-byte limit is matched with `instr` instead, where `%`,
 * `_` and `\` are literal characters.
 */
function containsText(column: SQLiteColumn, text: string): SQL {
  const pattern = `%${text}%`
  if (new TextEncoder().encode(pattern).length <= D1_MAX_LIKE_PATTERN_BYTES) {
    return sql`${column} LIKE ${pattern} ESCAPE '\\'`
  }
  return sql`instr(lower(${column}), lower(${text})) > 0`
}

// One JSON parameter instead of one per value, because D1 binds at most 100 parameters.
function inJsonList(column: SQLiteColumn, values: readonly string[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`
}

/** Returns the organization ids of each user, oldest membership first, in one query. */
export async function listOrganizationIdsByUser(
  db: Database,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]))
  if (userIds.length === 0) return byUser
  const rows = await db
    .select({ userId: organizationMembers.userId, id: organizationMembers.organizationId })
    .from(organizationMembers)
    .where(inJsonList(organizationMembers.userId, userIds))
    .orderBy(organizationMembers.createdAt)
  for (const row of rows) byUser.get(row.userId)?.push(row.id)
  return byUser
}

/** Queries on users and their organization memberships. All reads are strong (D1 primary). */
import { and, count, eq, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { insertAuditEntry, type AuditEntry } from './audit'
import type { Database } from './client'
import {
  organizationMembers,
  organizations,
  users,
  type LoginType,
  type UserStatus,
} from './schema'

export type UserRow = typeof users.$inferSelect

/**
 * Lowercases ASCII letters only. Emails match ignoring ASCII case, as Coder's `lower()` in
 * PostgreSQL does for ASCII; other characters are compared as given.
 */
export function normalizeEmail(email: string): string {
  return email.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

/** Counts users that are not deleted. */
export async function countUsers(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(users).where(eq(users.deleted, false))
  return row?.n ?? 0
}

/** Finds a user that is not deleted by email, ignoring ASCII case. */
export async function findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.emailNormalized, normalizeEmail(email)), eq(users.deleted, false)))
    .get()
}

/** Finds a user that is not deleted by id. */
export async function findUserById(db: Database, id: string): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(eq(users.id, id), eq(users.deleted, false)))
    .get()
}

/** Finds a user that is not deleted by username, ignoring ASCII case. */
export async function findUserByUsername(
  db: Database,
  username: string,
): Promise<UserRow | undefined> {
  return db
    .select()
    .from(users)
    .where(and(sql`lower(${users.username}) = lower(${username})`, eq(users.deleted, false)))
    .get()
}

/** Returns the ids of the organizations the user belongs to, oldest membership first. */
export async function listOrganizationIds(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: organizationMembers.organizationId })
    .from(organizationMembers)
    .where(eq(organizationMembers.userId, userId))
    .orderBy(organizationMembers.createdAt)
  return rows.map((row) => row.id)
}

/** Returns the default organization that the first migration created. */
export async function getDefaultOrganizationId(db: Database): Promise<string | undefined> {
  const row = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.isDefault, true))
    .get()
  return row?.id
}

export interface NewUser {
  id: string
  email: string
  username: string
  name: string
  hashedPassword: string
  loginType: LoginType
  status: UserStatus
  rbacRoles: string[]
  organizationId: string
  now: number
}

export type InsertUserResult = 'created' | 'email_taken' | 'username_taken'

/**
 * Inserts a user and their membership of one organization in one atomic batch. A clash with
 * the unique email or username of a user that is not deleted is returned, not thrown.
 */
export async function insertUser(db: Database, user: NewUser): Promise<InsertUserResult> {
  const row = {
    id: user.id,
    email: user.email,
    emailNormalized: normalizeEmail(user.email),
    username: user.username,
    name: user.name,
    hashedPassword: user.hashedPassword,
    loginType: user.loginType,
    status: user.status,
    rbacRoles: user.rbacRoles,
    createdAt: user.now,
    updatedAt: user.now,
  }
  try {
    await db.batch([
      db.insert(users).values(row),
      db.insert(organizationMembers).values({
        userId: user.id,
        organizationId: user.organizationId,
        roles: [],
        createdAt: user.now,
        updatedAt: user.now,
      }),
    ])
    return 'created'
  } catch (error) {
    const clash = classifyUniqueClash(error)
    if (clash) return clash
    throw error
  }
}

/**
 * Inserts the first user and their membership of the default organization in one atomic batch,
 * only while no user exists. Returns false when a user already existed, so two concurrent
 * first-user requests cannot both succeed (Coder's check is not atomic; this one is).
 */
export async function insertFirstUser(db: Database, user: NewUser): Promise<boolean> {
  const d1 = db.$client
  const [inserted] = await d1.batch([
    d1
      .prepare(
        `INSERT INTO users (id, email, email_normalized, username, name, hashed_password,
          login_type, status, rbac_roles, created_at, updated_at)
        SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10
        WHERE NOT EXISTS (SELECT 1 FROM users WHERE deleted = 0)`,
      )
      .bind(
        user.id,
        user.email,
        normalizeEmail(user.email),
        user.username,
        user.name,
        user.hashedPassword,
        user.loginType,
        user.status,
        JSON.stringify(user.rbacRoles),
        user.now,
      ),
    d1
      .prepare(
        `INSERT INTO organization_members (user_id, organization_id, roles, created_at, updated_at)
        SELECT ?1, ?2, '[]', ?3, ?3 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1)`,
      )
      .bind(user.id, user.organizationId, user.now),
  ])
  return inserted?.meta.changes === 1
}

/** Switches a dormant user to active; returns true when this call changed the status. */
export async function activateDormantUser(db: Database, userId: string, now: number) {
  const result = await db
    .update(users)
    .set({ status: 'active', updatedAt: now })
    .where(and(eq(users.id, userId), eq(users.status, 'dormant')))
    .run()
  return result.meta.changes === 1
}

/**
 * Replaces a password hash with a stronger one, only if it is still the hash that was verified,
 * so a password change that happened in between is never overwritten.
 */
export async function upgradePasswordHash(
  db: Database,
  userId: string,
  verifiedHash: string,
  newHash: string,
  now: number,
): Promise<void> {
  await db
    .update(users)
    .set({ hashedPassword: newHash, updatedAt: now })
    .where(and(eq(users.id, userId), eq(users.hashedPassword, verifiedHash)))
    .run()
}

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
    const pattern = `%${filter.search}%`
    conditions.push(
      sql`(${likePattern(users.email, pattern)} OR ${likePattern(users.username, pattern)})`,
    )
  }
  if (filter.name !== '') conditions.push(likePattern(users.name, `%${filter.name}%`))
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

// PostgreSQL's ILIKE takes `\` as its escape character by default; SQLite's LIKE needs it named.
// Both ignore ASCII case only here, because SQLite's LIKE does not fold other letters.
function likePattern(column: SQLiteColumn, pattern: string): SQL {
  return sql`${column} LIKE ${pattern} ESCAPE '\\'`
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

export interface NewUserWithMemberships extends Omit<NewUser, 'organizationId'> {
  /** Organizations the user joins with no explicit organization role. */
  organizationIds: string[]
}

/**
 * Inserts a user, their organization memberships and the audit entry in one atomic batch. A
 * clash with the unique email or username of a user that is not deleted is returned, not
 * thrown, so concurrent requests for the same name get exactly one `created`.
 */
export async function insertUserWithMemberships(
  db: Database,
  user: NewUserWithMemberships,
  audit: AuditEntry,
): Promise<InsertUserResult> {
  const memberships = user.organizationIds.map((organizationId) =>
    db.insert(organizationMembers).values({
      userId: user.id,
      organizationId,
      roles: [],
      createdAt: user.now,
      updatedAt: user.now,
    }),
  )
  try {
    await db.batch([
      db.insert(users).values({
        id: user.id,
        email: user.email,
        emailNormalized: normalizeEmail(user.email),
        username: user.username,
        name: user.name,
        hashedPassword: user.hashedPassword,
        loginType: user.loginType,
        status: user.status,
        rbacRoles: user.rbacRoles,
        createdAt: user.now,
        updatedAt: user.now,
      }),
      ...memberships,
      insertAuditEntry(db, audit),
    ])
    return 'created'
  } catch (error) {
    const clash = classifyUniqueClash(error)
    if (clash) return clash
    throw error
  }
}

// Maps SQLite's unique-constraint text for the email and username indexes to a result.
function classifyUniqueClash(error: unknown): Exclude<InsertUserResult, 'created'> | undefined {
  const text = String(error instanceof Error && error.cause ? error.cause : error)
  if (text.includes('users.email_normalized')) return 'email_taken'
  if (text.includes('users_username_lower_unique') || text.includes('lower(username)')) {
    return 'username_taken'
  }
  return undefined
}

/**
 * Replaces a user's site roles and writes the audit entry in one batch, only if the stored roles
 * still equal `expected`, the list the caller's permission check was made against. Returns
 * false when they changed in between (or the user was deleted). Then nothing was written.
 */
export async function replaceUserRoles(
  db: Database,
  userId: string,
  expected: readonly string[],
  roles: readonly string[],
  audit: AuditEntry,
): Promise<boolean> {
  const d1 = db.$client
  const [update] = await d1.batch([
    d1
      .prepare(
        `UPDATE users SET rbac_roles = ?1
        WHERE id = ?2 AND deleted = 0 AND json(rbac_roles) = json(?3)`,
      )
      .bind(JSON.stringify(roles), userId, JSON.stringify(expected)),
    prepareAuditInsertAfterChange(d1, audit),
  ])
  return update?.meta.changes === 1
}

export interface StatusChange {
  userId: string
  status: UserStatus
  now: number
  /** Leave the user unchanged if they have the `owner` site role (Coder rejects suspending one). */
  unlessOwner: boolean
  /** Delete every API key of the user, ending all their sessions and tokens. */
  endSessions: boolean
  audit: AuditEntry
}

/**
 * Sets a user's status, writes the audit entry and, when asked, deletes the user's API keys, in
 * one batch. Returns false when nothing changed because the user is deleted or, with
 * `unlessOwner`, has the owner role at the time of the write.
 */
export async function updateUserStatus(db: Database, change: StatusChange): Promise<boolean> {
  const d1 = db.$client
  const ownerGuard = change.unlessOwner
    ? `AND NOT EXISTS (SELECT 1 FROM json_each(rbac_roles) WHERE value = 'owner')`
    : ''
  const statements = [
    d1
      .prepare(
        `UPDATE users SET status = ?1, updated_at = ?2
        WHERE id = ?3 AND deleted = 0 ${ownerGuard}`,
      )
      .bind(change.status, change.now, change.userId),
    prepareAuditInsertAfterChange(d1, change.audit),
  ]
  if (change.endSessions) {
    statements.push(
      d1
        .prepare(
          `DELETE FROM api_keys WHERE user_id = ?1
          AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND status = ?2)`,
        )
        .bind(change.userId, change.status),
    )
  }
  const [update] = await d1.batch(statements)
  return update?.meta.changes === 1
}

/**
 * Marks a user deleted and, as Coder's `delete_deleted_user_resources` trigger does, deletes
 * their API keys and external-login links, with the audit entry, in one batch. Returns false when
 * the user was already deleted.
 */
export async function softDeleteUser(
  db: Database,
  userId: string,
  now: number,
  audit: AuditEntry,
): Promise<boolean> {
  const d1 = db.$client
  const deletedByThisBatch = 'EXISTS (SELECT 1 FROM users WHERE id = ?1 AND deleted = 1)'
  const [update] = await d1.batch([
    d1
      .prepare('UPDATE users SET deleted = 1, updated_at = ?2 WHERE id = ?1 AND deleted = 0')
      .bind(userId, now),
    prepareAuditInsertAfterChange(d1, audit),
    d1.prepare(`DELETE FROM api_keys WHERE user_id = ?1 AND ${deletedByThisBatch}`).bind(userId),
    d1.prepare(`DELETE FROM user_links WHERE user_id = ?1 AND ${deletedByThisBatch}`).bind(userId),
  ])
  return update?.meta.changes === 1
}

export interface PasswordChange {
  userId: string
  /** Hash that must still be stored for the write to apply, or null to write unconditionally. */
  expectedHash: string | null
  newHash: string
  /** Key to keep: the request's own key when users change their own password, else ''. */
  keepKeyId: string
  now: number
  audit: AuditEntry
}

/**
 * Sets a new password hash, clears any pending one-time passcode (as Coder's
 * UpdateUserHashedPassword does), deletes every other API key of the user and writes the audit
 * entry, in one batch. Returns false when nothing changed because the user is deleted or the
 * hash is no longer `expectedHash`.
 *
 * The key deletion checks that the stored hash is now `newHash`, which only this request can have
 * written because every argon2id hash has its own random salt.
 */
export async function replacePasswordHash(db: Database, change: PasswordChange): Promise<boolean> {
  const d1 = db.$client
  const hashGuard = change.expectedHash === null ? '' : 'AND hashed_password = ?4'
  const update = d1
    .prepare(
      `UPDATE users
      SET hashed_password = ?1, hashed_one_time_passcode = NULL,
        one_time_passcode_expires_at = NULL, one_time_passcode_failed_attempts = 0,
        updated_at = ?2
      WHERE id = ?3 AND deleted = 0 ${hashGuard}`,
    )
    .bind(
      change.newHash,
      change.now,
      change.userId,
      ...(change.expectedHash === null ? [] : [change.expectedHash]),
    )
  const [result] = await d1.batch([
    update,
    prepareAuditInsertAfterChange(d1, change.audit),
    d1
      .prepare(
        `DELETE FROM api_keys WHERE user_id = ?1 AND id <> ?2
        AND EXISTS (SELECT 1 FROM users WHERE id = ?1 AND hashed_password = ?3)`,
      )
      .bind(change.userId, change.keepKeyId, change.newHash),
  ])
  return result?.meta.changes === 1
}

/**
 * Returns an INSERT of one audit entry that adds the row only if the statement just before it in
 * the same batch changed a row. A D1 batch runs its statements in order in one transaction, so
 * SQLite's `changes()` there reports that statement and nothing else.
 */
export function prepareAuditInsertAfterChange(
  d1: D1Database,
  entry: AuditEntry,
): D1PreparedStatement {
  return d1
    .prepare(
      `INSERT INTO audit_log (time, action, resource_type, resource_id, user_id, ip_address,
        user_agent, status_code, request_id, additional_fields)
      SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() > 0`,
    )
    .bind(
      entry.time,
      entry.action,
      entry.resourceType,
      entry.resourceId ?? '',
      entry.userId ?? null,
      entry.ipAddress,
      entry.userAgent ?? '',
      entry.statusCode,
      entry.requestId,
      JSON.stringify(entry.additionalFields ?? {}),
    )
}

/** Queries on users and their organization memberships. All reads are strong (D1 primary). */
import { and, count, eq, sql } from 'drizzle-orm'
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
  const row = toUserRow(user)
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
      db.insert(users).values(toUserRow(user)),
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

/** Builds the stored row of a new user, with the normalised email and both times set to now. */
function toUserRow(user: Omit<NewUser, 'organizationId'>): typeof users.$inferInsert {
  return {
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
}

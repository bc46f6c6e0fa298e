/** Queries on API keys (sessions and long-lived tokens). All reads are strong (D1 primary). */
import { and, desc, eq, sql } from 'drizzle-orm'
import type { Database } from './client'
import { apiKeys, organizationMembers, users, type LoginType } from './schema'
import type { UserRow } from './users'
import { insertAuditEntry, type AuditEntry } from './audit'

export type ApiKeyRow = typeof apiKeys.$inferSelect

/** One organization membership of a user with its stored organization roles. */
export interface Membership {
  organizationId: string
  roles: string[]
}

export interface ApiKeyWithUser {
  key: ApiKeyRow
  user: UserRow
  memberships: Membership[]
}

/**
 * Loads a key with its user and the user's memberships in one D1 round trip. Keys of deleted
 * users are not returned.
 */
export async function getApiKeyWithUser(
  db: Database,
  id: string,
): Promise<ApiKeyWithUser | undefined> {
  const row = await db
    .select({
      key: apiKeys,
      user: users,
      memberships: sql<string>`(
        SELECT json_group_array(json_object('organizationId', m.organization_id,
          'roles', json(m.roles)))
        FROM ${organizationMembers} m WHERE m.user_id = ${users.id})`,
    })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.id, id), eq(users.deleted, false)))
    .get()
  if (!row) return undefined
  return { key: row.key, user: row.user, memberships: JSON.parse(row.memberships) as Membership[] }
}

export interface NewApiKey {
  id: string
  hashedSecret: string
  userId: string
  loginType: LoginType
  lifetimeSeconds: number
  ipAddress: string
  scopes: string[]
  tokenName: string
  now: number
}

/**
 * Inserts a key that expires `lifetimeSeconds` from now and has never been used, together with
 * its audit entry in one batch.
 */
export async function insertApiKey(
  db: Database,
  key: NewApiKey,
  audit: (keyId: string) => AuditEntry,
): Promise<ApiKeyRow> {
  const row = {
    id: key.id,
    hashedSecret: key.hashedSecret,
    userId: key.userId,
    lastUsed: null,
    expiresAt: key.now + key.lifetimeSeconds * 1000,
    createdAt: key.now,
    updatedAt: key.now,
    loginType: key.loginType,
    lifetimeSeconds: key.lifetimeSeconds,
    ipAddress: key.ipAddress,
    scopes: key.scopes,
    tokenName: key.tokenName,
  }
  await db.batch([db.insert(apiKeys).values(row), insertAuditEntry(db, audit(row.id))])
  return row
}

export interface KeyUsage {
  lastUsed?: number
  ipAddress?: string
  expiresAt?: number
  /** Also bumps the user's `last_seen_at`. */
  userLastSeenAt?: number
}

/** Records a key's use and sliding expiry, and the user's last-seen time, in one batch. */
export async function recordKeyUsage(
  db: Database,
  key: ApiKeyRow,
  usage: KeyUsage,
  now: number,
): Promise<void> {
  const keyUpdate = db
    .update(apiKeys)
    .set({
      updatedAt: now,
      ...(usage.lastUsed !== undefined && { lastUsed: usage.lastUsed }),
      ...(usage.ipAddress !== undefined && { ipAddress: usage.ipAddress }),
      ...(usage.expiresAt !== undefined && { expiresAt: usage.expiresAt }),
    })
    .where(eq(apiKeys.id, key.id))
  if (usage.userLastSeenAt === undefined) {
    await keyUpdate.run()
    return
  }
  await db.batch([
    keyUpdate,
    // Coder's UpdateUserLastSeenAt moves updated_at along with last_seen_at.
    db
      .update(users)
      .set({ lastSeenAt: usage.userLastSeenAt, updatedAt: usage.userLastSeenAt })
      .where(eq(users.id, key.userId)),
  ])
}

/**
 * Deletes the key a logout came with and every workspace-application key of the same user,
 * as Coder's logout does, and writes the audit entry, in one batch. Other sessions and tokens
 * survive.
 */
export async function deleteKeyAndAppTokens(
  db: Database,
  keyId: string,
  userId: string,
  audit: AuditEntry,
): Promise<void> {
  await db.batch([
    insertAuditEntry(db, audit),
    db.delete(apiKeys).where(eq(apiKeys.id, keyId)),
    db.delete(apiKeys).where(
      and(
        eq(apiKeys.userId, userId),
        sql`EXISTS (SELECT 1 FROM json_each(${apiKeys.scopes})
          WHERE value IN ('application_connect', 'coder:application_connect'))`,
      ),
    ),
  ])
}

/** Lists a user's long-lived tokens (login type `token`), newest first. */
export async function listUserTokens(db: Database, userId: string): Promise<ApiKeyRow[]> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.loginType, 'token')))
    .orderBy(desc(apiKeys.createdAt))
}

/** Lists every user's long-lived tokens with the owner's username, newest first. */
export async function listAllTokens(
  db: Database,
): Promise<{ key: ApiKeyRow; username: string | null }[]> {
  return db
    .select({ key: apiKeys, username: users.username })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.loginType, 'token'))
    .orderBy(desc(apiKeys.createdAt))
}

/** Finds a key of `userId` by id. */
export async function findUserKey(
  db: Database,
  userId: string,
  keyId: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, keyId)))
    .get()
}

/** Finds a token of `userId` by its name. */
export async function findUserTokenByName(
  db: Database,
  userId: string,
  tokenName: string,
): Promise<ApiKeyRow | undefined> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.tokenName, tokenName)))
    .get()
}

/**
 * Deletes a key of `userId`. Returns false when no such key existed (never there, or deleted by
 * a concurrent request).
 */
export async function deleteUserKey(db: Database, userId: string, keyId: string) {
  const deleted = await db
    .delete(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, keyId)))
    .returning({ id: apiKeys.id })
  return deleted.length === 1
}

/** Tells a duplicate token name (Coder's unique index on user and name) from other errors. */
export function isDuplicateTokenName(error: unknown): boolean {
  const text = String(error instanceof Error && error.cause ? error.cause : error)
  return text.includes('api_keys.user_id, api_keys.token_name') || text.includes('token_name')
}

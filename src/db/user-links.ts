/**
 * Links between users and their GitHub or OpenID Connect identities, and the switch of a
 * password user to one of those login types. All reads are strong (D1 primary).
 */
import { and, eq } from 'drizzle-orm'
import { prepareAuditInsertWhere, type AuditEntry } from './audit'
import type { Database } from './client'
import { userLinks, users } from './schema'
import type { UserRow } from './users'

export type UserLinkRow = typeof userLinks.$inferSelect

/** The login types that sign in through an external identity provider. */
export type ProviderLoginType = 'github' | 'oidc'

/** Finds the user that is not deleted and is linked to the identity `linkedId` of `loginType`. */
export async function findUserByLinkedId(
  db: Database,
  loginType: ProviderLoginType,
  linkedId: string,
): Promise<{ user: UserRow; link: UserLinkRow } | undefined> {
  return db
    .select({ user: users, link: userLinks })
    .from(userLinks)
    .innerJoin(users, eq(users.id, userLinks.userId))
    .where(
      and(
        eq(userLinks.loginType, loginType),
        eq(userLinks.linkedId, linkedId),
        eq(users.deleted, false),
      ),
    )
    .get()
}

/** Finds the link of one user for one login type. */
export async function findUserLink(
  db: Database,
  userId: string,
  loginType: ProviderLoginType,
): Promise<UserLinkRow | undefined> {
  return db
    .select()
    .from(userLinks)
    .where(and(eq(userLinks.userId, userId), eq(userLinks.loginType, loginType)))
    .get()
}

export interface NewUserLink {
  userId: string
  loginType: ProviderLoginType
  linkedId: string
  /** Expiry of the provider's access token in UTC milliseconds, or null when not tracked. */
  oauthExpiry: number | null
  now: number
}

/**
 * Records a link for a sign-in in one atomic batch. A deleted user's link to the same identity
 * is dropped first, because identities are unique per login type. Then the link is inserted or
 * refreshed. An existing link keeps its linked id, as Coder's link update does, and only an
 * empty one is filled in.
 */
export async function saveUserLink(db: Database, link: NewUserLink): Promise<void> {
  const d1 = db.$client
  await d1.batch(linkStatements(d1, link, TRUE_GUARD))
}

export interface LoginConversion {
  userId: string
  toLoginType: ProviderLoginType
  linkedId: string
  /** Id of the API key the callback request carried, deleted with the conversion; or null. */
  callbackKeyId: string | null
  audit: AuditEntry
  now: number
}

/**
 * Converts a password user to `toLoginType` in one atomic batch and returns whether this call
 * made the switch. The final statement is the conditional update
 * `… WHERE id = ? AND login_type = 'password' AND deleted = 0`. Every earlier statement (link,
 * deletion of the user's password sessions and of the callback's key, audit entry) has the same
 * condition, evaluated before the update in the same transaction. So they all take effect
 * exactly when the update changes the row. Two requests that present the same conversion state
 * therefore have exactly one winner, whatever a stale KV read let through. The loser changes
 * nothing and gets false.
 */
export async function convertUserLogin(
  db: Database,
  conversion: LoginConversion,
): Promise<boolean> {
  const d1 = db.$client
  const guard = {
    sql: `EXISTS (SELECT 1 FROM users WHERE id = ? AND login_type = 'password' AND deleted = 0)`,
    params: [conversion.userId],
  }
  const { audit } = conversion
  const statements = [
    ...linkStatements(
      d1,
      {
        userId: conversion.userId,
        loginType: conversion.toLoginType,
        linkedId: conversion.linkedId,
        oauthExpiry: null,
        now: conversion.now,
      },
      guard,
    ),
    // The password is gone, so every session it opened ends with it.
    d1
      .prepare(
        `DELETE FROM api_keys WHERE user_id = ? AND login_type = 'password' AND ${guard.sql}`,
      )
      .bind(conversion.userId, ...guard.params),
  ]
  if (conversion.callbackKeyId !== null) {
    statements.push(
      d1
        .prepare(`DELETE FROM api_keys WHERE id = ? AND ${guard.sql}`)
        .bind(conversion.callbackKeyId, ...guard.params),
    )
  }
  statements.push(
    prepareAuditInsertWhere(d1, audit, guard.sql, guard.params),
    // A pending password reset is cleared too: it would set a password the account no longer uses.
    d1
      .prepare(
        `UPDATE users SET login_type = ?, hashed_password = '', hashed_one_time_passcode = NULL,
          one_time_passcode_expires_at = NULL, one_time_passcode_failed_attempts = 0,
          updated_at = ?
        WHERE id = ? AND login_type = 'password' AND deleted = 0`,
      )
      .bind(conversion.toLoginType, conversion.now, conversion.userId),
  )
  const results = await d1.batch(statements)
  return results.at(-1)?.meta.changes === 1
}

interface SqlGuard {
  sql: string
  params: unknown[]
}

const TRUE_GUARD: SqlGuard = { sql: '1', params: [] }

function linkStatements(d1: D1Database, link: NewUserLink, guard: SqlGuard): D1PreparedStatement[] {
  return [
    d1
      .prepare(
        `DELETE FROM user_links WHERE login_type = ? AND linked_id = ? AND user_id <> ?
          AND user_id IN (SELECT id FROM users WHERE deleted = 1) AND ${guard.sql}`,
      )
      .bind(link.loginType, link.linkedId, link.userId, ...guard.params),
    // SQLite needs a WHERE clause on the SELECT of an upsert to parse ON CONFLICT.
    d1
      .prepare(
        `INSERT INTO user_links (user_id, login_type, linked_id, oauth_expiry, created_at,
          updated_at)
        SELECT ?, ?, ?, ?, ?, ? WHERE ${guard.sql}
        ON CONFLICT (user_id, login_type) DO UPDATE SET
          linked_id = CASE WHEN user_links.linked_id = '' THEN excluded.linked_id
            ELSE user_links.linked_id END,
          oauth_expiry = excluded.oauth_expiry,
          updated_at = excluded.updated_at`,
      )
      .bind(
        link.userId,
        link.loginType,
        link.linkedId,
        link.oauthExpiry,
        link.now,
        link.now,
        ...guard.params,
      ),
  ]
}

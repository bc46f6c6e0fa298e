/** Queries on organizations and their members. All reads are strong (D1 primary). */
import { and, eq, sql } from 'drizzle-orm'
import { insertAuditEntry, type AuditEntry } from './audit'
import type { Database } from './client'
import { organizationMembers, organizations, users } from './schema'
import { prepareAuditInsertWhere } from './audit'

export type OrganizationRow = typeof organizations.$inferSelect
export type MembershipRow = typeof organizationMembers.$inferSelect

/** A membership with the member's public user fields, as Coder's OrganizationMembers returns. */
export interface MemberWithUser {
  membership: MembershipRow
  username: string
  name: string
  avatarUrl: string
  email: string
  /** The member's stored site roles. */
  globalRoles: string[]
}

/** Finds an organization by id. */
export async function findOrganizationById(
  db: Database,
  id: string,
): Promise<OrganizationRow | undefined> {
  return db.select().from(organizations).where(eq(organizations.id, id)).get()
}

/** Finds an organization by name, ignoring ASCII case as Coder's `LOWER(name)` lookup does. */
export async function findOrganizationByName(
  db: Database,
  name: string,
): Promise<OrganizationRow | undefined> {
  return db
    .select()
    .from(organizations)
    .where(sql`lower(${organizations.name}) = lower(${name})`)
    .get()
}

/** Returns the default organization that the first migration created. */
export async function findDefaultOrganization(db: Database): Promise<OrganizationRow | undefined> {
  return db.select().from(organizations).where(eq(organizations.isDefault, true)).get()
}

const MEMBER_COLUMNS = {
  membership: organizationMembers,
  username: users.username,
  name: users.name,
  avatarUrl: users.avatarUrl,
  email: users.email,
  globalRoles: users.rbacRoles,
}

/** Lists the members of an organization that are not deleted users, by lower-cased username. */
export async function listMembers(db: Database, organizationId: string): Promise<MemberWithUser[]> {
  return db
    .select(MEMBER_COLUMNS)
    .from(organizationMembers)
    .innerJoin(users, and(eq(users.id, organizationMembers.userId), eq(users.deleted, false)))
    .where(eq(organizationMembers.organizationId, organizationId))
    .orderBy(sql`lower(${users.username})`)
}

/** Finds one membership of a user that is not deleted. */
export async function findMember(
  db: Database,
  organizationId: string,
  userId: string,
): Promise<MemberWithUser | undefined> {
  return db
    .select(MEMBER_COLUMNS)
    .from(organizationMembers)
    .innerJoin(users, and(eq(users.id, organizationMembers.userId), eq(users.deleted, false)))
    .where(
      and(
        eq(organizationMembers.organizationId, organizationId),
        eq(organizationMembers.userId, userId),
      ),
    )
    .get()
}

/**
 * Adds a user to an organization with no explicit role, together with the audit entry, in one
 * batch. Returns `exists` when the user is already a member, and then nothing was written.
 */
export async function insertMember(
  db: Database,
  membership: MembershipRow,
  audit: AuditEntry,
): Promise<'created' | 'exists'> {
  try {
    await db.batch([db.insert(organizationMembers).values(membership), insertAuditEntry(db, audit)])
    return 'created'
  } catch (error) {
    const text = String(error instanceof Error && error.cause ? error.cause : error)
    if (text.includes('organization_members.organization_id')) return 'exists'
    throw error
  }
}

/**
 * Removes a user from an organization and writes the audit entry in one batch. Returns false
 * when there was no such membership.
 */
export async function deleteMember(
  db: Database,
  organizationId: string,
  userId: string,
  audit: AuditEntry,
): Promise<boolean> {
  const d1 = db.$client
  const [removal] = await d1.batch([
    d1
      .prepare('DELETE FROM organization_members WHERE organization_id = ?1 AND user_id = ?2')
      .bind(organizationId, userId),
    prepareAuditInsertWhere(d1, audit),
  ])
  return removal?.meta.changes === 1
}

/**
 * Replaces a member's organization roles and writes the audit entry in one batch, only if the
 * stored roles still equal `expected`, the list the caller's permission check was made against.
 * Returns false when they changed in between or the membership is gone. Then nothing was
 * written. `updated_at` is left as it was, as Coder's UpdateMemberRoles does.
 */
export async function replaceMemberRoles(
  db: Database,
  organizationId: string,
  userId: string,
  expected: readonly string[],
  roles: readonly string[],
  audit: AuditEntry,
): Promise<boolean> {
  const d1 = db.$client
  const [update] = await d1.batch([
    d1
      .prepare(
        `UPDATE organization_members SET roles = ?1
        WHERE organization_id = ?2 AND user_id = ?3 AND json(roles) = json(?4)`,
      )
      .bind(JSON.stringify(roles), organizationId, userId, JSON.stringify(expected)),
    prepareAuditInsertWhere(d1, audit),
  ])
  return update?.meta.changes === 1
}

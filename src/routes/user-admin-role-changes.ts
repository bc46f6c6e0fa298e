/**
 * The permission check of a role change, shared by site roles and organization roles, as in
 * Coder's dbauthz `canAssignRoles` (Coder v2, 2025-09). Every added or removed role must exist.
 * The caller needs `assign` for added roles and `unassign` for removed roles on the role
 * assignment resource. Last, the assignment matrix must let the caller's roles assign each one.
 */
import type { Context } from 'hono'
import { authorizeRequest } from '../auth/subject'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { goQuote } from '../http/go-quote'
import {
  canAssignRole,
  collectSubjectRoles,
  formatRoleIdentifier,
  getBuiltinRole,
  type RoleIdentifier,
} from '../rbac'
import { forbidden } from './user-admin-messages'

export interface RoleChange {
  added: RoleIdentifier[]
  removed: RoleIdentifier[]
}

/**
 * Compares the stored roles with the requested ones as Coder's `rbac.ChangeRoleSet` does. A role
 * requested twice that was stored once counts as added the second time, and stored duplicates
 * count once.
 */
export function diffRoleSets(
  stored: readonly RoleIdentifier[],
  requested: readonly RoleIdentifier[],
): RoleChange {
  const remaining = new Map(stored.map((role) => [formatRoleIdentifier(role), role]))
  const added: RoleIdentifier[] = []
  for (const role of requested) {
    const key = formatRoleIdentifier(role)
    if (remaining.delete(key)) continue
    added.push(role)
  }
  return { added, removed: [...remaining.values()] }
}

/**
 * Throws Coder's error unless the caller may make `change` to roles of `organizationId` (`''`
 * for site roles). The errors are 400 `"<role>" is not a supported role` for a role that is not
 * built in (this service has no custom roles), 403 `Forbidden.` without `assign` or `unassign`
 * permission, and 400 `not authorized to assign role "<role>"` when the assignment matrix
 * forbids a role. Coder returns 400 in the last case, not 403, because dbauthz reports it as a
 * plain error.
 */
export function authorizeRoleChange(
  c: Context<AppEnv>,
  organizationId: string,
  change: RoleChange,
): void {
  const changed = [...change.added, ...change.removed]
  for (const role of changed) {
    if (getBuiltinRole(role.name, role.organizationId) === undefined) {
      throw new ApiError(400, `${goQuote(formatRoleIdentifier(role))} is not a supported role`)
    }
  }

  const assignment =
    organizationId === ''
      ? { type: 'assign_role' }
      : { type: 'assign_org_role', orgOwner: organizationId }
  if (change.added.length > 0 && !authorizeRequest(c, 'assign', assignment)) {
    throw forbidden(`no assign permission on ${assignment.type}`)
  }
  if (change.removed.length > 0 && !authorizeRequest(c, 'unassign', assignment)) {
    throw forbidden(`no unassign permission on ${assignment.type}`)
  }

  const { user, memberships } = c.var.session
  const callerRoles = collectSubjectRoles(user.rbacRoles, memberships)
  for (const role of changed) {
    if (!canAssignRole(callerRoles, role)) {
      const formatted = formatRoleIdentifier(role)
      throw new ApiError(400, `not authorized to assign role ${goQuote(formatted)}`, {
        reason: `assignment matrix forbids ${formatted}`,
      })
    }
  }
}

/** Removes repeated roles, keeping the first of each, as Coder's `SELECT DISTINCT` does. */
export function distinctRoles(roles: readonly string[]): string[] {
  return [...new Set(roles)]
}

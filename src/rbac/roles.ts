/**
 * Roles of Coder's RBAC model (`coderd/rbac/roles.go` of Coder v2, 2025-09). A role grants at
 * three levels: `site` applies to every object, `org` to objects of the listed organization,
 * `user` to objects the subject owns.
 */

import { ORGANIZATION_ROLES } from './organization-roles'
import { ROLE_OWNER } from './role-names'
import { OWNER, OWNER_WITHOUT_WORKSPACE_EXEC, SITE_ROLES } from './site-roles'

/** One grant, or with `negate` one denial, of `action` on `resourceType` (either may be `*`). */
export interface Permission {
  readonly resourceType: string
  readonly action: string
  readonly negate: boolean
}

/** A role expanded to its permissions, the shape the evaluator consumes. */
export interface Role {
  /** Role name without the organization suffix, e.g. `organization-admin`. */
  readonly name: string
  /** Organization the role is scoped to; `''` for site-wide roles. */
  readonly organizationId: string
  /** Label for user interfaces; empty for roles that are never shown (organization-member). */
  readonly displayName: string
  readonly site: readonly Permission[]
  /** Permissions keyed by organization id; holding a key makes the subject a member of it. */
  readonly org: Readonly<Record<string, readonly Permission[]>>
  readonly user: readonly Permission[]
}

/** Deployment switches that change built-in roles. */
export interface RoleOptions {
  /**
   * Coder's `--disable-owner-workspace-access`: owners lose `ssh` and `application_connect` on
   * workspaces they do not own.
   */
  readonly disableOwnerWorkspaceAccess?: boolean
}

/**
 * Returns the built-in role `name`, scoped to `organizationId` for organization roles, or
 * `undefined` when the name is unknown or the organization id is missing for an organization
 * role or present for a site role (Coder's RoleByName rejects both).
 */
export function getBuiltinRole(
  name: string,
  organizationId = '',
  options: RoleOptions = {},
): Role | undefined {
  if (name === ROLE_OWNER) {
    if (organizationId !== '') return undefined
    return options.disableOwnerWorkspaceAccess === true ? OWNER_WITHOUT_WORKSPACE_EXEC : OWNER
  }
  const site = SITE_ROLES.get(name)
  if (site !== undefined) return organizationId === '' ? site : undefined
  const factory = ORGANIZATION_ROLES.get(name)
  if (factory === undefined || organizationId === '') return undefined
  return factory(organizationId)
}

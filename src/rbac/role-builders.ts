/** Helpers that build and freeze the built-in roles from permission maps. */

import type { Action, ResourceType } from './resources'
import { RESOURCE_ACTIONS, RESOURCE_TYPES, WILDCARD } from './resources'
import { roleDisplayName } from './role-names'
import type { Permission, Role } from './roles'

export type PermissionMap = Partial<Record<ResourceType, readonly Action[]>>

/** Expands a map of resource type to actions into allow permissions. */
export function grant(map: PermissionMap): Permission[] {
  const permissions: Permission[] = []
  for (const [resourceType, actions] of Object.entries(map)) {
    for (const action of actions) permissions.push({ resourceType, action, negate: false })
  }
  return permissions
}

/** Builds negated permissions, which beat allows at the same level. */
export function deny(resourceType: ResourceType, actions: readonly Action[]): Permission[] {
  return actions.map((action) => ({ resourceType, action, negate: true }))
}

// Coder's allPermsExcept: `(type, *)` for every concrete type except the listed ones.
export function grantAllExcept(...excluded: ResourceType[]): Permission[] {
  return RESOURCE_TYPES.filter((type) => !excluded.includes(type)).map((resourceType) => ({
    resourceType,
    action: WILDCARD,
    negate: false,
  }))
}

export const WORKSPACE_ALL = RESOURCE_ACTIONS.workspace
// Workspace actions minus the exec actions (ssh, application_connect). Coder withholds exec from
// organization admins, and from owners under --disable-owner-workspace-access.
export const WORKSPACE_WITHOUT_EXEC: readonly Action[] = WORKSPACE_ALL.filter(
  (action) => action !== 'ssh' && action !== 'application_connect',
)
// Actions Coder's roles grant on dormant workspaces: everything except start and the exec
// actions, because a dormant workspace must not run.
export const DORMANT_WORKSPACE_ACTIONS: readonly Action[] = [
  'read',
  'delete',
  'create',
  'update',
  'stop',
  'create_agent',
  'delete_agent',
]

/** Builds a frozen site-wide role. */
export function siteRole(name: string, site: Permission[], user: Permission[] = []): Role {
  return freezeRole({
    name,
    organizationId: '',
    displayName: displayNameOf(name),
    site,
    org: {},
    user,
  })
}

/** Builds a frozen role whose org-level permissions apply to `organizationId` only. */
export function organizationRole(
  name: string,
  organizationId: string,
  site: Permission[],
  org: Permission[],
): Role {
  const displayName = displayNameOf(name)
  return freezeRole({
    name,
    organizationId,
    displayName,
    site,
    org: { [organizationId]: org },
    user: [],
  })
}

function displayNameOf(name: string): string {
  return roleDisplayName(name) ?? name
}

// Built-in roles are shared by every subject, so no caller may change them.
function freezeRole(role: Role): Role {
  for (const list of [role.site, role.user, ...Object.values(role.org)]) {
    for (const permission of list) Object.freeze(permission)
    Object.freeze(list)
  }
  Object.freeze(role.org)
  return Object.freeze(role)
}

/** Names and display names of Coder's built-in roles (`coderd/rbac/roles.go` of Coder v2). */

export const ROLE_OWNER = 'owner'
export const ROLE_MEMBER = 'member'
export const ROLE_AUDITOR = 'auditor'
export const ROLE_TEMPLATE_ADMIN = 'template-admin'
export const ROLE_USER_ADMIN = 'user-admin'
export const ROLE_ORGANIZATION_ADMIN = 'organization-admin'
export const ROLE_ORGANIZATION_MEMBER = 'organization-member'
export const ROLE_ORGANIZATION_AUDITOR = 'organization-auditor'
export const ROLE_ORGANIZATION_USER_ADMIN = 'organization-user-admin'
export const ROLE_ORGANIZATION_TEMPLATE_ADMIN = 'organization-template-admin'
export const ROLE_ORGANIZATION_WORKSPACE_CREATION_BAN = 'organization-workspace-creation-ban'

/** Built-in roles stored in `users.rbac_roles` (no organization suffix). */
export const BUILTIN_SITE_ROLE_NAMES: readonly string[] = Object.freeze([
  ROLE_OWNER,
  ROLE_MEMBER,
  ROLE_AUDITOR,
  ROLE_TEMPLATE_ADMIN,
  ROLE_USER_ADMIN,
])

/** Built-in roles stored on an organization membership as `<name>:<organization id>`. */
export const BUILTIN_ORGANIZATION_ROLE_NAMES: readonly string[] = Object.freeze([
  ROLE_ORGANIZATION_ADMIN,
  ROLE_ORGANIZATION_MEMBER,
  ROLE_ORGANIZATION_AUDITOR,
  ROLE_ORGANIZATION_USER_ADMIN,
  ROLE_ORGANIZATION_TEMPLATE_ADMIN,
  ROLE_ORGANIZATION_WORKSPACE_CREATION_BAN,
])

const DISPLAY_NAMES: ReadonlyMap<string, string> = new Map([
  [ROLE_OWNER, 'Owner'],
  [ROLE_MEMBER, 'Member'],
  [ROLE_AUDITOR, 'Auditor'],
  [ROLE_TEMPLATE_ADMIN, 'Template Admin'],
  [ROLE_USER_ADMIN, 'User Admin'],
  [ROLE_ORGANIZATION_ADMIN, 'Organization Admin'],
  [ROLE_ORGANIZATION_MEMBER, ''],
  [ROLE_ORGANIZATION_AUDITOR, 'Organization Auditor'],
  [ROLE_ORGANIZATION_USER_ADMIN, 'Organization User Admin'],
  [ROLE_ORGANIZATION_TEMPLATE_ADMIN, 'Organization Template Admin'],
  [ROLE_ORGANIZATION_WORKSPACE_CREATION_BAN, 'Organization Workspace Creation Ban'],
])

/** Returns the display name of a built-in role, or `undefined` for any other name. */
export function roleDisplayName(name: string): string | undefined {
  return DISPLAY_NAMES.get(name)
}

/** Reports whether `name` is a built-in role name, which custom roles may not reuse. */
export function isReservedRoleName(name: string): boolean {
  return DISPLAY_NAMES.has(name)
}

/** Reports whether `name` is a built-in organization role (one that needs an organization id). */
export function isOrganizationRoleName(name: string): boolean {
  return BUILTIN_ORGANIZATION_ROLE_NAMES.includes(name)
}

/**
 * Pure authorization engine: Coder's resource types, built-in roles, API-key scopes and policy
 * evaluation. Imports nothing outside this folder.
 *
 * @example
 * const subject = compileSubject({ id: userId, roles: ['owner'], scopes: ['coder:all'] })
 * authorize(subject, 'read', { type: 'workspace', owner: otherUserId }) // true
 */

export type { AccessControlList, AuthzObject } from './evaluate'
export { authorize } from './evaluate'
export type { Vote } from './permission-table'
export type { Action, ResourceType } from './resources'
export {
  ACTIONS,
  RESOURCE_ACTIONS,
  RESOURCE_TYPES,
  WILDCARD,
  isResourceAction,
  isResourceType,
} from './resources'
export type { OrganizationMembership, RoleIdentifier } from './role-identifiers'
export {
  NIL_UUID,
  canAssignRole,
  collectSubjectRoles,
  expandRoleIdentifiers,
  formatRoleIdentifier,
  parseRoleIdentifier,
  parseUuid,
} from './role-identifiers'
export type { Permission, Role, RoleOptions } from './roles'
export { getBuiltinRole } from './roles'
export {
  BUILTIN_ORGANIZATION_ROLE_NAMES,
  BUILTIN_SITE_ROLE_NAMES,
  ROLE_AUDITOR,
  ROLE_MEMBER,
  ROLE_ORGANIZATION_ADMIN,
  ROLE_ORGANIZATION_AUDITOR,
  ROLE_ORGANIZATION_MEMBER,
  ROLE_ORGANIZATION_TEMPLATE_ADMIN,
  ROLE_ORGANIZATION_USER_ADMIN,
  ROLE_ORGANIZATION_WORKSPACE_CREATION_BAN,
  ROLE_OWNER,
  ROLE_TEMPLATE_ADMIN,
  ROLE_USER_ADMIN,
  isOrganizationRoleName,
  isReservedRoleName,
  roleDisplayName,
} from './role-names'
export type { Scope } from './scopes'
export {
  EXTERNAL_SCOPE_NAMES,
  SCOPE_ALL,
  SCOPE_APPLICATION_CONNECT,
  SCOPE_NO_USER_DATA,
  expandScope,
  isKnownScope,
  normalizeScope,
} from './scopes'
export type { CompiledRoles, CompiledScope, CompiledSubject, SubjectInput } from './subject'
export { compileRoles, compileScope, compileSubject } from './subject'

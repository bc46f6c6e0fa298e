/**
 * Role identifiers as Coder stores them (`owner`, `organization-admin:<organization uuid>`):
 * parsing, expansion to roles, the implicit roles every user holds, and who may assign which role.
 */

import type { Role, RoleOptions } from './roles'
import { getBuiltinRole } from './roles'
import {
  BUILTIN_ORGANIZATION_ROLE_NAMES,
  BUILTIN_SITE_ROLE_NAMES,
  ROLE_MEMBER,
  ROLE_ORGANIZATION_ADMIN,
  ROLE_ORGANIZATION_MEMBER,
  ROLE_ORGANIZATION_USER_ADMIN,
  ROLE_OWNER,
  ROLE_USER_ADMIN,
  isOrganizationRoleName,
  isReservedRoleName,
} from './role-names'

/** A role name plus the organization it is scoped to (`''` for site-wide roles). */
export interface RoleIdentifier {
  readonly name: string
  readonly organizationId: string
}

/** Organization roles of one membership, as stored on the membership row (names only). */
export interface OrganizationMembership {
  readonly organizationId: string
  readonly roles: readonly string[]
}

export const NIL_UUID = '00000000-0000-0000-0000-000000000000'

// Stand-ins for every custom role in the assignment matrix, as in Coder's roles.go.
const CUSTOM_SITE_ROLE = 'custom-site-role'
const CUSTOM_ORGANIZATION_ROLE = 'custom-organization-role'

const ALL_ORGANIZATION_ROLES = [...BUILTIN_ORGANIZATION_ROLE_NAMES, CUSTOM_ORGANIZATION_ROLE]

// Roles that a holder of the key role may assign or remove (Coder's assignRoles table).
// Organization roles only count within their own organization.
const ASSIGNABLE_ROLES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [ROLE_OWNER, new Set([...BUILTIN_SITE_ROLE_NAMES, CUSTOM_SITE_ROLE, ...ALL_ORGANIZATION_ROLES])],
  [ROLE_USER_ADMIN, new Set([ROLE_MEMBER, ROLE_ORGANIZATION_MEMBER])],
  [ROLE_ORGANIZATION_ADMIN, new Set(ALL_ORGANIZATION_ROLES)],
  [ROLE_ORGANIZATION_USER_ADMIN, new Set([ROLE_ORGANIZATION_MEMBER])],
])

const HEX_32 = /^[0-9a-f]{32}$/i

/**
 * Parses a UUID in the forms Go's github.com/google/uuid accepts (plain, `{…}`-braced,
 * `urn:uuid:`-prefixed, or 32 bare hex digits, any case) and returns it in canonical lower-case
 * form, or `undefined` when it is not a UUID.
 */
export function parseUuid(input: string): string | undefined {
  let text = input
  if (text.length === 45 && text.slice(0, 9).toLowerCase() === 'urn:uuid:') text = text.slice(9)
  else if (text.length === 38 && text[0] === '{' && text[37] === '}') text = text.slice(1, 37)
  let hex: string
  if (text.length === 36) {
    if (text[8] !== '-' || text[13] !== '-' || text[18] !== '-' || text[23] !== '-')
      return undefined
    hex =
      text.slice(0, 8) +
      text.slice(9, 13) +
      text.slice(14, 18) +
      text.slice(19, 23) +
      text.slice(24)
  } else if (text.length === 32) {
    hex = text
  } else {
    return undefined
  }
  if (!HEX_32.test(hex)) return undefined
  const lower = hex.toLowerCase()
  return `${lower.slice(0, 8)}-${lower.slice(8, 12)}-${lower.slice(12, 16)}-${lower.slice(16, 20)}-${lower.slice(20)}`
}

/**
 * Parses `<name>` or `<name>:<organization uuid>` like Coder's RoleNameFromString. Returns
 * `undefined` for an empty name, more than one colon or an invalid UUID. The nil UUID means
 * "no organization", as in Coder.
 */
export function parseRoleIdentifier(input: string): RoleIdentifier | undefined {
  const parts = input.split(':')
  const name = parts[0]
  if (parts.length > 2 || name === undefined || name === '') return undefined
  if (parts.length === 1) return { name, organizationId: '' }
  const organizationId = parseUuid(parts[1] ?? '')
  if (organizationId === undefined) return undefined
  return { name, organizationId: organizationId === NIL_UUID ? '' : organizationId }
}

/** Formats an identifier back into its stored form. */
export function formatRoleIdentifier(identifier: RoleIdentifier): string {
  if (identifier.organizationId === '') return identifier.name
  return `${identifier.name}:${identifier.organizationId}`
}

/**
 * Expands stored role identifiers into built-in roles. Malformed identifiers, unknown names and
 * scope mismatches (a site role with an organization, an organization role without one) are
 * dropped without error, as Coder does when it builds a subject.
 */
export function expandRoleIdentifiers(
  identifiers: readonly string[],
  options: RoleOptions = {},
): Role[] {
  const roles: Role[] = []
  for (const input of identifiers) {
    const identifier = parseRoleIdentifier(input)
    if (identifier === undefined) continue
    const role = getBuiltinRole(identifier.name, identifier.organizationId, options)
    if (role !== undefined) roles.push(role)
  }
  return roles
}

/**
 * Returns the role identifiers of a subject: its stored site roles plus the implicit `member`,
 * and for each membership the implicit `organization-member:<org>` plus the membership's roles.
 * Duplicates are removed and order is kept.
 */
export function collectSubjectRoles(
  siteRoles: readonly string[],
  memberships: readonly OrganizationMembership[] = [],
): string[] {
  const identifiers = new Set<string>([...siteRoles, ROLE_MEMBER])
  for (const membership of memberships) {
    identifiers.add(`${ROLE_ORGANIZATION_MEMBER}:${membership.organizationId}`)
    for (const name of membership.roles) identifiers.add(`${name}:${membership.organizationId}`)
  }
  return [...identifiers]
}

/**
 * Reports whether a holder of `assignerRoles` may assign (or remove) `role`, following Coder's
 * CanAssignRole. Owner assigns every role. User-admin assigns member and organization-member.
 * Organization-admin assigns every organization role of its own organization, custom ones
 * included. Organization-user-admin assigns organization-member of its own organization. Names
 * that are not built in count as custom roles, and malformed identifiers grant nothing.
 */
export function canAssignRole(
  assignerRoles: readonly (string | RoleIdentifier)[],
  role: string | RoleIdentifier,
): boolean {
  const target = typeof role === 'string' ? parseRoleIdentifier(role) : role
  if (target === undefined) return false
  const targetName = matrixName(target)
  if (targetName === undefined) return false
  for (const entry of assignerRoles) {
    const assigner = typeof entry === 'string' ? parseRoleIdentifier(entry) : entry
    if (assigner === undefined) continue
    // An organization role grants assignment only inside its own organization.
    if (assigner.organizationId !== '' && assigner.organizationId !== target.organizationId) {
      continue
    }
    if (ASSIGNABLE_ROLES.get(assigner.name)?.has(targetName) === true) return true
  }
  return false
}

// Maps a target role to its row in the assignment matrix; `undefined` when the identifier is
// inconsistent (a built-in role scoped the wrong way).
function matrixName(target: RoleIdentifier): string | undefined {
  const isOrganizationScoped = target.organizationId !== ''
  if (!isReservedRoleName(target.name)) {
    return isOrganizationScoped ? CUSTOM_ORGANIZATION_ROLE : CUSTOM_SITE_ROLE
  }
  if (isOrganizationRoleName(target.name) !== isOrganizationScoped) return undefined
  return target.name
}

/**
 * Subjects (who is asking) compiled once into lookup tables, so that each authorization check
 * reads maps and allocates nothing.
 */

import type { PermissionTable } from './permission-table'
import { EMPTY_TABLE, allowsEverything, compilePermissions } from './permission-table'
import { expandRoleIdentifiers } from './role-identifiers'
import type { Permission, Role, RoleOptions } from './roles'
import type { Scope } from './scopes'
import { SCOPE_ALL, expandScope } from './scopes'
import { WILDCARD } from './resources'

/** The subject as callers describe it. */
export interface SubjectInput {
  /** User id; user-level permissions and user ACLs apply to objects whose owner equals it. */
  readonly id: string
  /**
   * Stored role identifiers (`owner`, `organization-admin:<uuid>`) or expanded roles such as
   * custom roles. Unknown or malformed identifiers are dropped.
   */
  readonly roles: readonly (string | Role)[]
  /** Ids of the groups the user is an explicit member of. */
  readonly groups?: readonly string[]
  /**
   * API-key scopes by name (aliases accepted) or expanded. Omitted means `coder:all`, the scope
   * of a browser session. Unknown names are dropped, and a subject left without any scope is
   * denied everything.
   */
  readonly scopes?: readonly (string | Scope)[]
  readonly roleOptions?: RoleOptions
}

/** All roles of a subject merged per level. */
export interface CompiledRoles {
  readonly site: PermissionTable
  readonly user: PermissionTable
  /** One table per organization the subject is a member of (its keys are the memberships). */
  readonly organizations: ReadonlyMap<string, PermissionTable>
}

export interface CompiledScope {
  readonly site: PermissionTable
  readonly allowsAnyId: boolean
  readonly allowIds: ReadonlySet<string>
}

/** A subject ready for `authorize`. Build it with `compileSubject`. */
export interface CompiledSubject {
  readonly id: string
  readonly groups: readonly string[]
  readonly roles: CompiledRoles
  readonly scopes: readonly CompiledScope[]
  /** True when some scope grants `(*, *)` on every id without any deny, e.g. `coder:all`. */
  readonly scopesAllowEverything: boolean
}

// Bound on cached role sets. Each distinct list of role identifiers takes one entry, so a
// deployment needs at most one per user and usually far fewer.
const ROLE_CACHE_MAX_ENTRIES = 1024

const roleCache = new Map<string, CompiledRoles>()
const scopeCache = new Map<string, CompiledScope>()

/** Compiles a subject. Role sets and scopes given by name are cached across calls. */
export function compileSubject(input: SubjectInput): CompiledSubject {
  const scopes = compileScopes(input.scopes ?? [SCOPE_ALL])
  return Object.freeze({
    id: input.id,
    groups: Object.freeze([...(input.groups ?? [])]),
    roles: compileRoleSet(input.roles, input.roleOptions ?? {}),
    scopes,
    scopesAllowEverything: scopes.some(
      (scope) => scope.allowsAnyId && allowsEverything(scope.site),
    ),
  })
}

function compileRoleSet(entries: readonly (string | Role)[], options: RoleOptions): CompiledRoles {
  if (!entries.every((entry) => typeof entry === 'string')) {
    const roles = entries.flatMap((entry) =>
      typeof entry === 'string' ? expandRoleIdentifiers([entry], options) : [entry],
    )
    return compileRoles(roles)
  }

  // JSON keeps the key unambiguous: a joined string would let one crafted identifier such as
  // "owner\u0000member" share the cache entry of two real ones.
  const key = JSON.stringify([options.disableOwnerWorkspaceAccess === true, entries])
  const cached = roleCache.get(key)
  if (cached !== undefined) {
    // Re-insert so the map's insertion order works as least-recently-used order.
    roleCache.delete(key)
    roleCache.set(key, cached)
    return cached
  }
  const compiled = compileRoles(expandRoleIdentifiers(entries, options))
  if (roleCache.size >= ROLE_CACHE_MAX_ENTRIES) {
    const oldest = roleCache.keys().next()
    if (oldest.done !== true) roleCache.delete(oldest.value)
  }
  roleCache.set(key, compiled)
  return compiled
}

/** Merges roles per level; a subject is a member of every organization any role is keyed by. */
export function compileRoles(roles: readonly Role[]): CompiledRoles {
  const byOrganization = new Map<string, (readonly Permission[])[]>()
  for (const role of roles) {
    for (const [organizationId, permissions] of Object.entries(role.org)) {
      const lists = byOrganization.get(organizationId)
      if (lists === undefined) byOrganization.set(organizationId, [permissions])
      else lists.push(permissions)
    }
  }
  const organizations = new Map<string, PermissionTable>()
  for (const [organizationId, lists] of byOrganization) {
    organizations.set(organizationId, compilePermissions(lists))
  }
  return Object.freeze({
    site: compilePermissions(roles.map((role) => role.site)),
    user: compilePermissions(roles.map((role) => role.user)),
    organizations,
  })
}

function compileScopes(entries: readonly (string | Scope)[]): readonly CompiledScope[] {
  const scopes: CompiledScope[] = []
  for (const entry of entries) {
    const compiled = typeof entry === 'string' ? compileScopeName(entry) : compileScope(entry)
    if (compiled !== undefined) scopes.push(compiled)
  }
  return Object.freeze(scopes)
}

function compileScopeName(name: string): CompiledScope | undefined {
  const cached = scopeCache.get(name)
  if (cached !== undefined) return cached
  const scope = expandScope(name)
  if (scope === undefined) return undefined
  // Only requestable names reach this point, so the cache stays bounded by the catalog.
  const compiled = compileScope(scope)
  scopeCache.set(name, compiled)
  return compiled
}

/** Compiles one expanded scope. */
export function compileScope(scope: Scope): CompiledScope {
  return Object.freeze({
    site: scope.site.length === 0 ? EMPTY_TABLE : compilePermissions([scope.site]),
    allowsAnyId: scope.allowIds.includes(WILDCARD),
    allowIds: new Set(scope.allowIds),
  })
}

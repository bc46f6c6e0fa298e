/**
 * API-key scopes. A scope is a set of site-level permissions plus an allow list of object ids.
 * A request must pass both the subject's roles and one of its key's scopes.
 *
 * Names follow upstream Coder (`coderd/rbac/scopes.go` and `scopes_catalog.go`, late 2025): the
 * built-in `coder:all` and `coder:application_connect` (old bare names accepted as aliases), a
 * curated set of low-level `resource:action` names, and composite `coder:*` names. One table
 * feeds both `GET /api/v2/auth/scopes` and token-creation validation, so the two cannot drift.
 */

import type { Permission } from './roles'
import { RESOURCE_TYPES, WILDCARD } from './resources'

/** An expanded scope, the shape the evaluator consumes. */
export interface Scope {
  readonly name: string
  readonly site: readonly Permission[]
  /** Object ids the scope reaches; `*` means every object. An object without id matches `''`. */
  readonly allowIds: readonly string[]
}

export const SCOPE_ALL = 'coder:all'
export const SCOPE_APPLICATION_CONNECT = 'coder:application_connect'

// Names from before upstream Coder renamed the built-in scopes to `coder:*`. They are still
// accepted but no longer listed.
const SCOPE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['all', SCOPE_ALL],
  ['application_connect', SCOPE_APPLICATION_CONNECT],
])

// Upstream's earliest curated low-level set (the malformed `user.*` entry that its parser
// dropped is left out). `task` is not a resource type of this model, so `task:*` scopes are
// accepted for compatibility but match no object of the built-in resource types.
const LOW_LEVEL_SCOPES: Readonly<Record<string, readonly string[]>> = {
  workspace: [
    'read',
    'create',
    'update',
    'delete',
    'ssh',
    'start',
    'stop',
    'application_connect',
    '*',
  ],
  template: ['read', 'create', 'update', 'delete', 'use', '*'],
  api_key: ['read', 'create', 'update', 'delete', '*'],
  file: ['read', 'create', '*'],
  user: ['read_personal', 'update_personal'],
  user_secret: ['read', 'create', 'update', 'delete', '*'],
  task: ['create', 'read', 'update', 'delete', '*'],
  organization: ['read', 'update', 'delete', '*'],
}

// Composite scopes and their site permissions, as upstream's compositePerms defines them.
const COMPOSITE_SCOPES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'coder:workspaces.create': { template: ['read', 'use'], workspace: ['create', 'update', 'read'] },
  'coder:workspaces.operate': { workspace: ['read', 'update'] },
  'coder:workspaces.delete': { workspace: ['read', 'delete'] },
  'coder:workspaces.access': { workspace: ['read', 'ssh', 'application_connect'] },
  'coder:templates.build': {
    template: ['read'],
    file: ['create', 'read'],
    provisioner_jobs: ['read'],
  },
  'coder:templates.author': {
    template: ['read', 'create', 'update', 'delete', 'view_insights'],
    file: ['create', 'read'],
  },
  'coder:apikeys.manage_self': { api_key: ['read', 'create', 'update', 'delete'] },
}

const ALLOW_ALL_IDS: readonly string[] = Object.freeze([WILDCARD])

function createScope(
  name: string,
  permissions: Readonly<Record<string, readonly string[]>>,
): Scope {
  const site: Permission[] = []
  for (const [resourceType, actions] of Object.entries(permissions)) {
    for (const action of actions) site.push(Object.freeze({ resourceType, action, negate: false }))
  }
  return Object.freeze({ name, site: Object.freeze(site), allowIds: ALLOW_ALL_IDS })
}

// Orders by UTF-16 code unit, which equals byte order for these ASCII names. The default sort
// does the same, but an explicit comparator states the contract.
function compareBytes(left: string, right: string): number {
  if (left === right) return 0
  return left < right ? -1 : 1
}

function buildScopeTable(): ReadonlyMap<string, Scope> {
  const table = new Map<string, Scope>()
  table.set(SCOPE_ALL, createScope(SCOPE_ALL, { [WILDCARD]: [WILDCARD] }))
  table.set(
    SCOPE_APPLICATION_CONNECT,
    createScope(SCOPE_APPLICATION_CONNECT, { workspace: ['application_connect'] }),
  )
  for (const [resource, actions] of Object.entries(LOW_LEVEL_SCOPES)) {
    for (const action of actions) {
      const name = `${resource}:${action}`
      table.set(name, createScope(name, { [resource]: [action] }))
    }
  }
  for (const [name, permissions] of Object.entries(COMPOSITE_SCOPES)) {
    table.set(name, createScope(name, permissions))
  }
  return table
}

// Requestable scopes by canonical name.
const SCOPES = buildScopeTable()

/**
 * Every requestable scope in canonical spelling, sorted by plain byte order as upstream's
 * ExternalScopeNames does (so `:` sorts before letters and `_`). Aliases are not listed.
 */
export const EXTERNAL_SCOPE_NAMES: readonly string[] = Object.freeze(
  [...SCOPES.keys()].sort(compareBytes),
)

/**
 * Coder's internal `no_user_data` scope for workspace agents: everything except user objects.
 * It cannot be requested by name.
 */
export const SCOPE_NO_USER_DATA: Scope = createScope(
  'no_user_data',
  Object.fromEntries(
    RESOURCE_TYPES.filter((type) => type !== 'user').map((type) => [type, [WILDCARD]]),
  ),
)

/** Returns the canonical spelling of a requestable scope, or `undefined` when it is unknown. */
export function normalizeScope(name: string): string | undefined {
  const canonical = SCOPE_ALIASES.get(name) ?? name
  return SCOPES.has(canonical) ? canonical : undefined
}

/** Reports whether a token may be created with scope `name` (aliases included). */
export function isKnownScope(name: string): boolean {
  return normalizeScope(name) !== undefined
}

/** Returns the expansion of a requestable scope (aliases included), or `undefined`. */
export function expandScope(name: string): Scope | undefined {
  const canonical = normalizeScope(name)
  return canonical === undefined ? undefined : SCOPES.get(canonical)
}

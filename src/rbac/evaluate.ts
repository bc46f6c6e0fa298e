/**
 * The authorization decision of Coder's policy.rego (Coder v2, 2025-09): role levels with
 * votes, user and group ACLs, and the API-key scope, over one subject, action and object.
 */

import { voteOn } from './permission-table'
import { WILDCARD } from './resources'
import { NIL_UUID } from './role-identifiers'
import type { CompiledSubject } from './subject'

/** Action-name lists keyed by user id (user ACL) or group id (group ACL). */
export type AccessControlList = Readonly<Record<string, readonly string[]>>

/** The object an action targets. Omitted strings mean "none" (`''`). */
export interface AuthzObject {
  /** Resource type, e.g. `workspace`; unknown types match only `*`-type permissions. */
  readonly type: string
  readonly id?: string
  /** Owning user id; user-level permissions apply when it equals the subject's id. */
  readonly owner?: string
  /**
   * Owning organization id, compared exactly. Role identifiers carry lower-case canonical UUIDs,
   * so callers pass organization ids in that form.
   */
  readonly orgOwner?: string
  /** True to ask "in any organization the subject belongs to", e.g. before creating. */
  readonly anyOrg?: boolean
  readonly aclUserList?: AccessControlList
  /** Keyed by group id; the entry keyed by the organization id is the "Everyone" group. */
  readonly aclGroupList?: AccessControlList
}

/**
 * Decides whether `subject` may perform `action` on `object`: allowed when its roles or an ACL
 * allow it and one of its scopes allows it too. An object that sets both `anyOrg` and an
 * organization other than the nil UUID is contradictory and always denied (Coder's authorizer
 * returns an error for it).
 */
export function authorize(subject: CompiledSubject, action: string, object: AuthzObject): boolean {
  const orgOwner = object.orgOwner ?? ''
  const anyOrg = object.anyOrg === true
  if (anyOrg && orgOwner !== '' && orgOwner !== NIL_UUID) return false
  if (!subject.scopesAllowEverything && !scopesAllow(subject, action, object)) return false
  return (
    rolesAllow(subject, action, object.type, orgOwner, anyOrg, object.owner ?? '') ||
    aclAllows(subject, action, object, orgOwner)
  )
}

/**
 * Applies the role levels in Coder's order. A site allow wins outright and a site deny ends the
 * check. Next an org allow wins and an org deny ends it. Last, user-level permissions apply to
 * the subject's own objects, but only inside an organization it belongs to or outside any.
 */
function rolesAllow(
  subject: CompiledSubject,
  action: string,
  type: string,
  orgOwner: string,
  anyOrg: boolean,
  owner: string,
): boolean {
  const roles = subject.roles
  const site = voteOn(roles.site, type, action)
  if (site !== 0) return site === 1

  let inOrganizationScope: boolean
  if (anyOrg) {
    // Any organization that allows is enough; denials are ignored in this mode (Coder's rego).
    for (const table of roles.organizations.values()) {
      if (voteOn(table, type, action) === 1) return true
    }
    inOrganizationScope = roles.organizations.size > 0
  } else if (orgOwner === '') {
    inOrganizationScope = true
  } else {
    const table = roles.organizations.get(orgOwner)
    if (table === undefined) return false
    const org = voteOn(table, type, action)
    if (org !== 0) return org === 1
    inOrganizationScope = true
  }

  if (!inOrganizationScope || owner === '' || owner !== subject.id) return false
  return voteOn(roles.user, type, action) === 1
}

/**
 * Applies the object's ACLs, which role denials do not override. The user ACL entry for the
 * subject always counts. Group entries count only for members of the object's organization:
 * those of the subject's groups and the "Everyone" entry keyed by the organization id.
 */
function aclAllows(
  subject: CompiledSubject,
  action: string,
  object: AuthzObject,
  orgOwner: string,
): boolean {
  const users = object.aclUserList
  if (users !== undefined && aclEntryAllows(users, subject.id, action)) return true

  const groups = object.aclGroupList
  if (groups === undefined || orgOwner === '') return false
  if (!subject.roles.organizations.has(orgOwner)) return false
  if (aclEntryAllows(groups, orgOwner, action)) return true
  for (const group of subject.groups) {
    if (aclEntryAllows(groups, group, action)) return true
  }
  return false
}

function aclEntryAllows(list: AccessControlList, key: string, action: string): boolean {
  // Own properties only: keys such as `constructor` must not reach Object.prototype.
  if (!Object.hasOwn(list, key)) return false
  const actions = list[key]
  if (!Array.isArray(actions)) return false
  return actions.includes(action) || actions.includes(WILDCARD)
}

/**
 * Reports whether any scope allows the check, because a key is allowed what any one of its
 * scopes allows. A scope allows when the object's id (or `''`) is on its allow list and its site
 * permissions vote +1. Only the site level of a scope grants, as in Coder's policy.rego of
 * 2025-09 (later upstream versions also evaluate a scope's org and user levels).
 */
function scopesAllow(subject: CompiledSubject, action: string, object: AuthzObject): boolean {
  const id = object.id ?? ''
  for (const scope of subject.scopes) {
    if (!scope.allowsAnyId && !scope.allowIds.has(id)) continue
    if (voteOn(scope.site, object.type, action) === 1) return true
  }
  return false
}

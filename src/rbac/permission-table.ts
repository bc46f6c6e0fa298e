/**
 * Permission lists compiled into nested lookup maps (type, then action) so that a vote costs at
 * most four map reads and no string building.
 */

import type { Permission } from './roles'
import { WILDCARD } from './resources'

/** Bit set in a table entry when a matching permission allows. */
const ALLOW_BIT = 1
/** Bit set in a table entry when a matching permission denies. */
const DENY_BIT = 2

/** Entry bits keyed by resource type (or `*`), then by action (or `*`). */
export type PermissionTable = ReadonlyMap<string, ReadonlyMap<string, number>>

/** Outcome of one level: −1 when any matching permission denies, +1 when one allows, else 0. */
export type Vote = -1 | 0 | 1

export const EMPTY_TABLE: PermissionTable = new Map()

/** Merges permission lists into one table; merging is sound because a deny anywhere wins. */
export function compilePermissions(lists: Iterable<readonly Permission[]>): PermissionTable {
  const table = new Map<string, Map<string, number>>()
  for (const list of lists) {
    for (const permission of list) {
      let byAction = table.get(permission.resourceType)
      if (byAction === undefined) {
        byAction = new Map()
        table.set(permission.resourceType, byAction)
      }
      const bit = permission.negate ? DENY_BIT : ALLOW_BIT
      byAction.set(permission.action, (byAction.get(permission.action) ?? 0) | bit)
    }
  }
  return table
}

/**
 * Returns the vote of `table` for `action` on `type`. A permission matches when its type is the
 * object's type or `*` and its action is the requested one or `*` (Coder's policy.rego). Within
 * one level a deny beats an allow.
 */
export function voteOn(table: PermissionTable, type: string, action: string): Vote {
  if (table.size === 0) return 0
  let bits = 0
  const exact = table.get(type)
  if (exact !== undefined) bits = (exact.get(action) ?? 0) | (exact.get(WILDCARD) ?? 0)
  if (type !== WILDCARD) {
    const wildcard = table.get(WILDCARD)
    if (wildcard !== undefined) bits |= (wildcard.get(action) ?? 0) | (wildcard.get(WILDCARD) ?? 0)
  }
  if ((bits & DENY_BIT) !== 0) return -1
  return (bits & ALLOW_BIT) !== 0 ? 1 : 0
}

/** Reports whether the table allows everything: `(*, *)` granted and no deny anywhere. */
export function allowsEverything(table: PermissionTable): boolean {
  if (((table.get(WILDCARD)?.get(WILDCARD) ?? 0) & ALLOW_BIT) === 0) return false
  for (const byAction of table.values()) {
    for (const bits of byAction.values()) if ((bits & DENY_BIT) !== 0) return false
  }
  return true
}

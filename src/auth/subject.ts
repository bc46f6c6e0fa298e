/** Builds the authorization subject of the caller from their session. */
import type { Context } from 'hono'
import type { AppEnv, Session } from '../http/context'
import {
  authorize,
  collectSubjectRoles,
  compileSubject,
  ROLE_OWNER,
  type AuthzObject,
  type CompiledSubject,
} from '../rbac'
import type { UserRow } from '../db/users'

const subjects = new WeakMap<Session, CompiledSubject>()

/**
 * Returns the caller's subject: stored site roles plus the implicit `member`, each membership's
 * organization roles, and the API key's scopes. Compiled once per request.
 */
export function getSubject(session: Session): CompiledSubject {
  const cached = subjects.get(session)
  if (cached) return cached
  const subject = compileSubject({
    id: session.user.id,
    roles: collectSubjectRoles(session.user.rbacRoles, session.memberships),
    scopes: session.key.scopes,
  })
  subjects.set(session, subject)
  return subject
}

/** Reports whether the caller (roles and API-key scopes) may perform `action` on `object`. */
export function authorizeRequest(c: Context<AppEnv>, action: string, object: AuthzObject): boolean {
  return authorize(getSubject(c.var.session), action, object)
}

/** Reports whether the caller may read the user with id `userId`. */
export function canReadUser(c: Context<AppEnv>, userId: string): boolean {
  return authorize(getSubject(c.var.session), 'read', { type: 'user', id: userId, owner: userId })
}

/**
 * Reports whether `target` is an owner and the caller is not. Only owners may set an owner's
 * password or delete an owner: Coder lets a user admin do both, which hands the deployment to
 * any holder of that role.
 */
export function isProtectedOwner(c: Context<AppEnv>, target: UserRow): boolean {
  return target.rbacRoles.includes(ROLE_OWNER) && !c.var.session.user.rbacRoles.includes(ROLE_OWNER)
}

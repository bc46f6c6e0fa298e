/** Builds the authorization subject of the caller from their session. */
import type { Context } from 'hono'
import type { AppEnv, Session } from '../http/context'
import {
  authorize,
  collectSubjectRoles,
  compileSubject,
  type AuthzObject,
  type CompiledSubject,
} from '../rbac'

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

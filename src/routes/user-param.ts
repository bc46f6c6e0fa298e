/**
 * Resolution of the `{user}` path parameter shared by every `/users/{user}/…` route: `me`, a
 * UUID or a username, looked up with the caller's own read permission.
 */
import type { Context } from 'hono'
import { canReadUser } from '../auth/subject'
import { findUserById, findUserByUsername, type UserRow } from '../db/users'
import { ApiError } from '../http/errors'
import { goQuote } from '../http/go-quote'
import type { AppEnv } from '../http/context'
import { parseUuid } from '../rbac'

/**
 * Returns the user named by `param`, or throws Coder's 400. A user that does not exist and a
 * user the caller may not read get the same response, so members cannot probe for usernames.
 */
export async function resolveUserParam(c: Context<AppEnv>, param: string): Promise<UserRow> {
  const { session, db } = c.var
  if (param === 'me') {
    // Coder reads the caller's own row with the caller's permissions too, so an API key whose
    // scopes exclude reading users gets Coder's 404 even for `me`.
    if (!canReadUser(c, session.user.id)) {
      throw new ApiError(404, 'Resource not found or you do not have access to this resource')
    }
    return session.user
  }
  const id = parseUuid(param)
  const user = id ? await findUserById(db, id) : await findUserByUsername(db, param)
  if (!user || !canReadUser(c, user.id)) {
    throw new ApiError(400, '"user" must be an existing uuid or username.', {
      detail: `queried user=${goQuote(param)}`,
    })
  }
  return user
}

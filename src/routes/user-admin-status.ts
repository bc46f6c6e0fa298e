/** Suspending, activating and deleting users (`/users/{user}/status/…`, `DELETE /users/{user}`). */
import { goQuote } from '../http/go-quote'
import type { ApiRouter, RouteConfig } from '../http/route'
import type { Context } from 'hono'
import { object, string } from 'zod'
import { now } from '../clock'
import { requireSession } from '../auth/session'
import { authorizeRequest, isProtectedOwner } from '../auth/subject'
import { buildAuditEntry } from '../db/audit-request'
import type { UserStatus } from '../db/schema'
import { softDeleteUser, updateUserStatus } from '../db/user-changes'
import { findUserById, listOrganizationIds } from '../db/users'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { coderResponse, jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { ROLE_OWNER } from '../rbac'
import { CoderResponse, User } from './schemas'
import { forbidden, userParamError } from './user-admin-messages'
import { resolveUserParam } from './user-param'
import { toUserResponse } from './user-response'

const OWNER_SUSPENSION = `You cannot suspend a user with the ${goQuote(ROLE_OWNER)} role. You must remove the role first.`

const USER_PARAMS = object({
  user: string().meta({ description: 'A user id, a username, or `me`.' }),
})

export function mountUserStatusRoutes(api: ApiRouter): void {
  for (const status of ['suspended', 'active'] as const) {
    const verb = status === 'suspended' ? 'suspend' : 'activate'
    mountRoute(api, statusRoute(verb), requireSession, async (c) => changeStatus(c, status))
  }

  mountRoute(
    api,
    {
      method: 'delete',
      path: '/users/{user}',
      tags: ['Users'],
      summary: 'Delete a user',
      description:
        'Marks the user deleted, which frees the email and username, and ends all their ' +
        'sessions and tokens. Nobody can delete themselves.',
      security: SESSION_SECURITY,
      request: { params: USER_PARAMS },
      responses: {
        200: { description: 'Deleted.', content: json(CoderResponse) },
        400: { description: 'Unknown or unreadable user.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        403: { description: 'Own account, or no permission.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const param = c.req.param('user') ?? ''
      const user = await resolveUserParam(c, param)
      const actorId = c.var.session.user.id
      if (user.id === actorId) throw new ApiError(403, 'You cannot delete yourself!')
      if (!authorizeRequest(c, 'delete', { type: 'user', id: user.id, owner: user.id })) {
        throw forbidden('no delete permission on the user')
      }
      if (isProtectedOwner(c, user)) throw forbidden('only owners may delete an owner')
      const audit = buildAuditEntry(c, {
        action: 'delete',
        resourceType: 'user',
        resourceId: user.id,
        userId: actorId,
        statusCode: 200,
      })
      // A concurrent request deleted the user first.
      if (!(await softDeleteUser(c.var.db, user.id, now(), audit))) throw userParamError(param)
      c.var.logger.log('info', 'user_deleted', { user_id: user.id, actor_id: actorId })
      return jsonResponse(200, coderResponse('User has been deleted!'))
    },
  )
}

function statusRoute(verb: 'suspend' | 'activate'): RouteConfig {
  const suspend = verb === 'suspend'
  return {
    method: 'put',
    path: `/users/{user}/status/${verb}`,
    tags: ['Users'],
    summary: suspend ? 'Suspend a user' : 'Activate a user',
    description: suspend
      ? 'Suspends the user and ends all their sessions and tokens. Nobody can suspend ' +
        'themselves or a user holding the `owner` role.'
      : 'Makes a suspended or dormant user active again. Sessions ended by the suspension ' +
        'stay ended.',
    security: SESSION_SECURITY,
    request: { params: USER_PARAMS },
    responses: {
      200: { description: 'The updated user.', content: json(User) },
      400: {
        description: suspend ? 'Own account, an owner, or unknown user.' : 'Unknown user.',
        content: json(CoderResponse),
      },
      401: { description: 'Not signed in.', content: json(CoderResponse) },
      403: { description: 'No permission to update the user.', content: json(CoderResponse) },
    },
  }
}

/**
 * Applies Coder's putUserStatus checks in its order, then writes the status. For a caller
 * without update permission Coder returns a 500 from its database layer, and this service
 * returns Coder's 403 `Forbidden.` instead.
 */
async function changeStatus(c: Context<AppEnv>, status: UserStatus): Promise<Response> {
  const param = c.req.param('user') ?? ''
  const user = await resolveUserParam(c, param)
  const actorId = c.var.session.user.id
  const suspend = status === 'suspended'
  if (suspend && user.id === actorId) throw new ApiError(400, 'You cannot suspend yourself.')
  if (suspend && user.rbacRoles.includes(ROLE_OWNER)) throw new ApiError(400, OWNER_SUSPENSION)
  if (!authorizeRequest(c, 'update', { type: 'user', id: user.id, owner: user.id })) {
    throw forbidden('no update permission on the user')
  }

  const changedAt = now()
  const changed = await updateUserStatus(c.var.db, {
    userId: user.id,
    status,
    now: changedAt,
    unlessOwner: suspend,
    // Coder keeps the keys and only rejects them while the user is suspended. Deleting them
    // means reactivation does not bring old sessions and tokens back.
    endSessions: suspend,
    audit: buildAuditEntry(c, {
      action: 'write',
      resourceType: 'user',
      resourceId: user.id,
      userId: actorId,
      statusCode: 200,
      additionalFields: { old_status: user.status, new_status: status },
    }),
  })
  if (!changed) {
    // The user was deleted, or became an owner, since it was read.
    const current = await findUserById(c.var.db, user.id)
    if (!current) throw userParamError(param)
    throw new ApiError(400, OWNER_SUSPENSION)
  }
  c.var.logger.log('info', suspend ? 'user_suspended' : 'user_activated', {
    user_id: user.id,
    actor_id: actorId,
  })
  const organizationIds = await listOrganizationIds(c.var.db, user.id)
  return jsonResponse(
    200,
    toUserResponse({ ...user, status, updatedAt: changedAt }, organizationIds),
  )
}

/** `GET /users/me` and `GET /users/{user}`. */
import type { ApiRouter } from '../http/route'
import { object, string } from 'zod'
import { requireSession } from '../auth/session'
import { listOrganizationIds } from '../db/users'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { CoderResponse, User } from './schemas'
import { resolveUserParam } from './user-param'
import { toUserResponse } from './user-response'

export function mountUserRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/{user}',
      tags: ['Users'],
      summary: 'Get a user by id, username, or `me`',
      description:
        'Members can read only themselves; owners and user, template and organization ' +
        'administrators can read anyone.',
      security: SESSION_SECURITY,
      request: {
        params: object({
          user: string().meta({ description: 'A user id, a username, or `me`.' }),
        }),
      },
      responses: {
        200: { description: 'The user.', content: json(User) },
        400: { description: 'Unknown or unreadable user.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      const organizationIds =
        user.id === c.var.session.user.id
          ? c.var.session.memberships.map((membership) => membership.organizationId)
          : await listOrganizationIds(c.var.db, user.id)
      return jsonResponse(200, toUserResponse(user, organizationIds))
    },
  )
}

/** `PUT /users/{user}/password`: changing one's own password or, as an admin, anyone's. */
import type { ApiRouter } from '../http/route'
import { object, string } from 'zod'
import { rateLimitPasswordChanges, updateUserPassword } from '../auth/password-change'
import { requireSession } from '../auth/session'
import { authorizeRequest, isProtectedOwner } from '../auth/subject'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { CoderResponse } from './schemas'
import { readBody, UPDATE_PASSWORD_BODY } from './user-admin-bodies'
import { forbidden, resourceNotFound, userParamError } from './user-admin-messages'
import { UpdateUserPasswordRequest } from './user-admin-schemas'
import { resolveUserParam } from './user-param'

export function mountPasswordChangeRoute(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'put',
      path: '/users/{user}/password',
      tags: ['Users'],
      summary: "Change a user's password",
      description:
        'Users changing their own password must send the old one. Admins allowed to update a ' +
        "user's personal data may set another user's password without it. Every other session " +
        'and token of the user ends, except the session of an own change. Limited to 60 ' +
        'requests per minute per caller.',
      security: SESSION_SECURITY,
      request: {
        params: object({ user: string().meta({ description: 'A user id, a username, or `me`.' }) }),
        body: { content: json(UpdateUserPasswordRequest), required: true },
      },
      responses: {
        204: { description: 'Changed.' },
        400: {
          description: 'Invalid body, weak or reused password, or wrong old password.',
          content: json(CoderResponse),
        },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        404: { description: 'No permission to change the password.', content: json(CoderResponse) },
        429: { description: 'Rate limited.', content: json(CoderResponse) },
      },
    },
    requireSession,
    rateLimitPasswordChanges,
    async (c) => {
      const param = c.req.param('user') ?? ''
      const user = await resolveUserParam(c, param)
      if (!authorizeRequest(c, 'update_personal', { type: 'user', id: user.id, owner: user.id })) {
        throw resourceNotFound('no update_personal permission on the user')
      }
      if (isProtectedOwner(c, user)) throw forbidden('only owners may set the password of an owner')
      const body = await readBody(c, UPDATE_PASSWORD_BODY)
      const result = await updateUserPassword(c, user, body)
      if (result === 'user_deleted') throw userParamError(param)
      return c.body(null, 204)
    },
  )
}

/** `GET` and `POST /users/first`: creating the deployment's first user, an owner. */
import type { ApiRouter } from '../http/route'
import { createFirstUser } from '../auth/first-user'
import { countUsers } from '../db/users'
import { jsonBody, type BodyOf } from '../http/body'
import { coderResponse, jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute } from '../http/route'
import { CoderResponse, CreateFirstUserRequest, CreateFirstUserResponse } from './schemas'
import { CREATE_FIRST_USER_BODY } from './bodies'

export function mountFirstUserRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/first',
      tags: ['Users'],
      summary: 'Check whether the first user exists',
      responses: {
        200: { description: 'The first user exists.', content: json(CoderResponse) },
        404: { description: 'No user exists yet.', content: json(CoderResponse) },
      },
    },
    async (c) => {
      const total = await countUsers(c.var.db)
      if (total === 0) {
        return jsonResponse(404, coderResponse('The initial user has not been created!'))
      }
      return jsonResponse(200, coderResponse('The initial user has already been created!'))
    },
  )

  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/first',
      tags: ['Users'],
      summary: 'Create the first user',
      description:
        'Creates the first user as an owner and member of the default organization. ' +
        'No session is created: log in next.',
      request: { body: { content: json(CreateFirstUserRequest), required: true } },
      responses: {
        201: { description: 'Created.', content: json(CreateFirstUserResponse) },
        400: { description: 'Invalid body or password.', content: json(CoderResponse) },
        409: { description: 'A user already exists.', content: json(CoderResponse) },
      },
    },
    jsonBody(CREATE_FIRST_USER_BODY),
    async (c) => {
      const body = c.var.body as BodyOf<typeof CREATE_FIRST_USER_BODY>
      const { userId, organizationId } = await createFirstUser(c, body)
      return jsonResponse(201, { user_id: userId, organization_id: organizationId })
    },
  )
}

/** `GET` and `POST /users/first`: creating the deployment's first user, an owner. */
import type { ApiRouter } from '../http/route'
import { now } from '../clock'
import { hashPassword } from '../auth/password-hash'
import { checkPassword } from '../auth/password-policy'
import { countUsers, getDefaultOrganizationId, insertFirstUser } from '../db/users'
import { jsonBody, type BodyOf } from '../http/body'
import { ApiError } from '../http/errors'
import { coderResponse, jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute } from '../http/route'
import { CoderResponse, CreateFirstUserRequest, CreateFirstUserResponse } from './schemas'
import { CREATE_FIRST_USER_BODY } from './bodies'

const ALREADY_CREATED = 'The initial user has already been created.'

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
      const { db, config, logger } = c.var
      if ((await countUsers(db)) > 0) throw new ApiError(409, ALREADY_CREATED)
      const strength = checkPassword(body.password, { blocklist: config.passwordBlocklist })
      if (!strength.valid) {
        throw new ApiError(400, 'Password is invalid', {
          validations: [{ field: 'password', detail: strength.details }],
        })
      }
      const organizationId = await getDefaultOrganizationId(db)
      if (!organizationId) {
        throw new ApiError(
          500,
          'Internal error fetching default organization. If you are encountering this error, you will have to restart the Coder deployment.',
        )
      }
      const userId = crypto.randomUUID()
      const created = await insertFirstUser(db, {
        id: userId,
        email: body.email,
        username: body.username,
        name: body.name,
        hashedPassword: await hashPassword(body.password),
        loginType: 'password',
        status: 'active',
        rbacRoles: ['owner'],
        organizationId,
        now: now(),
      })
      // A concurrent request created the first user between the count and the insert.
      if (!created) throw new ApiError(409, ALREADY_CREATED)
      logger.log('info', 'first_user_created', { user_id: userId })
      return jsonResponse(201, { user_id: userId, organization_id: organizationId })
    },
  )
}

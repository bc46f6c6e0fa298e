/**
 * Creation of the deployment's first user, an owner and member of the default organization.
 * `POST /api/v2/users/first` and the `/setup` page share it.
 */
import type { Context } from 'hono'
import { now } from '../clock'
import { countUsers, getDefaultOrganizationId, insertFirstUser } from '../db/users'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { hashPassword } from './password-hash'
import { checkPassword } from './password-policy'

export const FIRST_USER_ALREADY_CREATED = 'The initial user has already been created.'

/** A first-user request after Coder's tag validation (`codersdk.CreateFirstUserRequest`). */
export interface FirstUserRequest {
  email: string
  username: string
  name: string
  password: string
}

/** The ids `POST /users/first` returns. */
export interface FirstUser {
  userId: string
  organizationId: string
}

/**
 * Creates the first user, in Coder's order of checks: no user yet (409), password strength
 * (400), default organization (500). The insert itself is conditional, so of two concurrent
 * requests only one succeeds and the other gets the same 409. No session is created.
 */
export async function createFirstUser(
  c: Context<AppEnv>,
  request: FirstUserRequest,
): Promise<FirstUser> {
  const { db, config, logger } = c.var
  if ((await countUsers(db)) > 0) throw new ApiError(409, FIRST_USER_ALREADY_CREATED)

  const strength = checkPassword(request.password, { blocklist: config.passwordBlocklist })
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
    email: request.email,
    username: request.username,
    name: request.name,
    hashedPassword: await hashPassword(request.password),
    loginType: 'password',
    status: 'active',
    rbacRoles: ['owner'],
    organizationId,
    now: now(),
  })
  // A concurrent request created the first user between the count and the insert.
  if (!created) throw new ApiError(409, FIRST_USER_ALREADY_CREATED)
  logger.log('info', 'first_user_created', { user_id: userId })
  return { userId, organizationId }
}

/** `POST /users`: creating a user in one or more organizations, as Coder's `postUser` does. */
import type { ApiRouter } from '../http/route'
import type { Context } from 'hono'
import { now } from '../clock'
import { hashPassword } from '../auth/password-hash'
import { checkPassword } from '../auth/password-policy'
import { requireSession } from '../auth/session'
import { authorizeRequest } from '../auth/subject'
import { buildAuditEntry } from '../db/audit-request'
import { findDefaultOrganization, findOrganizationById } from '../db/organizations'
import { USER_STATUSES, type LoginType, type UserStatus } from '../db/schema'
import {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  insertUserWithMemberships,
} from '../db/users'
import { jsonBody, type BodyOf } from '../http/body'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { goQuote } from '../http/go-quote'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import {
  NIL_UUID,
  ROLE_MEMBER,
  ROLE_ORGANIZATION_MEMBER,
  canAssignRole,
  collectSubjectRoles,
} from '../rbac'
import { CoderResponse, User } from './schemas'
import { CREATE_USER_BODY, parseGoUuid } from './user-admin-bodies'
import { CreateUserRequestWithOrgs } from './user-admin-schemas'
import { toUserResponse } from './user-response'

type CreateUserBody = BodyOf<typeof CREATE_USER_BODY>

const NOT_AUTHORIZED = 'You are not authorized to create users.'
const ALREADY_EXISTS = 'User already exists.'

export function mountCreateUserRoute(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'post',
      path: '/users',
      tags: ['Users'],
      summary: 'Create a user',
      description:
        'Creates a user with no site role beyond the implicit `member`, as a member of every ' +
        'listed organization. Owners and user admins may create users. A new user is ' +
        '`dormant` unless `user_status` says otherwise.',
      security: SESSION_SECURITY,
      request: { body: { content: json(CreateUserRequestWithOrgs), required: true } },
      responses: {
        201: { description: 'The new user.', content: json(User) },
        400: { description: 'Invalid body, password or login type.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
        403: {
          description: 'No permission, or password login is disabled.',
          content: json(CoderResponse),
        },
        404: { description: 'Unknown organization.', content: json(CoderResponse) },
        409: { description: 'The email or username is taken.', content: json(CoderResponse) },
      },
    },
    requireSession,
    jsonBody(CREATE_USER_BODY),
    async (c) => {
      const body = c.var.body as CreateUserBody
      const { db, session } = c.var
      const loginType = body.login_type === '' ? 'password' : body.login_type
      if (loginType !== 'password' && body.password !== '') {
        throw new ApiError(
          400,
          `Password cannot be set for non-password (${goQuote(loginType)}) authentication.`,
        )
      }
      if (c.var.config.disablePasswordAuth && loginType === 'password') {
        throw new ApiError(
          403,
          'Password based authentication is disabled! Unable to provision new users with password authentication.',
        )
      }
      const requestedOrganizations = parseOrganizationIds(body)
      // Coder authorizes only when it inserts the user. Checking first keeps callers without
      // permission from learning which emails and usernames exist.
      authorizeUserCreation(c)
      if (
        (await findUserByEmail(db, body.email)) ||
        (await findUserByUsername(db, body.username))
      ) {
        throw new ApiError(409, ALREADY_EXISTS)
      }
      const organizationIds = await resolveOrganizations(c, requestedOrganizations)
      checkLoginType(c, loginType, body.password)
      const status = parseUserStatus(body.user_status)
      const userId = crypto.randomUUID()
      for (const organizationId of organizationIds) {
        authorizeMembershipCreation(c, userId, organizationId)
      }

      const created = await insertUserWithMemberships(
        db,
        {
          id: userId,
          email: body.email,
          username: body.username,
          name: body.name,
          hashedPassword: body.password === '' ? '' : await hashPassword(body.password),
          loginType: loginType as LoginType,
          status,
          rbacRoles: [],
          organizationIds,
          now: now(),
        },
        buildAuditEntry(c, {
          action: 'create',
          resourceType: 'user',
          resourceId: userId,
          userId: session.user.id,
          statusCode: 201,
        }),
      )
      if (created !== 'created') throw new ApiError(409, ALREADY_EXISTS, { reason: created })
      c.var.logger.log('info', 'user_created', { user_id: userId, actor_id: session.user.id })
      const user = await findUserById(db, userId)
      if (!user)
        throw new ApiError(500, 'Internal error creating user.', { reason: 'user vanished' })
      return jsonResponse(201, toUserResponse(user, organizationIds))
    },
  )
}

/**
 * Collects `organization_ids` and the older `organization_id` and parses them as Go's uuid
 * package does. A bad id is a decoding error in Coder, hence its "valid JSON" message.
 * NOTE: Go stops at the first bad id even when an earlier field had a type error. Here the type
 * error is reported, because the body is decoded before the ids are parsed.
 */
function parseOrganizationIds(body: CreateUserBody): string[] {
  const texts = [...body.organization_ids]
  if (body.organization_id !== '') texts.push(body.organization_id)
  const ids: string[] = []
  for (const text of texts) {
    const parsed = parseGoUuid(text)
    if (!parsed.ok) {
      throw new ApiError(400, 'Request body must be valid JSON.', { detail: parsed.error })
    }
    ids.push(parsed.uuid)
  }
  if (ids.length === 0) {
    throw new ApiError(
      400,
      'No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.',
      {
        detail: "required at least 1 value for the array 'organization_ids'",
        validations: [
          { field: 'organization_ids', detail: 'Missing values, this cannot be empty' },
        ],
      },
    )
  }
  return ids
}

/**
 * Checks what Coder's dbauthz checks when it inserts a user: `create` on the user, `assign` on
 * site role assignments, and that the caller may assign the implied `member` role.
 */
function authorizeUserCreation(c: Context<AppEnv>): void {
  const { user, memberships } = c.var.session
  const allowed =
    authorizeRequest(c, 'create', { type: 'user' }) &&
    authorizeRequest(c, 'assign', { type: 'assign_role' }) &&
    canAssignRole(collectSubjectRoles(user.rbacRoles, memberships), ROLE_MEMBER)
  if (!allowed) throw new ApiError(403, NOT_AUTHORIZED, { reason: 'no permission to create users' })
}

/**
 * Checks what Coder's dbauthz checks when it inserts a membership: `assign` on the
 * organization's role assignments, that the caller may assign the implied
 * `organization-member` role there, and `create` on the membership.
 */
function authorizeMembershipCreation(
  c: Context<AppEnv>,
  userId: string,
  organizationId: string,
): void {
  const { user, memberships } = c.var.session
  const allowed =
    authorizeRequest(c, 'assign', { type: 'assign_org_role', orgOwner: organizationId }) &&
    canAssignRole(collectSubjectRoles(user.rbacRoles, memberships), {
      name: ROLE_ORGANIZATION_MEMBER,
      organizationId,
    }) &&
    authorizeRequest(c, 'create', {
      type: 'organization_member',
      id: userId,
      orgOwner: organizationId,
    })
  if (!allowed) {
    throw new ApiError(403, NOT_AUTHORIZED, {
      reason: `no permission to add members to ${organizationId}`,
    })
  }
}

/**
 * Maps the nil UUID to the default organization and checks that every organization exists and
 * is readable by the caller, as Coder's lookups do. Repeated ids are kept once, where Coder
 * would fail on the second membership insert.
 */
async function resolveOrganizations(c: Context<AppEnv>, ids: string[]): Promise<string[]> {
  const resolved: string[] = []
  for (const id of ids) {
    const organization =
      id === NIL_UUID
        ? await findDefaultOrganization(c.var.db)
        : await findOrganizationById(c.var.db, id)
    const readable =
      organization !== undefined &&
      authorizeRequest(c, 'read', {
        type: 'organization',
        id: organization.id,
        orgOwner: organization.id,
      })
    if (!organization || !readable) {
      throw new ApiError(404, `Organization does not exist with the provided id ${goQuote(id)}.`)
    }
    if (!resolved.includes(organization.id)) resolved.push(organization.id)
  }
  return resolved
}

function checkLoginType(c: Context<AppEnv>, loginType: string, password: string): void {
  switch (loginType) {
    case 'none':
    case 'github':
      return
    case 'password': {
      const strength = checkPassword(password, { blocklist: c.var.config.passwordBlocklist })
      if (!strength.valid) {
        throw new ApiError(400, 'Password is invalid', {
          validations: [{ field: 'password', detail: strength.details }],
        })
      }
      return
    }
    case 'oidc':
      if (c.var.config.oidc === null) {
        throw new ApiError(400, 'You must configure OIDC before creating OIDC users.')
      }
      return
    default:
      throw new ApiError(
        400,
        `Unsupported login type ${goQuote(loginType)} for manually creating new users.`,
      )
  }
}

/**
 * Returns the new user's status: `dormant` when empty, as Coder's InsertUser does. Coder fails on
 * an unknown status with a database error (500), and this service rejects it with a 400.
 */
function parseUserStatus(status: string): UserStatus {
  if (status === '') return 'dormant'
  if ((USER_STATUSES as readonly string[]).includes(status)) return status as UserStatus
  throw new ApiError(400, 'Validation failed.', {
    validations: [
      {
        field: 'user_status',
        detail: `Unknown user status ${goQuote(status)}. Use "active", "dormant" or "suspended".`,
      },
    ],
  })
}

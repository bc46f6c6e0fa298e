/** `PUT /users/{user}/password`: changing one's own password or, as an admin, anyone's. */
import type { ApiRouter } from '../http/route'
import type { Context, MiddlewareHandler } from 'hono'
import { object, string } from 'zod'
import { now } from '../clock'
import { hashPassword, verifyPassword } from '../auth/password-hash'
import { checkPassword } from '../auth/password-policy'
import { requireSession } from '../auth/session'
import { authorizeRequest, isProtectedOwner } from '../auth/subject'
import { buildAuditEntry } from '../db/audit-request'
import { replacePasswordHash } from '../db/user-changes'
import { findUserById, type UserRow } from '../db/users'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { LOGIN_RATE_LIMIT_PER_MINUTE, RATE_LIMIT_RETRY_AFTER_SECONDS } from '../http/rate-limit'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { CoderResponse } from './schemas'
import { readBody, UPDATE_PASSWORD_BODY } from './user-admin-bodies'
import { forbidden, resourceNotFound, userParamError } from './user-admin-messages'
import { UpdateUserPasswordRequest } from './user-admin-schemas'
import { resolveUserParam } from './user-param'

const OLD_PASSWORD_INCORRECT = 'Old password is incorrect.'

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
    rateLimitPerUser,
    async (c) => {
      const param = c.req.param('user') ?? ''
      const user = await resolveUserParam(c, param)
      if (!authorizeRequest(c, 'update_personal', { type: 'user', id: user.id, owner: user.id })) {
        throw resourceNotFound('no update_personal permission on the user')
      }
      if (isProtectedOwner(c, user)) throw forbidden('only owners may set the password of an owner')
      const body = await readBody(c, UPDATE_PASSWORD_BODY)
      if (user.loginType !== 'password') {
        throw new ApiError(400, 'Users without password login type cannot change their password.')
      }
      const own = user.id === c.var.session.user.id
      if (own && body.old_password === '') throw new ApiError(400, 'Old password is required.')
      const strength = checkPassword(body.password, { blocklist: c.var.config.passwordBlocklist })
      if (!strength.valid) {
        throw new ApiError(400, 'Invalid password.', {
          validations: [{ field: 'password', detail: strength.details }],
        })
      }
      if (body.old_password !== '') await checkOldPassword(c, user, body.old_password)
      const reuse = await verifyPassword(body.password, user.hashedPassword || null)
      if (reuse.match) throw new ApiError(400, 'New password cannot match old password.')

      const changed = await replacePasswordHash(c.var.db, {
        userId: user.id,
        // An old password was checked against this hash, so a change in between invalidates it.
        expectedHash: body.old_password === '' ? null : user.hashedPassword,
        newHash: await hashPassword(body.password),
        keepKeyId: own ? c.var.session.key.id : '',
        now: now(),
        audit: buildAuditEntry(c, {
          action: 'write',
          resourceType: 'user',
          resourceId: user.id,
          userId: c.var.session.user.id,
          statusCode: 204,
          additionalFields: { field: 'password' },
        }),
      })
      if (!changed) {
        if (!(await findUserById(c.var.db, user.id))) throw userParamError(param)
        throw oldPasswordIncorrect('the password changed while the request ran')
      }
      c.var.logger.log('info', 'password_changed', {
        user_id: user.id,
        actor_id: c.var.session.user.id,
      })
      return c.body(null, 204)
    },
  )
}

async function checkOldPassword(c: Context<AppEnv>, user: UserRow, oldPassword: string) {
  const check = await verifyPassword(oldPassword, user.hashedPassword || null)
  if (check.match) return
  if (check.reason === 'invalid_hash') {
    c.var.logger.log('error', 'stored_password_hash_invalid', { user_id: user.id })
    throw new ApiError(500, 'Internal error with passwords.', { reason: 'invalid stored hash' })
  }
  throw oldPasswordIncorrect(check.reason)
}

function oldPasswordIncorrect(reason: string): ApiError {
  return new ApiError(400, OLD_PASSWORD_INCORRECT, {
    validations: [{ field: 'old_password', detail: OLD_PASSWORD_INCORRECT }],
    reason,
  })
}

/**
 * Coder's 60 requests per minute for this route, keyed by the caller's user id and the path
 * (httprate's KeyByEndpoint) because the caller is known here. It shares the login limiter's
 * binding, whose budget is also 60 per minute. Its IP-based keys never collide with these.
 * NOTE: Coder lets owners skip the limit with `X-Coder-Bypass-Ratelimit: true`, and this does not.
 */
const rateLimitPerUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = `user:${c.var.session.user.id} ${c.req.path}`
  const { success } = await c.env.LOGIN_RATE_LIMITER.limit({ key })
  if (!success) {
    c.var.logger.log('warn', 'rate_limited', {
      limiter: 'password_change',
      user_id: c.var.session.user.id,
    })
    throw new ApiError(
      429,
      `You've been rate limited for sending more than ${LOGIN_RATE_LIMIT_PER_MINUTE} requests in 1m0s.`,
      {
        headers: {
          'Retry-After': String(RATE_LIMIT_RETRY_AFTER_SECONDS),
          'X-RateLimit-Limit': String(LOGIN_RATE_LIMIT_PER_MINUTE),
        },
      },
    )
  }
  await next()
}

/** Password reset by one-time passcode: request a passcode, then set a new password with it. */
import type { ApiRouter } from '../http/route'
import type { MiddlewareHandler } from 'hono'
import {
  changePasswordWithOneTimePasscode,
  schedulePasscodeIssue,
  schedulePasswordChangedNotice,
} from '../auth/one-time-passcode'
import { PASSWORD_AUTH_DISABLED } from '../auth/password-login'
import { jsonBody, type BodyOf } from '../http/body'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { loginRateLimit } from '../http/rate-limit'
import { jsonContent as json, mountRoute } from '../http/route'
import {
  CHANGE_PASSWORD_WITH_ONE_TIME_PASSCODE_BODY,
  ChangePasswordWithOneTimePasscodeRequest,
  REQUEST_ONE_TIME_PASSCODE_BODY,
  RequestOneTimePasscodeRequest,
} from './password-reset-schemas'
import { CoderResponse } from './schemas'

/**
 * Rejects every request with 403 while password authentication is disabled. As in Coder, this
 * check comes before the body is read.
 */
const rejectWhenPasswordAuthDisabled: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.var.config.disablePasswordAuth) throw new ApiError(403, PASSWORD_AUTH_DISABLED)
  await next()
}

export function mountPasswordResetRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/otp/request',
      tags: ['Authorization'],
      summary: 'Request a one-time passcode to reset a password',
      description:
        'Always answers 204 for a valid body, whether or not a user has the email, and in ' +
        'the same time: the look-up, the passcode and the message to the user happen after ' +
        'the response. The message carries a link to `{ACCESS_URL}/reset-password/change` ' +
        'with the passcode, which stays valid for 20 minutes unless ' +
        'ONE_TIME_PASSCODE_DURATION sets another lifetime. Limited to 60 requests per minute ' +
        'per client IP.',
      request: { body: { content: json(RequestOneTimePasscodeRequest), required: true } },
      responses: {
        204: { description: 'Accepted; a message goes out if the email belongs to a user.' },
        400: { description: 'Invalid body.', content: json(CoderResponse) },
        403: { description: 'Password authentication is disabled.', content: json(CoderResponse) },
        429: { description: 'Rate limited.', content: json(CoderResponse) },
      },
    },
    loginRateLimit,
    rejectWhenPasswordAuthDisabled,
    jsonBody(REQUEST_ONE_TIME_PASSCODE_BODY),
    (c) => {
      const body = c.var.body as BodyOf<typeof REQUEST_ONE_TIME_PASSCODE_BODY>
      schedulePasscodeIssue(c, body.email)
      return c.body(null, 204)
    },
  )

  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/otp/change-password',
      tags: ['Authorization'],
      summary: 'Change a password with a one-time passcode',
      description:
        'Sets a new password when the passcode is the latest one issued for the email and ' +
        'has not expired. The passcode works once; on success every session and API token ' +
        'of the user is deleted and the user is told by message. Ten wrong passcodes for a ' +
        'user invalidate the pending one. Limited to 60 requests per minute per client IP.',
      request: {
        body: { content: json(ChangePasswordWithOneTimePasscodeRequest), required: true },
      },
      responses: {
        204: { description: 'Password changed.' },
        400: {
          description: 'Invalid body, weak password, wrong or expired passcode, or same password.',
          content: json(CoderResponse),
        },
        403: { description: 'Password authentication is disabled.', content: json(CoderResponse) },
        429: { description: 'Rate limited.', content: json(CoderResponse) },
      },
    },
    loginRateLimit,
    rejectWhenPasswordAuthDisabled,
    jsonBody(CHANGE_PASSWORD_WITH_ONE_TIME_PASSCODE_BODY),
    async (c) => {
      const body = c.var.body as BodyOf<typeof CHANGE_PASSWORD_WITH_ONE_TIME_PASSCODE_BODY>
      const user = await changePasswordWithOneTimePasscode(c, body)
      schedulePasswordChangedNotice(c, user)
      return c.body(null, 204)
    },
  )
}

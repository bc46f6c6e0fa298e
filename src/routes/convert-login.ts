/** `POST /users/{user}/convert-login`: the start of a switch from password to GitHub or OIDC. */
import type { ApiRouter } from '../http/route'
import { object, string } from 'zod'
import { now } from '../clock'
import { conversionCookie, createConversionState } from '../auth/convert-login'
import { isSecureRequest } from '../auth/oauth-flow'
import { authenticatePassword } from '../auth/password-login'
import { requireSession } from '../auth/session'
import { auditInBackground } from '../db/audit-request'
import { jsonBody, type BodyOf } from '../http/body'
import { ApiError } from '../http/errors'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { formatRfc3339 } from '../time'
import { CONVERT_LOGIN_BODY, ConvertLoginRequest, OAuthConversionResponse } from './oauth-schemas'
import { CoderResponse } from './schemas'
import { resolveUserParam } from './user-param'

/** Login types Coder rejects as conversion targets (`codersdk.LoginType` values). */
const NOT_CONVERTIBLE = new Set(['none', 'password', 'token'])

export function mountConvertLoginRoute(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/{user}/convert-login',
      tags: ['Authorization'],
      summary: 'Convert a password account to GitHub or OIDC login',
      description:
        "Checks the target user's password and returns a state that is valid for 5 minutes, " +
        'with the `coder_oauth_convert_jwt` cookie bound to it. The conversion completes when ' +
        'the browser signs in through the provider callback with `oidc_merge_state` set to ' +
        'that state, as the same user.',
      security: SESSION_SECURITY,
      request: {
        params: object({ user: string().meta({ description: 'A user id, username or `me`.' }) }),
        body: { content: json(ConvertLoginRequest), required: true },
      },
      responses: {
        201: { description: 'Conversion started.', content: json(OAuthConversionResponse) },
        400: { description: 'Invalid request or login type.', content: json(CoderResponse) },
        401: { description: 'Wrong password, or not signed in.', content: json(CoderResponse) },
        403: { description: 'Password login not allowed.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      // Coder resolves `{user}` in a middleware, before the body is read.
      const target = await resolveUserParam(c, c.req.param('user') ?? '')
      await jsonBody(CONVERT_LOGIN_BODY)(c, async () => {})
      const body = c.var.body as BodyOf<typeof CONVERT_LOGIN_BODY>
      const toType = body.to_type
      if (NOT_CONVERTIBLE.has(toType)) {
        throw new ApiError(400, `Cannot convert to login type ${JSON.stringify(toType)}.`)
      }
      if (toType !== 'github' && toType !== 'oidc') {
        throw new ApiError(400, `Unknown login type ${JSON.stringify(toType)}.`)
      }

      const user = await authenticatePassword(c, target.email, body.password, 'create')
      if (user.loginType !== 'password') {
        // authenticatePassword already requires it; kept as Coder keeps it, in case that changes.
        throw new ApiError(400, 'User account must have password based authentication.')
      }
      const state = await createConversionState(c.env.KV, user.id, toType, now())
      auditInBackground(c, {
        action: 'create',
        resourceType: 'convert_login',
        resourceId: user.id,
        userId: user.id,
        statusCode: 201,
        additionalFields: { from_login_type: 'password', to_login_type: toType },
      })
      c.var.logger.log('info', 'login_conversion_started', {
        user_id: user.id,
        to_login_type: toType,
      })
      return jsonResponse(
        201,
        {
          state_string: state.stateString,
          expires_at: formatRfc3339(state.expiresAt),
          to_type: toType,
          user_id: user.id,
        },
        { 'Set-Cookie': conversionCookie(state.cookieValue, state.expiresAt, isSecureRequest(c)) },
      )
    },
  )
}

/** `POST /users/{user}/convert-login`: the start of a switch from password to GitHub or OIDC. */
import type { ApiRouter } from '../http/route'
import { object, string } from 'zod'
import { startLoginConversion } from '../auth/convert-login-start'
import { requireSession } from '../auth/session'
import { jsonBody, type BodyOf } from '../http/body'
import { jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { formatRfc3339 } from '../time'
import { CONVERT_LOGIN_BODY, ConvertLoginRequest, OAuthConversionResponse } from './oauth-schemas'
import { CoderResponse } from './schemas'
import { resolveUserParam } from './user-param'

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
      const started = await startLoginConversion(c, target, body.to_type, body.password)
      return jsonResponse(
        201,
        {
          state_string: started.stateString,
          expires_at: formatRfc3339(started.expiresAt),
          to_type: started.toType,
          user_id: started.userId,
        },
        { 'Set-Cookie': started.cookie },
      )
    },
  )
}

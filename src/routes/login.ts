/** Password login, logout, the list of login methods, and the password strength check. */
import type { ApiRouter } from '../http/route'
import { authenticatePassword } from '../auth/password-login'
import { checkPassword } from '../auth/password-policy'
import { requireSession } from '../auth/session'
import { issueSession } from '../auth/issue-key'
import { endSession } from '../auth/logout'
import { jsonBody, type BodyOf } from '../http/body'
import { loginRateLimit } from '../http/rate-limit'
import { coderResponse, jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { LOGIN_BODY, VALIDATE_PASSWORD_BODY } from './bodies'
import {
  AuthMethods,
  CoderResponse,
  LoginWithPasswordRequest,
  LoginWithPasswordResponse,
  ValidateUserPasswordRequest,
  ValidateUserPasswordResponse,
} from './schemas'

export function mountLoginRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/login',
      tags: ['Authorization'],
      summary: 'Log in with email and password',
      description:
        'Returns a session token and sets it as the `coder_session_token` cookie. ' +
        'Limited to 60 requests per minute per client IP.',
      request: { body: { content: json(LoginWithPasswordRequest), required: true } },
      responses: {
        201: { description: 'Logged in.', content: json(LoginWithPasswordResponse) },
        400: { description: 'Invalid body.', content: json(CoderResponse) },
        401: { description: 'Wrong credentials or suspended.', content: json(CoderResponse) },
        403: { description: 'Password login not allowed.', content: json(CoderResponse) },
        429: { description: 'Rate limited.', content: json(CoderResponse) },
      },
    },
    loginRateLimit,
    jsonBody(LOGIN_BODY),
    async (c) => {
      const body = c.var.body as BodyOf<typeof LOGIN_BODY>
      const user = await authenticatePassword(c, body.email, body.password, 'login')
      const session = await issueSession(c, user.id, 'password', {
        action: 'login',
        statusCode: 201,
      })
      return jsonResponse(201, { session_token: session.token }, { 'Set-Cookie': session.cookie })
    },
  )

  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/logout',
      tags: ['Users'],
      summary: 'Log out',
      description:
        'Deletes the session the request came with and every workspace-application token of ' +
        'the user; other sessions and tokens stay valid.',
      security: SESSION_SECURITY,
      responses: {
        200: { description: 'Logged out.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const cookie = await endSession(c)
      return jsonResponse(200, coderResponse('Logged out!'), { 'Set-Cookie': cookie })
    },
  )

  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/authmethods',
      tags: ['Users'],
      summary: 'List the enabled login methods',
      responses: { 200: { description: 'Login methods.', content: json(AuthMethods) } },
    },
    (c) => {
      const { disablePasswordAuth, github, oidc } = c.var.config
      return jsonResponse(200, {
        password: { enabled: !disablePasswordAuth },
        // No built-in default GitHub app exists here, unlike Coder's hosted one.
        github: { enabled: github !== null, default_provider_configured: false },
        oidc: {
          enabled: oidc !== null,
          signInText: oidc?.signInText ?? '',
          iconUrl: oidc?.iconUrl ?? '',
        },
      })
    },
  )

  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/validate-password',
      tags: ['Authorization'],
      summary: 'Check a password against the strength rules',
      description:
        "Applies the rule every password-setting endpoint uses: Coder's entropy rule " +
        '(at least 52 bits, at most 64 bytes) and, unless PASSWORD_BLOCKLIST=off, a ' +
        'common-password list. No session needed; limited to 60 requests per minute per IP.',
      request: { body: { content: json(ValidateUserPasswordRequest), required: true } },
      responses: {
        200: { description: 'The verdict.', content: json(ValidateUserPasswordResponse) },
        400: { description: 'Invalid body.', content: json(CoderResponse) },
        429: { description: 'Rate limited.', content: json(CoderResponse) },
      },
    },
    loginRateLimit,
    jsonBody(VALIDATE_PASSWORD_BODY),
    (c) => {
      const body = c.var.body as BodyOf<typeof VALIDATE_PASSWORD_BODY>
      const result = checkPassword(body.password, { blocklist: c.var.config.passwordBlocklist })
      return jsonResponse(200, result.valid ? { valid: true, details: '' } : result)
    },
  )
}

/**
 * `GET /users/oidc/callback` and `GET /users/oauth2/github/callback`: both legs of GitHub and
 * OpenID Connect sign-in, which also complete a login-type conversion.
 */
import type { ApiRouter, RouteConfig } from '../http/route'
import type { Context } from 'hono'
import {
  exchangeGithubCode,
  GITHUB_CALLBACK_PATH,
  githubAuthorizationUrl,
} from '../auth/oauth-github'
import {
  isSecondLeg,
  NOT_CONFIGURED,
  readCallback,
  redirectWithCookies,
  startAuthorization,
} from '../auth/oauth-flow'
import { completeOAuthLogin } from '../auth/oauth-login'
import { exchangeOidcCode, OIDC_CALLBACK_PATH, oidcAuthorizationUrl } from '../auth/oauth-oidc'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { loginRateLimit } from '../http/rate-limit'
import { jsonContent as json, mountRoute } from '../http/route'
import { OAuthCallbackQuery } from './oauth-schemas'
import { CoderResponse } from './schemas'

export function mountOAuthCallbackRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    callbackRoute(OIDC_CALLBACK_PATH, 'OpenID Connect callback'),
    loginRateLimit,
    async (c) => {
      const config = c.var.config.oidc
      if (!config) throw new ApiError(400, NOT_CONFIGURED)
      if (!isSecondLeg(c)) {
        const { pending, cookies } = startAuthorization(c, true)
        const location = await oidcAuthorizationUrl(c, config, pending)
        return redirectWithCookies(location.toString(), cookies)
      }
      const callback = readCallback(c)
      const identity = await exchangeOidcCode(c, config, callback)
      return completeOAuthLogin(c, identity, callback)
    },
  )

  mountRoute(
    api,
    callbackRoute(GITHUB_CALLBACK_PATH, 'GitHub OAuth 2.0 callback'),
    loginRateLimit,
    async (c: Context<AppEnv>) => {
      const config = c.var.config.github
      if (!config) throw new ApiError(400, NOT_CONFIGURED)
      if (!isSecondLeg(c)) {
        const { pending, cookies } = startAuthorization(c, false)
        const location = await githubAuthorizationUrl(c, config, pending)
        return redirectWithCookies(location.toString(), cookies)
      }
      const callback = readCallback(c)
      const identity = await exchangeGithubCode(c, config, callback)
      return completeOAuthLogin(c, identity, callback)
    },
  )
}

function callbackRoute(path: string, summary: string): RouteConfig {
  return {
    method: 'get',
    path,
    tags: ['Users'],
    summary,
    description:
      'Without `code`: redirects to the provider, with the state, PKCE and (OIDC) nonce in ' +
      'cookies. With `code`: signs the user in (a `coder_session_token` cookie) and redirects ' +
      'to the `redirect` path given in the first leg. With `oidc_merge_state` from ' +
      'POST /users/{user}/convert-login, completes that conversion instead. Limited to 60 ' +
      'requests per minute per client IP.',
    request: { query: OAuthCallbackQuery },
    responses: {
      307: { description: 'Redirect to the provider, or back to the site.' },
      400: { description: 'Not configured, or invalid callback.', content: json(CoderResponse) },
      401: { description: 'Missing or mismatched state cookie.', content: json(CoderResponse) },
      403: { description: 'Sign-in or conversion not allowed.', content: json(CoderResponse) },
      500: { description: 'The provider failed.', content: json(CoderResponse) },
    },
  }
}

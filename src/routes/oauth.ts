/** Routes of GitHub and OpenID Connect sign-in and of the conversion of password accounts. */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../http/context'
import { mountConvertLoginRoute } from './convert-login'
import { mountOAuthCallbackRoutes } from './oauth-callbacks'

export function mountOAuthRoutes(api: OpenAPIHono<AppEnv>): void {
  mountOAuthCallbackRoutes(api)
  mountConvertLoginRoute(api)
}

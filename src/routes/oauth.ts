/** Routes of GitHub and OpenID Connect sign-in and of the conversion of password accounts. */
import type { ApiRouter } from '../http/route'
import { mountConvertLoginRoute } from './convert-login'
import { mountOAuthCallbackRoutes } from './oauth-callbacks'

export function mountOAuthRoutes(api: ApiRouter): void {
  mountOAuthCallbackRoutes(api)
  mountConvertLoginRoute(api)
}

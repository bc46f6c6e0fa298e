/**
 * Mounts a route on the API router and records it in the OpenAPI document from the same
 * schemas. Bodies are not validated by @hono/zod-openapi's JSON validator, because Coder's
 * decoder ignores Content-Type and has its own error texts; `jsonBody` does that instead.
 */
import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import type { H } from 'hono/types'
import type { AppEnv } from './context'

/** Registers `route` in the OpenAPI document and mounts the handlers on its path. */
export function mountRoute(
  app: OpenAPIHono<AppEnv>,
  route: RouteConfig,
  ...handlers: H<AppEnv>[]
): void {
  app.openAPIRegistry.registerPath(route)
  const honoPath = route.path.replace(/\{([^}]+)\}/g, ':$1')
  app.on(route.method.toUpperCase(), honoPath, ...(handlers as [H<AppEnv>]))
}

/** Marks a route as authenticated in the OpenAPI document. */
export const SESSION_SECURITY = [{ CoderSessionToken: [] }]

/** The `content` of a JSON request body or response in a route definition. */
export function jsonContent<T>(schema: T) {
  return { 'application/json': { schema } }
}

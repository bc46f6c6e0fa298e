/**
 * Mounts routes on the API router and keeps each route's definition (method, path, zod
 * schemas) for the OpenAPI document. The document is generated from these definitions by
 * `npm run openapi` and served as a file, so the Worker carries no OpenAPI generator. Bodies are
 * validated by `jsonBody`, not by @hono/zod-openapi, because Coder's decoder ignores
 * Content-Type and has its own error texts.
 */
import type { RouteConfig } from '@hono/zod-openapi'
import type { Hono } from 'hono'
import type { H } from 'hono/types'
import type { AppEnv } from './context'

export type { RouteConfig }

/** The `/api/v2` router that route modules mount on. */
export type ApiRouter = Hono<AppEnv>

const definitions = new WeakMap<ApiRouter, RouteConfig[]>()

/** Mounts the handlers on the route's path and records the route for the OpenAPI document. */
export function mountRoute(app: ApiRouter, route: RouteConfig, ...handlers: H<AppEnv>[]): void {
  const recorded = definitions.get(app) ?? []
  recorded.push(route)
  definitions.set(app, recorded)
  const honoPath = route.path.replace(/\{([^}]+)\}/g, ':$1')
  app.on(route.method.toUpperCase(), honoPath, ...(handlers as [H<AppEnv>]))
}

/** Returns the routes mounted on `app` through `mountRoute`, in mounting order. */
export function routeDefinitions(app: ApiRouter): readonly RouteConfig[] {
  return definitions.get(app) ?? []
}

/** Marks a route as authenticated in the OpenAPI document. */
export const SESSION_SECURITY = [{ CoderSessionToken: [] }]

/** Returns the `content` of a JSON request body or response in a route definition. */
export function jsonContent<T>(schema: T) {
  return { 'application/json': { schema } }
}

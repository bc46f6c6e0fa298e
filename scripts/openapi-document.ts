/**
 * Builds the OpenAPI 3.1 document from the route definitions with @hono/zod-openapi. It runs in
 * the test suite, not in the Worker: `npm run openapi` writes src/openapi.json, and a test fails
 * while the committed file differs from what the routes describe.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import type { RouteConfig } from '../src/http/route'
import { BUILD_VERSION } from '../src/version'

/** Returns the document for the given routes, served under `/api/v2`. */
export function buildOpenApiDocument(routes: readonly RouteConfig[]) {
  const registry = new OpenAPIHono()
  for (const route of routes) {
    registry.openAPIRegistry.registerPath({
      ...route,
      operationId: route.operationId ?? operationIdOf(route.method, route.path),
    })
  }
  registry.openAPIRegistry.registerComponent('securitySchemes', 'CoderSessionToken', {
    type: 'apiKey',
    in: 'header',
    name: 'Coder-Session-Token',
  })
  return registry.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'edgeauth',
      version: BUILD_VERSION,
      description: "Coder's authentication and authorization API, served by a Cloudflare Worker.",
    },
    servers: [{ url: '/api/v2' }],
  })
}

/**
 * Derives a stable operation id from the method and path, e.g. `GET /users/{user}/keys/tokens`
 * becomes `getUsersUserKeysTokens`, so generated clients get readable method names.
 */
function operationIdOf(method: string, path: string): string {
  const words = path
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
  return method.toLowerCase() + (words.join('') || 'Root')
}

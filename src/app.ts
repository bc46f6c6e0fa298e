/**
 * Builds the Hono application: middleware order, the `/api/v2` router, the OpenAPI document
 * and the error envelope.
 */
import { swaggerUI } from '@hono/swagger-ui'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ConfigError } from './config'
import { createLogger, describeError } from './log'
import type { AppEnv } from './http/context'
import type { ApiRouter } from './http/route'
import openApiDocument from './openapi.json'
import { csrfProtection } from './http/csrf'
import { ApiError } from './http/errors'
import { apiRateLimit } from './http/rate-limit'
import { requestContext } from './http/request-context'
import { coderResponse, jsonResponse } from './http/response'
import { mountPages } from './pages'
import { mountApiTokenRoutes } from './routes/api-tokens'
import { mountAuthorizationRoutes } from './routes/authorization'
import { answerApiRoot, mountBuildInfoRoutes } from './routes/build-info'
import { mountFirstUserRoutes } from './routes/first-user'
import { mountLoginRoutes } from './routes/login'
import { mountOAuthRoutes } from './routes/oauth'
import { mountOrganizationMemberRoutes } from './routes/organization-members'
import { mountPasswordResetRoutes } from './routes/password-reset'
import { mountScopeRoutes } from './routes/scopes'
import { mountUserAdminRoutes } from './routes/user-admin'
import { mountUserRoutes } from './routes/users'

/**
 * Largest request body accepted, in bytes. Every request type of this API fits in a few
 * kilobytes; the cap keeps hostile bodies from costing CPU and memory.
 */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024

/**
 * swagger-ui-dist release that /swagger loads from jsDelivr, pinned so that a new upload cannot
 * change what runs on this origin.
 */
export const SWAGGER_UI_VERSION = '5.35.0'
/**
 * The reference page runs the pinned CDN script and one inline starter script, may call only
 * this origin, and cannot be framed.
 */
const SWAGGER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src https://cdn.jsdelivr.net 'unsafe-inline'",
  "style-src https://cdn.jsdelivr.net 'unsafe-inline'",
  "img-src 'self' data: https://cdn.jsdelivr.net",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')

/**
 * Builds the `/api/v2` router with every API route. The OpenAPI generator (`npm run openapi`)
 * reads the route definitions from it.
 */
export function createApiRouter(): ApiRouter {
  const api: ApiRouter = new Hono<AppEnv>()
  mountBuildInfoRoutes(api)
  mountFirstUserRoutes(api)
  mountLoginRoutes(api)
  mountPasswordResetRoutes(api)
  mountOAuthRoutes(api)
  mountScopeRoutes(api)
  mountAuthorizationRoutes(api)
  // Fixed paths such as /users/roles go before the /users/{user} pattern.
  mountUserAdminRoutes(api)
  mountApiTokenRoutes(api)
  mountUserRoutes(api)
  mountOrganizationMemberRoutes(api)
  return api
}

export function createApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.use('*', requestContext)
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_REQUEST_BODY_BYTES,
      onError: () =>
        jsonResponse(
          413,
          coderResponse(
            'Request body is too large.',
            `The limit is ${MAX_REQUEST_BODY_BYTES} bytes.`,
          ),
        ),
    }),
  )
  app.use('/api/v2/*', apiRateLimit)
  app.use('/api/*', csrfProtection)

  const api = createApiRouter()
  api.get('/openapi.json', () => jsonResponse(200, openApiDocument))
  app.route('/api/v2', api)
  app.get('/api/v2/', answerApiRoot)
  mountPages(app)
  app.get(
    '/swagger',
    async (c, next) => {
      await next()
      c.res.headers.set('Content-Security-Policy', SWAGGER_CONTENT_SECURITY_POLICY)
      c.res.headers.set('Referrer-Policy', 'no-referrer')
    },
    swaggerUI({
      url: '/api/v2/openapi.json',
      title: 'edgeauth API',
      version: SWAGGER_UI_VERSION,
    }),
  )

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return jsonResponse(404, coderResponse('Route not found.'))
    }
    return c.text('Not found.\n', 404)
  })
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.status >= 500) {
        c.var.logger?.log('error', 'request_failed', { reason: error.reason ?? error.message })
      }
      return error.toResponse()
    }
    const requestId = c.var.requestId ?? 'unknown'
    const logger = c.var.logger ?? createLogger(requestId)
    if (error instanceof ConfigError) {
      logger.log('error', 'invalid_configuration', { reason: error.logMessage })
      return jsonResponse(500, coderResponse('Invalid server configuration.', error.message))
    }
    logger.log('error', 'unhandled_error', {
      error: describeError(error),
      path: c.req.path,
    })
    return jsonResponse(
      500,
      coderResponse('Internal error.', `Request id ${requestId}; the server log has the cause.`),
    )
  })
  return app
}

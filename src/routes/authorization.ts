/** `POST /authcheck`. */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../http/context'

export function mountAuthorizationRoutes(_api: OpenAPIHono<AppEnv>): void {}

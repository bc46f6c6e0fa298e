import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../http/context'

export function mountUserAdminRoutes(_api: OpenAPIHono<AppEnv>): void {}

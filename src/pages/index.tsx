/** Server-rendered pages for people: setup, sign-in, password reset and account security. */
import type { Hono } from 'hono'
import type { AppEnv } from '../http/context'

export function mountPages(_app: Hono<AppEnv>): void {}

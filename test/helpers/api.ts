/** Helpers for HTTP tests against the Worker running in workerd. */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test'
import { createApp } from '../../src/app'

export const BASE_URL = 'http://edgeauth.test'
export const OWNER = {
  email: 'owner@example.com',
  username: 'owner',
  password: 'SomeSecurePassword!',
}

const FILE_PREFIX = crypto.randomUUID().slice(0, 4)
let ipCounter = 0

/**
 * Returns a client address unused by earlier calls. Rate-limit state is shared by every test
 * file in the run, so each request gets its own bucket unless a test passes `ip` (addresses from
 * the IPv6 documentation prefix 2001:db8::/32, RFC 3849).
 */
export function freshIp(): string {
  ipCounter += 1
  return `2001:db8::${FILE_PREFIX}:${ipCounter.toString(16)}`
}

export interface ApiRequest extends RequestInit {
  json?: unknown
  token?: string
  ip?: string
}

/** Sends a request to `/api/v2{path}`; `json` is serialised, `token` goes in Coder-Session-Token. */
export async function api(path: string, request: ApiRequest = {}): Promise<Response> {
  const { json, token, ip, headers, ...init } = request
  const sent = new Headers(headers)
  if (!sent.has('CF-Connecting-IP')) sent.set('CF-Connecting-IP', ip ?? freshIp())
  if (token) sent.set('Coder-Session-Token', token)
  if (json !== undefined) {
    init.body = JSON.stringify(json)
    if (!sent.has('Content-Type')) sent.set('Content-Type', 'application/json')
  }
  return SELF.fetch(`${BASE_URL}/api/v2${path}`, { ...init, headers: sent, redirect: 'manual' })
}

/** Creates the first user (an owner) and returns its id. */
export async function createOwner(owner = OWNER): Promise<string> {
  const response = await api('/users/first', { method: 'POST', json: owner })
  if (response.status !== 201) {
    throw new Error(`creating the first user failed: ${response.status} ${await response.text()}`)
  }
  const body = (await response.json()) as { user_id: string }
  return body.user_id
}

/** Logs in and returns the session token. */
export async function login(email = OWNER.email, password = OWNER.password): Promise<string> {
  const response = await api('/users/login', { method: 'POST', json: { email, password } })
  if (response.status !== 201) {
    throw new Error(`login failed: ${response.status} ${await response.text()}`)
  }
  return ((await response.json()) as { session_token: string }).session_token
}

/** Runs one SQL statement against the test D1 database and returns its rows. */
export async function query<T = Record<string, unknown>>(
  sql: string,
  ...params: unknown[]
): Promise<T[]> {
  const result = await env.DB.prepare(sql)
    .bind(...params)
    .all<T>()
  return result.results
}

/** Inserts a user directly, with a PHC or PBKDF2 hash, for cases the API cannot create. */
export async function insertUser(user: {
  id?: string
  email: string
  username: string
  hashedPassword?: string
  loginType?: string
  status?: string
  roles?: string[]
  deleted?: boolean
}): Promise<string> {
  const id = user.id ?? crypto.randomUUID()
  const now = Date.now()
  await env.DB.prepare(
    `INSERT INTO users (id, email, email_normalized, username, hashed_password, login_type,
      status, rbac_roles, created_at, updated_at, deleted)
     VALUES (?1, ?2, lower(?2), ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)`,
  )
    .bind(
      id,
      user.email,
      user.username,
      user.hashedPassword ?? '',
      user.loginType ?? 'password',
      user.status ?? 'active',
      JSON.stringify(user.roles ?? []),
      now,
      user.deleted ? 1 : 0,
    )
    .run()
  return id
}

/**
 * Sends a request straight to the app with some settings replaced, for behaviour that depends
 * on configuration. The bindings (D1, KV, rate limits) are the same real ones as `api` uses.
 */
export async function apiWithSettings(
  settings: Record<string, string>,
  path: string,
  request: ApiRequest = {},
): Promise<Response> {
  const { json, token, ip, headers, ...init } = request
  const sent = new Headers(headers)
  if (!sent.has('CF-Connecting-IP')) sent.set('CF-Connecting-IP', ip ?? freshIp())
  if (token) sent.set('Coder-Session-Token', token)
  if (json !== undefined) init.body = JSON.stringify(json)
  const ctx = createExecutionContext()
  const response = await createApp().fetch(
    new Request(`${BASE_URL}/api/v2${path}`, { ...init, headers: sent }),
    { ...env, ...settings },
    ctx,
  )
  await waitOnExecutionContext(ctx)
  return response
}

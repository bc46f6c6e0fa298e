/**
 * Starts the built Worker bundle (`npm run build` writes dist/index.js) in plain Miniflare, with
 * D1, KV and rate-limit bindings shaped like wrangler.toml, and drives it over HTTP. Miniflare
 * keeps their data in a new temporary directory per instance and deletes it on exit.
 * Plain Miniflare is used instead of `wrangler dev` because the dev proxy and its per-request
 * logging cap throughput.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const BUNDLE_PATH = join(ROOT, 'dist/index.js')
export const BASE_URL = 'http://edgeauth.bench'
/** Host that routes a request to the hash benchmark Worker instead of the app. */
export const HASH_WORKER_URL = 'http://hash.bench'

export const OWNER = {
  email: 'owner@example.com',
  username: 'owner',
  password: 'SomeSecurePassword!',
}

// Values of wrangler.toml's [vars], [[d1_databases]], [[kv_namespaces]] and [[ratelimits]].
const VARS = {
  SESSION_DURATION: '86400',
  DISABLE_PASSWORD_AUTH: 'false',
  PASSWORD_BLOCKLIST: 'on',
  ACCESS_URL: 'http://127.0.0.1:8787',
}
const RATE_LIMITS = {
  LOGIN_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 60, period: 60 } },
  API_RATE_LIMITER: { namespace_id: '1002', simple: { limit: 512, period: 60 } },
}

/** Reads `compatibility_date` from wrangler.toml, so the bundle runs with the deployed date. */
function readCompatibilityDate() {
  const toml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8')
  const match = /^compatibility_date\s*=\s*"([0-9-]+)"/m.exec(toml)
  if (!match) throw new Error('wrangler.toml has no compatibility_date line')
  return match[1]
}

/**
 * Lists a bundle's modules for Miniflare: the script, and every `.wasm` file beside it as a
 * precompiled WebAssembly module, which is how wrangler uploads the `.wasm` imports it emits.
 */
function bundleModules(scriptPath) {
  const directory = dirname(scriptPath)
  const wasmFiles = readdirSync(directory).filter((name) => name.endsWith('.wasm'))
  return {
    modulesRoot: directory,
    modules: [
      { type: 'ESModule', path: scriptPath },
      ...wasmFiles.map((name) => ({ type: 'CompiledWasm', path: join(directory, name) })),
    ],
  }
}

let ipCounter = 0

/**
 * Returns a client address that no earlier call returned, from the IPv6 documentation prefix
 * 2001:db8::/32 (RFC 3849). Sent as `CF-Connecting-IP`, it gives every request its own
 * rate-limit bucket, so that load tests measure the service and not its 429 path.
 */
export function freshIp() {
  ipCounter += 1
  const high = Math.floor(ipCounter / 0x10000).toString(16)
  const low = (ipCounter % 0x10000).toString(16)
  return `2001:db8::${high}:${low}`
}

/** Applies drizzle/*.sql in file name order, one statement per `--> statement-breakpoint`. */
async function applyMigrations(mf) {
  const db = await mf.getD1Database('DB')
  const files = readdirSync(join(ROOT, 'drizzle'))
    .filter((name) => name.endsWith('.sql'))
    .sort()
  for (const file of files) {
    const statements = readFileSync(join(ROOT, 'drizzle', file), 'utf8')
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter(Boolean)
    for (const statement of statements) await db.prepare(statement).run()
  }
}

/**
 * Starts Miniflare with the app bundle and, if `hashWorkerPath` is given, a second Worker in the
 * same workerd process that serves requests to HASH_WORKER_URL. The app also serves HTTP on `url`, a free
 * port of 127.0.0.1, and with `inspectorPort` workerd's DevTools inspector listens on that port
 * of 127.0.0.1. The Workers' console output is counted, not printed.
 */
export async function startApp({ hashWorkerPath, inspectorPort } = {}) {
  if (!existsSync(BUNDLE_PATH)) {
    throw new Error(`${BUNDLE_PATH} is missing: run \`npm run build\` first.`)
  }
  const compatibilityDate = readCompatibilityDate()
  const logs = { lines: 0, errors: [] }
  const workers = [
    {
      name: 'edgeauth',
      ...bundleModules(BUNDLE_PATH),
      compatibilityDate,
      bindings: VARS,
      d1Databases: { DB: 'edgeauth-bench' },
      kvNamespaces: ['KV'],
      ratelimits: RATE_LIMITS,
    },
  ]
  if (hashWorkerPath) {
    workers.push({
      name: 'hash-bench',
      ...bundleModules(hashWorkerPath),
      compatibilityDate,
      routes: [`${new URL(HASH_WORKER_URL).host}/*`],
    })
  }
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      // Port 0 picks a free port, so a `wrangler dev` on 8787 in the same tree keeps working.
      host: '127.0.0.1',
      port: 0,
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
      handleStructuredLogs: (log) => {
        logs.lines += 1
        if (log.level === 'error' && logs.errors.length < 5) logs.errors.push(log.message)
      },
      workers,
    }),
  )
  const url = await mf.ready
  await applyMigrations(mf)
  console.log(`bundle:  dist/index.js, built ${statSync(BUNDLE_PATH).mtime.toISOString()}`)
  return { mf, url, logs }
}

/**
 * Sends a request to `/api/v2{path}` through `mf.dispatchFetch`. `json` is serialised, `token`
 * goes in `Coder-Session-Token`, and every request gets a fresh `CF-Connecting-IP`.
 */
export function api(mf, path, { json, token, ip, method, headers } = {}) {
  const sent = {
    'CF-Connecting-IP': ip ?? freshIp(),
    ...(token ? { 'Coder-Session-Token': token } : {}),
    ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...headers,
  }
  return mf.dispatchFetch(`${BASE_URL}/api/v2${path}`, {
    method: method ?? (json !== undefined ? 'POST' : 'GET'),
    headers: sent,
    body: json !== undefined ? JSON.stringify(json) : undefined,
  })
}

/** Awaits a response, throws unless its status is `expected`, and returns the parsed JSON body. */
export async function expectJson(responsePromise, expected, label) {
  const response = await responsePromise
  const text = await response.text()
  if (response.status !== expected) {
    throw new Error(`${label}: expected status ${expected}, got ${response.status}: ${text}`)
  }
  return text === '' ? null : JSON.parse(text)
}

/** Creates the first user through `POST /users/first` and returns its id. */
export async function createOwner(mf) {
  const body = await expectJson(
    api(mf, '/users/first', { json: OWNER }),
    201,
    'creating the first user',
  )
  return body.user_id
}

/** Prints the Worker's console line count and its first error lines, if any. */
export function printWorkerLogs(logs) {
  console.log(`worker console lines: ${logs.lines}, errors: ${logs.errors.length}`)
  for (const message of logs.errors) console.log(`  worker error: ${message}`)
}

export const MEMBER = {
  email: 'member@example.com',
  username: 'member',
  password: 'AnotherSecurePassword!',
}

/**
 * Creates MEMBER through `POST /users` as an active plain member of the owner's first
 * organization, and returns that organization's id.
 */
export async function createMember(mf, ownerToken) {
  const owner = await expectJson(api(mf, '/users/me', { token: ownerToken }), 200, 'GET /users/me')
  const organizationId = owner.organization_ids[0]
  const member = { ...MEMBER, user_status: 'active', organization_ids: [organizationId] }
  await expectJson(api(mf, '/users', { json: member, token: ownerToken }), 201, 'creating a member')
  return { organizationId }
}

/** Logs a user in through `POST /users/login` and returns the session token. */
export async function login(mf, email, password) {
  const body = await expectJson(
    api(mf, '/users/login', { json: { email, password } }),
    201,
    'login',
  )
  return body.session_token
}

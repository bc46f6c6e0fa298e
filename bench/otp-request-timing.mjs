/**
 * Measures `POST /api/v2/users/otp/request` response times for an email that belongs to a user
 * and for one that does not, with passcode mail going to an SMTP server that waits before it
 * accepts each message. The response must not depend on either: the look-up, the passcode and
 * the mail all run after the response (`waitUntil`).
 *
 * Run: `npx tsx bench/otp-request-timing.mjs` (tsx loads the TypeScript of the test peers).
 * It builds the Worker with `wrangler deploy --dry-run` and serves the bundle with Miniflare on
 * 127.0.0.1 with a local D1 database. It starts the SMTP peer of the test suite on 127.0.0.1
 * and sends the two kinds of request alternately, one at a time, over HTTP. It prints the median,
 * 90th percentile and mean of each kind, once with a slow and once with a fast SMTP peer.
 * Options: `--requests N` per kind and SMTP setting (default 500), `--smtp-delay-ms N` for the
 * slow peer (default 2000).
 *
 * The login rate limiter (60 requests per minute per IP) is raised to 1,000,000 for the run,
 * because every request here comes from 127.0.0.1.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { startMailServers } from '../test/peers/mail.ts'

const WARMUP_REQUESTS_PER_KIND = 50
const KNOWN_EMAIL = 'known.user@example.com'
const UNKNOWN_EMAIL = 'nobody.here@example.com'
/** Time given to mail still in flight after the last request before counting deliveries. */
const DRAIN_WAIT_MS = 3_000
const BENCH_RATE_LIMIT = 1_000_000

const { values: options } = parseArgs({
  options: {
    requests: { type: 'string', default: '500' },
    'smtp-delay-ms': { type: 'string', default: '2000' },
  },
})
const requestsPerKind = Number(options.requests)
const slowSmtpDelayMs = Number(options['smtp-delay-ms'])

const projectRoot = new URL('..', import.meta.url).pathname
const buildDir = mkdtempSync(join(tmpdir(), 'edgeauth-bench-'))

function buildWorker() {
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', buildDir], {
    cwd: projectRoot,
    stdio: 'ignore',
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' },
  })
}

/** Lists the bundle's modules: the entry point first, then the precompiled WebAssembly. */
function bundleModules() {
  const wasm = readdirSync(buildDir).filter((name) => name.endsWith('.wasm'))
  return [
    { type: 'ESModule', path: join(buildDir, 'index.js') },
    ...wasm.map((name) => ({ type: 'CompiledWasm', path: join(buildDir, name) })),
  ]
}

/** Reads the `[vars]` of wrangler.toml, where every value is a quoted string on one line. */
function readWranglerVars(toml) {
  const section = /\[vars\]\n([\s\S]*?)(?:\n\[|$)/.exec(toml)?.[1] ?? ''
  const vars = {}
  for (const match of section.matchAll(/^([A-Z_]+)\s*=\s*"([^"]*)"/gm)) vars[match[1]] = match[2]
  return vars
}

async function applyMigrations(db) {
  const directory = join(projectRoot, 'drizzle')
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.sql'))
    .sort()
  for (const file of files) {
    const statements = readFileSync(join(directory, file), 'utf8')
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter(Boolean)
    await db.batch(statements.map((statement) => db.prepare(statement)))
  }
}

async function insertKnownUser(db) {
  const now = Date.now()
  await db
    .prepare(
      `INSERT INTO users (id, email, email_normalized, username, hashed_password, login_type,
        status, created_at, updated_at)
      VALUES (?1, ?2, ?2, 'known-user', '', 'password', 'active', ?3, ?3)`,
    )
    .bind(crypto.randomUUID(), KNOWN_EMAIL, now)
    .run()
}

async function timeRequest(url, email) {
  const started = performance.now()
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  })
  await response.arrayBuffer()
  const elapsed = performance.now() - started
  if (response.status !== 204) throw new Error(`expected 204, got ${response.status}`)
  return elapsed
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (fraction) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length
  return { median: at(0.5), p90: at(0.9), mean }
}

async function measure(url, mail, smtpDelayMs) {
  mail.setSmtpDelay('*', smtpDelayMs)
  for (let i = 0; i < WARMUP_REQUESTS_PER_KIND; i++) {
    await timeRequest(url, KNOWN_EMAIL)
    await timeRequest(url, UNKNOWN_EMAIL)
  }
  const known = []
  const unknown = []
  // Alternating the two kinds gives both the same share of background work and drift.
  for (let i = 0; i < requestsPerKind; i++) {
    known.push(await timeRequest(url, KNOWN_EMAIL))
    unknown.push(await timeRequest(url, UNKNOWN_EMAIL))
  }
  return { known: summarize(known), unknown: summarize(unknown) }
}

function format(ms) {
  return `${ms.toFixed(2)} ms`
}

function report(label, result) {
  console.log(`\n${label}`)
  for (const [kind, stats] of Object.entries(result)) {
    console.log(
      `  ${kind.padEnd(8)} median ${format(stats.median)}  p90 ${format(stats.p90)}  ` +
        `mean ${format(stats.mean)}`,
    )
  }
  const difference = result.known.median - result.unknown.median
  console.log(`  median difference (known - unknown): ${difference.toFixed(2)} ms`)
}

/** Serves the built bundle with Miniflare, mailing through the SMTP peer on `smtpPort`. */
function startWorker(smtpPort) {
  const toml = readFileSync(join(projectRoot, 'wrangler.toml'), 'utf8')
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1]
  // Miniflare 5 takes a new option format, and this converter accepts the Miniflare 4 one.
  return new Miniflare(
    convertV4MiniflareOptions({
      host: '127.0.0.1',
      port: 0,
      // The Worker logs one JSON line per request, and dropping them keeps the output short.
      handleStructuredLogs() {},
      modulesRoot: buildDir,
      modules: bundleModules(),
      compatibilityDate,
      d1Databases: ['DB'],
      kvNamespaces: ['KV'],
      ratelimits: {
        LOGIN_RATE_LIMITER: {
          namespace_id: '1001',
          simple: { limit: BENCH_RATE_LIMIT, period: 60 },
        },
        API_RATE_LIMITER: { namespace_id: '1002', simple: { limit: BENCH_RATE_LIMIT, period: 60 } },
      },
      bindings: {
        ...readWranglerVars(toml),
        NOTIFICATIONS_METHOD: 'smtp',
        EMAIL_SMARTHOST: `127.0.0.1:${smtpPort}`,
        EMAIL_FROM: 'Coder <noreply@edgeauth.test>',
      },
    }),
  )
}

async function run(mf, mail) {
  const base = await mf.ready
  const db = await mf.getD1Database('DB')
  await applyMigrations(db)
  await insertKnownUser(db)
  const url = new URL('/api/v2/users/otp/request', base).toString()

  console.log(`${requestsPerKind} requests per kind after ${WARMUP_REQUESTS_PER_KIND} warm-up`)
  report(
    `SMTP peer waits ${slowSmtpDelayMs} ms per message`,
    await measure(url, mail, slowSmtpDelayMs),
  )
  report('SMTP peer answers at once', await measure(url, mail, 0))

  await new Promise((resolve) => setTimeout(resolve, DRAIN_WAIT_MS + slowSmtpDelayMs))
  const control = `http://127.0.0.1:${mail.peers.httpPort}/control/mail?to=${KNOWN_EMAIL}`
  const delivered = (await (await fetch(control)).json()).length
  const sent = 2 * (requestsPerKind + WARMUP_REQUESTS_PER_KIND)
  console.log(`\nmessages the SMTP peer accepted for the known user: ${delivered} of ${sent}`)
}

try {
  buildWorker()
  const mail = await startMailServers()
  try {
    const mf = startWorker(mail.peers.smtpPort)
    try {
      await run(mf, mail)
    } finally {
      await mf.dispose()
    }
  } finally {
    await mail.stop()
  }
} finally {
  rmSync(buildDir, { recursive: true, force: true })
}

/**
 * Compares the throughput of `GET /api/v2/users/me` (session-token lookup in D1) with that of
 * `GET /api/v2/buildinfo` (no auth, no D1), both served by the built bundle in plain Miniflare.
 * Target: `/users/me` serves at least 80 % of the requests per second of `/buildinfo`.
 *
 * Run: `npm run build && node bench/throughput.mjs [address-pool-size]`. Load comes from wrk
 * (Debian package `wrk`) in a second process, WRK_CONNECTIONS connections on one thread, against
 * Miniflare's HTTP server on 127.0.0.1. ROUNDS rounds measure both routes, alternating,
 * MEASURE_SECONDS each after WARMUP_SECONDS of warm-up. Any status other than 2xx fails the run.
 *
 * The API limiter allows 512 requests per minute per client address and path, so requests carry
 * `CF-Connecting-IP` addresses from 2001:db8::/32 that each stay far below it: by default wrk
 * cycles through DEFAULT_ADDRESS_POOL addresses. Pass 0 for a new address on every request.
 * NOTE: Miniflare's local limiter is a Durable Object on SQLite, and a key without a bucket in
 * the current window makes it run a DELETE that scans every bucket of the window. With a new
 * address per request that scan runs on every request and grows through each minute, so pool 0
 * measures the local limiter more than the service.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { api, createOwner, login, OWNER, printWorkerLogs, ROOT, startApp } from './lib/app.mjs'
import { printLoad, printMachine } from './lib/machine.mjs'
import { formatCount, median } from './lib/stats.mjs'

const ROUNDS = 5
const MEASURE_SECONDS = 5
const WARMUP_SECONDS = 1
const WRK_CONNECTIONS = 16
// At 5,000 requests/s, 4,096 addresses give each one about 73 requests per minute and path.
const DEFAULT_ADDRESS_POOL = 4096
const TARGET_SHARE = 0.8
const WRK_SCRIPT = join(ROOT, 'bench/lib/wrk-fresh-ip.lua')

const ROUTES = [
  { label: 'GET /api/v2/buildinfo', path: '/api/v2/buildinfo', withToken: false },
  { label: 'GET /api/v2/users/me', path: '/api/v2/users/me', withToken: true },
]

/**
 * Runs wrk for `seconds` against `path` and returns requests per second. Throws if wrk fails or
 * reports socket errors or responses other than 2xx/3xx.
 */
function runWrk({ baseUrl, path, token, addressPool, seconds }) {
  const args = ['-t1', `-c${WRK_CONNECTIONS}`, `-d${seconds}s`, '-s', WRK_SCRIPT]
  args.push(new URL(path, baseUrl).href, '--', path, token ?? '', String(addressPool))
  const result = spawnSync('wrk', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 })
  if (result.error) throw new Error(`wrk failed to run: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`wrk exited with ${result.status}: ${result.stderr}`)
  const output = result.stdout
  if (/Non-2xx or 3xx responses|Socket errors/.test(output)) {
    throw new Error(`wrk saw failed requests on ${path}:\n${output}`)
  }
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output)
  if (!rate) throw new Error(`wrk output has no Requests/sec line:\n${output}`)
  return Number(rate[1])
}

function parseAddressPool(argument) {
  if (argument === undefined) return DEFAULT_ADDRESS_POOL
  const size = Number(argument)
  if (!Number.isInteger(size) || size < 0) {
    throw new Error(`invalid address pool size "${argument}": pass an integer >= 0`)
  }
  return size
}

const addressPool = parseAddressPool(process.argv[2])
if (spawnSync('wrk', ['--version']).error) {
  throw new Error('wrk is not installed: run `apt-get install -y wrk`')
}

printMachine()
const { mf, url, logs } = await startApp()
try {
  await createOwner(mf)
  const token = await login(mf, OWNER.email, OWNER.password)
  const me = await api(mf, '/users/me', { token })
  if (me.status !== 200) throw new Error(`GET /users/me returned ${me.status}`)

  const rates = new Map(ROUTES.map((route) => [route.label, []]))
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which route goes first, so that neither always runs on a warmer process.
    for (const route of round % 2 === 0 ? ROUTES : [...ROUTES].reverse()) {
      const run = {
        baseUrl: url,
        path: route.path,
        token: route.withToken ? token : undefined,
        addressPool,
      }
      runWrk({ ...run, seconds: WARMUP_SECONDS })
      rates.get(route.label).push(runWrk({ ...run, seconds: MEASURE_SECONDS }))
    }
  }

  const addresses = addressPool === 0 ? 'a new address per request' : `${addressPool} addresses`
  console.log(
    `wrk -t1 -c${WRK_CONNECTIONS}, ${ROUNDS} rounds of ${MEASURE_SECONDS} s per route, ${addresses}`,
  )
  for (const [label, values] of rates) {
    const rounds = values.map(formatCount).join(', ')
    console.log(`  ${label.padEnd(24)} median ${formatCount(median(values))} req/s (${rounds})`)
  }
  const share = median(rates.get(ROUTES[1].label)) / median(rates.get(ROUTES[0].label))
  const verdict = share >= TARGET_SHARE ? 'met' : 'missed'
  console.log(
    `  /users/me / /buildinfo: ${(share * 100).toFixed(1)} % (target >= 80 %: ${verdict})`,
  )
  printWorkerLogs(logs)
  printLoad('at end')
} finally {
  await mf.dispose()
}

/**
 * Compares the wall time of `POST /api/v2/users/login` with the time of one password hash in the
 * same workerd process. Target: a login with the right password costs at most 1.15 times one
 * hash. It also times a login with an unknown email, which pays one dummy hash so that its time
 * matches a login of a known email.
 *
 * Run: `npm run build && node bench/login.mjs`. The built bundle runs in plain Miniflare next to
 * the hash benchmark Worker (bench/lib/hash-worker.ts). Each round sends every request kind once,
 * one at a time, so that load from other processes hits all kinds alike. Every request carries
 * its own `CF-Connecting-IP`, because the login limiter allows 60 requests per minute per address.
 */
import {
  api,
  BASE_URL,
  createOwner,
  freshIp,
  HASH_WORKER_URL,
  login,
  OWNER,
  printWorkerLogs,
  startApp,
} from './lib/app.mjs'
import { buildHashWorker } from './lib/hash-worker-build.mjs'
import { printLoad, printMachine } from './lib/machine.mjs'
import { describeMs, median } from './lib/stats.mjs'

const ROUNDS = 40
const WARMUP_ROUNDS = 3
const TARGET_RATIO = 1.15
// Hashes per in-Worker timing sample: workerd's timer counts whole milliseconds.
const VERIFY_BATCH_SIZE = 5

/** Returns the wall time of `send()` in milliseconds, after checking the response status. */
async function timeRequest(send, expectedStatus, label) {
  const start = performance.now()
  const response = await send()
  const body = await response.text()
  const elapsed = performance.now() - start
  if (response.status !== expectedStatus) {
    throw new Error(`${label}: expected ${expectedStatus}, got ${response.status}: ${body}`)
  }
  return { elapsed, body }
}

function postHashWorker(mf, path, body) {
  return mf.dispatchFetch(`${HASH_WORKER_URL}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  })
}

/** Request kinds of one round: name, expected status, and a function that sends one request. */
function requestKinds(mf, storedHash) {
  const verifyBody = { password: OWNER.password, stored: storedHash }
  return [
    {
      name: 'login, right password',
      status: 201,
      send: () =>
        api(mf, '/users/login', { json: { email: OWNER.email, password: OWNER.password } }),
    },
    {
      name: 'login, unknown email',
      status: 401,
      send: () =>
        api(mf, '/users/login', {
          json: { email: 'nobody@example.com', password: OWNER.password },
        }),
    },
    {
      name: 'login, wrong password',
      status: 401,
      send: () => api(mf, '/users/login', { json: { email: OWNER.email, password: 'wrong' } }),
    },
    {
      name: 'request with one verifyPassword',
      status: 200,
      send: () => postHashWorker(mf, '/verify?count=1', verifyBody),
    },
    {
      name: 'request with one hashPassword',
      status: 200,
      send: () => postHashWorker(mf, '/hash?count=1', { password: OWNER.password }),
    },
    {
      name: 'empty request to the hash Worker',
      status: 200,
      send: () => mf.dispatchFetch(`${HASH_WORKER_URL}/noop`),
    },
    {
      name: 'GET /buildinfo (no auth, no D1)',
      status: 200,
      send: () =>
        mf.dispatchFetch(`${BASE_URL}/api/v2/buildinfo`, {
          headers: { 'CF-Connecting-IP': freshIp() },
        }),
    },
  ]
}

/** Returns one in-Worker time of verifyPassword against `storedHash`, in milliseconds per hash. */
async function sampleVerifyInWorker(mf, storedHash) {
  const response = await postHashWorker(mf, `/verify?count=${VERIFY_BATCH_SIZE}`, {
    password: OWNER.password,
    stored: storedHash,
  })
  const { elapsedMs, result } = await response.json()
  if (result.match !== true)
    throw new Error(`verifyPassword did not match: ${JSON.stringify(result)}`)
  return elapsedMs / VERIFY_BATCH_SIZE
}

printMachine()
const { mf, logs } = await startApp({ hashWorkerPath: await buildHashWorker() })
try {
  await createOwner(mf)
  await login(mf, OWNER.email, OWNER.password)
  const db = await mf.getD1Database('DB')
  const { hashed_password: storedHash } = await db
    .prepare('SELECT hashed_password FROM users WHERE email_normalized = lower(?1)')
    .bind(OWNER.email)
    .first()

  const kinds = requestKinds(mf, storedHash)
  const samples = new Map(kinds.map((kind) => [kind.name, []]))
  const verifyInWorker = []
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    // Rotate the order so that no kind always follows the same one.
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(round + i) % kinds.length]
      const { elapsed } = await timeRequest(kind.send, kind.status, kind.name)
      if (round >= WARMUP_ROUNDS) samples.get(kind.name).push(elapsed)
    }
    const perHash = await sampleVerifyInWorker(mf, storedHash)
    if (round >= WARMUP_ROUNDS) verifyInWorker.push(perHash)
  }

  console.log(`${ROUNDS} rounds, requests sent one at a time through mf.dispatchFetch`)
  console.log('wall time per request (dispatchFetch to response body read):')
  for (const [name, values] of samples) console.log(`  ${name.padEnd(34)} ${describeMs(values)}`)
  console.log(
    `one verifyPassword timed inside workerd (batches of ${VERIFY_BATCH_SIZE}): ${describeMs(verifyInWorker)}`,
  )

  const loginMs = median(samples.get('login, right password'))
  const unknownMs = median(samples.get('login, unknown email'))
  const verifyRequestMs = median(samples.get('request with one verifyPassword'))
  const hashMs = median(verifyInWorker)
  const ratio = loginMs / hashMs
  console.log(
    `login / one verifyPassword inside workerd: ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'missed'})`,
  )
  console.log(
    `login / request with one verifyPassword:    ${(loginMs / verifyRequestMs).toFixed(2)}`,
  )
  console.log(
    `unknown-email login / login:               ${(unknownMs / loginMs).toFixed(2)} (difference ${(unknownMs - loginMs).toFixed(2)} ms)`,
  )
  printWorkerLogs(logs)
  printLoad('at end')
} finally {
  await mf.dispose()
}

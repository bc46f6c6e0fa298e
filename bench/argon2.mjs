/**
 * Compares the time of one argon2id hash (m=19456 KiB, t=2, p=1) in two places: hashPassword of
 * src/auth/password-hash.ts, which runs the wasm build of @phi-ag/argon2 inside workerd, and the
 * native @node-rs/argon2 in Node, which the operator CLI uses.
 *
 * Run: `npm run build && node bench/argon2.mjs`. Batches of BATCH_SIZE hashes alternate between
 * the two, so that load from other processes hits both alike. A sample is a batch's time divided
 * by BATCH_SIZE: workerd's timer counts whole milliseconds, and a batch gives 0.2 ms resolution.
 * The workerd time is taken inside the Worker, so it excludes the cost of the request.
 */
import { hash } from '@node-rs/argon2'
import { HASH_WORKER_URL, printWorkerLogs, startApp } from './lib/app.mjs'
import { buildHashWorker } from './lib/hash-worker-build.mjs'
import { printLoad, printMachine } from './lib/machine.mjs'
import { describeMs, median } from './lib/stats.mjs'

const BATCHES = 20
const BATCH_SIZE = 5
const WARMUP_BATCHES = 2
const PASSWORD = 'SomeSecurePassword!'

// The parameters of src/auth/password-hash.ts. @node-rs/argon2 exports the algorithm and version
// as const enums, which plain JavaScript cannot import by name.
const NODE_OPTIONS = {
  algorithm: 2, // Algorithm.Argon2id
  version: 1, // Version.V0x13
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
}

/** Returns the mean time of one @node-rs/argon2 hash over a batch, in milliseconds. */
async function sampleNode() {
  const start = performance.now()
  for (let i = 0; i < BATCH_SIZE; i++) await hash(PASSWORD, NODE_OPTIONS)
  return (performance.now() - start) / BATCH_SIZE
}

/** Returns the mean time of one hashPassword inside workerd over a batch, in milliseconds. */
async function sampleWorkerd(mf) {
  const response = await mf.dispatchFetch(`${HASH_WORKER_URL}/hash?count=${BATCH_SIZE}`, {
    method: 'POST',
    body: JSON.stringify({ password: PASSWORD }),
  })
  if (response.status !== 200) {
    throw new Error(`hash Worker returned ${response.status}: ${await response.text()}`)
  }
  const { elapsedMs, result } = await response.json()
  if (!result.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')) {
    throw new Error(`hash Worker returned an unexpected hash: ${result}`)
  }
  return elapsedMs / BATCH_SIZE
}

printMachine()
const { mf, logs } = await startApp({ hashWorkerPath: await buildHashWorker() })
try {
  for (let i = 0; i < WARMUP_BATCHES; i++) {
    await sampleNode()
    await sampleWorkerd(mf)
  }
  const node = []
  const workerd = []
  for (let i = 0; i < BATCHES; i++) {
    node.push(await sampleNode())
    workerd.push(await sampleWorkerd(mf))
  }
  console.log(`argon2id m=19456 KiB, t=2, p=1; ${BATCHES} batches of ${BATCH_SIZE} hashes each`)
  console.log(`@node-rs/argon2 in Node:              ${describeMs(node)}`)
  console.log(`hashPassword (wasm) inside workerd:   ${describeMs(workerd)}`)
  console.log(
    `ratio workerd / Node (medians):       ${(median(workerd) / median(node)).toFixed(2)}`,
  )
  printWorkerLogs(logs)
  printLoad('at end')
} finally {
  await mf.dispose()
}

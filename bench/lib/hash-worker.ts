/**
 * Benchmark Worker that runs src/auth/password-hash.ts inside workerd, so that a hash can be timed
 * in the same runtime and process as the app. bench/lib/hash-worker-build.mjs bundles it.
 *
 * Routes (the body is JSON `{ password, stored? }`, and `count` defaults to 1):
 * - `GET /noop`: returns at once, to measure the cost of a request that does nothing;
 * - `POST /hash?count=N`: N calls of hashPassword;
 * - `POST /verify?count=N`: N calls of verifyPassword against `stored`, or against no hash (the
 *   unknown-user path, one dummy argon2id verification) when `stored` is absent.
 *
 * Each returns `{ count, elapsedMs, result }`. Local workerd advances `performance.now()` during
 * synchronous work, in whole milliseconds, so callers pass a count above 1 for finer resolution.
 */
import { hashPassword, verifyPassword } from '../../src/auth/password-hash'

const MAX_COUNT = 100

interface HashRequest {
  password: string
  stored?: string
}

async function runTimed(count: number, operation: () => Promise<unknown>): Promise<Response> {
  let result: unknown
  const start = performance.now()
  for (let i = 0; i < count; i++) result = await operation()
  const elapsedMs = performance.now() - start
  return Response.json({ count, elapsedMs, result })
}

export default {
  async fetch(request) {
    const url = new URL(request.url)
    if (url.pathname === '/noop') return Response.json({})

    const count = Number(url.searchParams.get('count') ?? '1')
    if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
      return new Response(`count must be an integer from 1 to ${MAX_COUNT}\n`, { status: 400 })
    }
    const body = (await request.json()) as HashRequest
    switch (url.pathname) {
      case '/hash':
        return runTimed(count, () => hashPassword(body.password))
      case '/verify':
        return runTimed(count, () => verifyPassword(body.password, body.stored ?? null))
      default:
        return new Response('not found\n', { status: 404 })
    }
  },
} satisfies ExportedHandler

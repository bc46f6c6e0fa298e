/**
 * Measures what 99 extra checks cost in one `POST /api/v2/authcheck` inside workerd, as the
 * difference between the median latencies of a request with 100 checks and one with 1 check.
 * Both are authenticated and name no `resource_id`, so neither reads D1 beyond the session
 * lookup. Target: under 1 ms.
 *
 * Run: `npm run build && node bench/authcheck.mjs`. The built bundle runs in plain Miniflare, and
 * requests go one at a time through `mf.dispatchFetch`, the four kinds (owner and member, 1 and
 * 100 checks) in rotating order, so that load from other processes hits all kinds alike. Every
 * request carries its own `CF-Connecting-IP`, because the API limiter allows 512 requests per
 * minute per address and path.
 */
import {
  api,
  createOwner,
  createMember,
  login,
  MEMBER,
  OWNER,
  printWorkerLogs,
  startApp,
} from './lib/app.mjs'
import { printLoad, printMachine } from './lib/machine.mjs'
import { describeMs, median } from './lib/stats.mjs'

const ROUNDS = 300
const WARMUP_ROUNDS = 20
const CHECK_COUNT = 100
const TARGET_DIFFERENCE_MS = 1

// Resource types and actions of Coder's RBAC model, a mix like the checks Coder's dashboard sends.
const CHECKED_ACTIONS = [
  ['workspace', ['read', 'update', 'delete', 'create', 'ssh', 'start', 'stop']],
  ['workspace', ['application_connect', 'create_agent']],
  ['template', ['read', 'update', 'delete', 'create', 'use', 'view_insights']],
  ['user', ['read', 'update', 'delete', 'create', 'read_personal', 'update_personal']],
  ['organization', ['read', 'update', 'delete', 'create']],
  ['organization_member', ['read', 'update', 'delete', 'create']],
  ['group', ['read', 'update', 'delete', 'create']],
  ['api_key', ['read', 'update', 'delete', 'create']],
  ['audit_log', ['read', 'create']],
  ['license', ['read', 'create', 'delete']],
  ['deployment_config', ['read', 'update']],
  ['provisioner_daemon', ['read', 'create', 'update', 'delete']],
  ['file', ['read', 'create']],
  ['assign_role', ['assign', 'unassign', 'read']],
  ['assign_org_role', ['assign', 'unassign', 'read']],
]

/**
 * Builds `count` checks without `resource_id`, cycling through CHECKED_ACTIONS and four ways of
 * scoping the object: owned by the caller in the organization, the organization only, any
 * organization, and site-wide.
 */
function buildChecks(count, organizationId) {
  const pairs = CHECKED_ACTIONS.flatMap(([type, actions]) =>
    actions.map((action) => ({ type, action })),
  )
  const scopes = [
    { owner_id: 'me', organization_id: organizationId },
    { organization_id: organizationId },
    { any_org: true },
    {},
  ]
  const checks = {}
  for (let i = 0; i < count; i++) {
    const { type, action } = pairs[i % pairs.length]
    const scope = scopes[i % scopes.length]
    checks[`check_${String(i).padStart(3, '0')}`] = {
      object: { resource_type: type, ...scope },
      action,
    }
  }
  return { checks }
}

/** Returns the wall time of one authcheck request in milliseconds, after checking the response. */
async function timeAuthcheck(mf, token, body, expectedKeys) {
  const start = performance.now()
  const response = await api(mf, '/authcheck', { json: body, token })
  const text = await response.text()
  const elapsed = performance.now() - start
  if (response.status !== 200) throw new Error(`authcheck returned ${response.status}: ${text}`)
  const resultCount = Object.keys(JSON.parse(text)).length
  if (resultCount !== expectedKeys) {
    throw new Error(`authcheck returned ${resultCount} results, expected ${expectedKeys}`)
  }
  return elapsed
}

printMachine()
const { mf, logs } = await startApp()
try {
  await createOwner(mf)
  const ownerToken = await login(mf, OWNER.email, OWNER.password)
  const { organizationId } = await createMember(mf, ownerToken)
  const subjects = [
    { name: 'owner', token: ownerToken },
    { name: 'member', token: await login(mf, MEMBER.email, MEMBER.password) },
  ]
  const bodies = [
    { size: 1, body: buildChecks(1, organizationId) },
    { size: CHECK_COUNT, body: buildChecks(CHECK_COUNT, organizationId) },
  ]
  const kinds = subjects.flatMap((subject) =>
    bodies.map((body) => ({ name: `${subject.name}, ${body.size} check(s)`, subject, ...body })),
  )
  const samples = new Map(kinds.map((kind) => [kind.name, []]))
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[(round + i) % kinds.length]
      const elapsed = await timeAuthcheck(mf, kind.subject.token, kind.body, kind.size)
      if (round >= WARMUP_ROUNDS) samples.get(kind.name).push(elapsed)
    }
  }

  console.log(`${ROUNDS} rounds, requests sent one at a time through mf.dispatchFetch`)
  for (const [name, values] of samples) console.log(`  ${name.padEnd(22)} ${describeMs(values)}`)
  for (const subject of subjects) {
    const one = median(samples.get(`${subject.name}, 1 check(s)`))
    const many = median(samples.get(`${subject.name}, ${CHECK_COUNT} check(s)`))
    const difference = many - one
    const verdict = difference < TARGET_DIFFERENCE_MS ? 'met' : 'missed'
    console.log(
      `${subject.name}: ${CHECK_COUNT} checks - 1 check = ${difference.toFixed(2)} ms (target < ${TARGET_DIFFERENCE_MS} ms: ${verdict})`,
    )
  }
  printWorkerLogs(logs)
  printLoad('at end')
} finally {
  await mf.dispose()
}

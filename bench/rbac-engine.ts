/**
 * Measures authorization checks per second of the pure RBAC engine, on one thread.
 *
 * Run: `npx tsx bench/rbac-engine.ts`. It prints one line per workload:
 * - mixed checks: seven subjects, nine objects and six actions shaped like `/authcheck` traffic;
 * - the same mix calling compileSubject before each check, as a request that compiles its
 *   subject does (a role-cache hit);
 * - any-org checks for a subject in 20 organizations, the slowest path.
 */

import type { AuthzObject, CompiledSubject, SubjectInput } from '../src/rbac'
import { authorize, compileSubject } from '../src/rbac'

const DURATION_MS = 2000
const WARMUP_MS = 500

const ME = '5e1f0c4a-0f5e-4c1b-9a8d-7b6c5d4e3f21'
const OTHER = '6f2a1d5b-1a6f-4d2c-8b9e-8c7d6e5f4a32'
const ORG = '9b0a8c1e-6a4f-4b43-9c1d-1f1e2d3c4b5a'
const OTHER_ORG = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'
const GROUP = '2d3e4f5a-6b7c-4d8e-9fa0-1b2c3d4e5f60'

interface Check {
  readonly input: SubjectInput
  readonly subject: CompiledSubject
  readonly action: string
  readonly object: AuthzObject
}

const SUBJECT_INPUTS: readonly SubjectInput[] = [
  { id: ME, roles: ['member', `organization-member:${ORG}`] },
  { id: ME, roles: ['member', `organization-member:${ORG}`], groups: [GROUP] },
  { id: OTHER, roles: ['member', 'owner'] },
  { id: OTHER, roles: ['member', `organization-member:${ORG}`, `organization-admin:${ORG}`] },
  { id: OTHER, roles: ['member', 'template-admin'] },
  { id: ME, roles: ['member', `organization-member:${ORG}`], scopes: ['application_connect'] },
  { id: ME, roles: ['member', `organization-member:${ORG}`], scopes: ['workspace:read', 'file:*'] },
]

const OBJECTS: readonly AuthzObject[] = [
  { type: 'workspace', orgOwner: ORG, owner: ME },
  { type: 'workspace', orgOwner: OTHER_ORG, owner: OTHER },
  { type: 'workspace', anyOrg: true, owner: ME },
  { type: 'template', orgOwner: ORG, aclGroupList: { [GROUP]: ['use'], [ORG]: ['read'] } },
  { type: 'template', anyOrg: true },
  { type: 'user', id: ME, owner: ME },
  { type: 'user' },
  { type: 'organization', id: ORG, orgOwner: ORG },
  { type: 'license' },
]

const ACTIONS = ['read', 'update', 'create', 'ssh', 'use', 'application_connect']

function buildChecks(): Check[] {
  const checks: Check[] = []
  for (const input of SUBJECT_INPUTS) {
    const subject = compileSubject(input)
    for (const object of OBJECTS) {
      for (const action of ACTIONS) checks.push({ input, subject, action, object })
    }
  }
  return checks
}

/** Runs `step` over the checks for `durationMs` and returns checks per second. */
function measure(checks: readonly Check[], durationMs: number, step: (check: Check) => boolean) {
  let done = 0
  let allowed = 0
  const start = performance.now()
  let now = start
  while (now - start < durationMs) {
    for (const check of checks) if (step(check)) allowed++
    done += checks.length
    now = performance.now()
  }
  return { perSecond: (done * 1000) / (now - start), allowed }
}

function report(name: string, checks: readonly Check[], step: (check: Check) => boolean): void {
  measure(checks, WARMUP_MS, step)
  const { perSecond, allowed } = measure(checks, DURATION_MS, step)
  const rate = Math.round(perSecond).toLocaleString('en-US')
  console.log(`${name.padEnd(34)} ${rate.padStart(13)} checks/s  (allowed in run: ${allowed})`)
}

const checks = buildChecks()
report('mixed checks', checks, (check) => authorize(check.subject, check.action, check.object))

report('mixed, compileSubject per check', checks, (check) =>
  authorize(compileSubject(check.input), check.action, check.object),
)

const manyOrgRoles = Array.from(
  { length: 20 },
  (_, index) => `organization-member:00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
)
const manyOrgsInput: SubjectInput = { id: ME, roles: ['member', ...manyOrgRoles] }
const manyOrgs = compileSubject(manyOrgsInput)
const anyOrgChecks: Check[] = ACTIONS.map((action) => ({
  input: manyOrgsInput,
  subject: manyOrgs,
  action,
  object: { type: 'template', anyOrg: true },
}))
report('any-org, 20 organizations', anyOrgChecks, (check) =>
  authorize(check.subject, check.action, check.object),
)

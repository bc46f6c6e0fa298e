/**
 * Replays the authorization case tables (Coder's role matrix, domain and derived cases) through
 * `POST /api/v2/authcheck` inside workerd, for every case an HTTP caller can build: real users
 * with the subject's roles and memberships, sessions with the subject's scopes, and the
 * placeholder organization ids mapped onto real organizations.
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { generateSessionToken, sha256Hex } from '../src/auth/session-token'
import { normalizeScope } from '../src/rbac'
import { api } from './helpers/api'
import {
  CASE_IDS,
  isHttpBuildable,
  ROLE_MATRIX_CASES,
  ROLE_SUBJECTS,
  toAuthcheckObject,
  type CaseObject,
  type CaseSubject,
} from './rbac-cases'
import { DOMAIN_CASES } from './rbac-domain-cases'

interface Check {
  name: string
  object: CaseObject
  action: string
  expected: boolean
}

interface SubjectChecks {
  subject: CaseSubject
  checks: Check[]
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ORGANIZATION_PLACEHOLDERS: ReadonlySet<string> = new Set([CASE_IDS.ORG, CASE_IDS.OTHER_ORG])

/** Creates an organization for each placeholder id and returns the mapping. */
async function createOrganizations(): Promise<Map<string, string>> {
  const mapping = new Map<string, string>()
  for (const placeholder of ORGANIZATION_PLACEHOLDERS) {
    const id = crypto.randomUUID()
    await env.DB.prepare(
      `INSERT INTO organizations (id, name, display_name, created_at, updated_at)
       VALUES (?1, ?2, ?2, 0, 0)`,
    )
      .bind(id, `org-${id.slice(0, 8)}`)
      .run()
    mapping.set(placeholder, id)
  }
  return mapping
}

/**
 * Stores a user with the subject's site roles and organization roles and a session with its
 * scopes, and returns the user id and token. Keys are written directly, so no password hash is
 * computed.
 */
async function createSubject(
  subject: CaseSubject,
  organizations: Map<string, string>,
  index: number,
): Promise<{ id: string; token: string }> {
  const id = crypto.randomUUID()
  const siteRoles: string[] = []
  const memberships = new Map<string, string[]>()
  for (const role of subject.roles as string[]) {
    const [name, organization] = role.split(':')
    if (organization === undefined) {
      if (name !== 'member') siteRoles.push(role)
      continue
    }
    const real = organizations.get(organization) ?? organization
    const roles = memberships.get(real) ?? []
    if (name !== 'organization-member') roles.push(name as string)
    memberships.set(real, roles)
  }
  const statements = [
    env.DB.prepare(
      `INSERT INTO users (id, email, email_normalized, username, status, rbac_roles, login_type,
        created_at, updated_at) VALUES (?1, ?2, ?2, ?3, 'active', ?4, 'password', 0, 0)`,
    ).bind(id, `subject${index}@example.com`, `subject${index}`, JSON.stringify(siteRoles)),
  ]
  for (const [organization, roles] of memberships) {
    statements.push(
      env.DB.prepare(
        `INSERT OR IGNORE INTO organizations (id, name, display_name, created_at, updated_at)
         VALUES (?1, ?1, ?1, 0, 0)`,
      ).bind(organization),
      env.DB.prepare(
        `INSERT INTO organization_members (user_id, organization_id, roles, created_at,
          updated_at) VALUES (?1, ?2, ?3, 0, 0)`,
      ).bind(id, organization, JSON.stringify(roles)),
    )
  }
  const token = generateSessionToken()
  const scopes = subject.scopes ?? ['all']
  statements.push(
    env.DB.prepare(
      `INSERT INTO api_keys (id, hashed_secret, user_id, last_used, expires_at, created_at,
        updated_at, login_type, scopes) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 'password', ?6)`,
    ).bind(
      token.id,
      await sha256Hex(token.secret),
      id,
      Date.now(),
      Date.now() + 3_600_000,
      JSON.stringify(scopes),
    ),
  )
  await env.DB.batch(statements)
  return { id, token: token.token }
}

/** Sends every check of one subject in one request and returns the mismatches. */
async function replay(entry: SubjectChecks, organizations: Map<string, string>, index: number) {
  const { id, token } = await createSubject(entry.subject, organizations, index)
  const body: Record<string, unknown> = {}
  entry.checks.forEach((check, position) => {
    const object = toAuthcheckObject(check.object, entry.subject.id)
    if (object.organization_id !== undefined) {
      object.organization_id = organizations.get(object.organization_id) ?? object.organization_id
    }
    body[`c${position}`] = { action: check.action, object }
  })
  const response = await api('/authcheck', { method: 'POST', token, json: { checks: body } })
  expect(response.status, `subject ${id}`).toBe(200)
  const answers = (await response.json()) as Record<string, boolean>
  return entry.checks
    .map((check, position) => ({ check, actual: answers[`c${position}`] }))
    .filter(({ check, actual }) => actual !== check.expected)
    .map(
      ({ check, actual }) =>
        `${check.name} ${check.action}: expected ${check.expected}, got ${actual}`,
    )
}

function isReplayable(subject: CaseSubject, object: CaseObject): boolean {
  if (!isHttpBuildable(subject, object)) return false
  // Groups come only from stored group memberships, which this service does not keep.
  if ((subject.groups ?? []).length > 0) return false
  // Every role must name a known organization placeholder or none, and scopes must be nameable.
  const rolesOk = (subject.roles as string[]).every((role) => {
    const organization = role.split(':')[1]
    return organization === undefined || UUID.test(organization)
  })
  const scopesOk = ((subject.scopes ?? []) as string[]).every(
    (s) => normalizeScope(s) !== undefined,
  )
  return rolesOk && scopesOk
}

function matrixChecks(): SubjectChecks[] {
  return Object.entries(ROLE_SUBJECTS).flatMap(([code, subject]) => {
    const checks: Check[] = []
    for (const row of ROLE_MATRIX_CASES) {
      const allowed = row.allowed.includes(code as never)
      if (!allowed && !row.denied.includes(code as never)) continue
      if (!isReplayable(subject, row.object)) continue
      for (const action of row.actions) {
        checks.push({
          name: `${row.name} as ${code}`,
          object: row.object,
          action,
          expected: allowed,
        })
      }
    }
    return checks.length > 0 ? [{ subject, checks }] : []
  })
}

function domainChecks(): SubjectChecks[] {
  return DOMAIN_CASES.flatMap((domainCase) => {
    const objects = domainCase.objects.filter((object) => isReplayable(domainCase.subject, object))
    const checks = objects.flatMap((object) =>
      domainCase.actions.map((action) => ({
        name: domainCase.name,
        object,
        action,
        expected: domainCase.expected,
      })),
    )
    return checks.length > 0 ? [{ subject: domainCase.subject, checks }] : []
  })
}

describe('authorization cases through POST /api/v2/authcheck', () => {
  it.each([
    ['the role matrix', matrixChecks],
    ['domain and derived cases', domainChecks],
  ])(
    'answers %s as the engine does',
    async (_, build) => {
      const entries = build()
      expect(entries.length).toBeGreaterThan(5)
      const organizations = await createOrganizations()
      const mismatches: string[] = []
      for (const [index, entry] of entries.entries()) {
        mismatches.push(...(await replay(entry, organizations, index)))
      }
      expect(mismatches).toEqual([])
    },
    60_000,
  )
})

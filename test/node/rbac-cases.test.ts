import { describe, expect, it } from 'vitest'

import type { CaseSubject } from '../rbac-cases'
import { type CompiledSubject, authorize, compileSubject } from '../../src/rbac'
import {
  REQUIRED_SUBJECTS,
  ROLE_MATRIX_CASES,
  ROLE_SUBJECTS,
  SUBJECT_CODES,
  isHttpBuildable,
  toAuthcheckObject,
} from '../rbac-cases'
import { DOMAIN_CASES } from '../rbac-domain-cases'

function compileCaseSubject(subject: CaseSubject): CompiledSubject {
  return compileSubject({
    id: subject.id,
    roles: subject.roles,
    groups: subject.groups,
    scopes: subject.scopes,
    roleOptions: { disableOwnerWorkspaceAccess: subject.disableOwnerWorkspaceAccess },
  })
}

const COMPILED = new Map(
  SUBJECT_CODES.map((code) => [code, compileCaseSubject(ROLE_SUBJECTS[code])]),
)

describe('role matrix table', () => {
  it.each(ROLE_MATRIX_CASES.map((row) => [row.name, row] as const))(
    '%s covers every required subject once',
    (_name, row) => {
      const assigned = [...row.allowed, ...row.denied]
      for (const code of REQUIRED_SUBJECTS) expect(assigned, code).toContain(code)
      expect(new Set(assigned).size).toBe(assigned.length)
    },
  )
})

describe('authorize: Coder role matrix', () => {
  const rows = ROLE_MATRIX_CASES.flatMap((row) =>
    row.actions.flatMap((action) => [
      ...row.allowed.map((code) => [row.name, code, action, true, row.object] as const),
      ...row.denied.map((code) => [row.name, code, action, false, row.object] as const),
    ]),
  )

  it.each(rows)('%s: %s %s is %s', (_name, code, action, expected, object) => {
    const subject = COMPILED.get(code)
    if (subject === undefined) throw new Error(`no subject ${code}`)
    expect(authorize(subject, action, object)).toBe(expected)
  })
})

describe('authorize: single-subject cases', () => {
  const rows = DOMAIN_CASES.flatMap((row) =>
    row.objects.flatMap((object, index) =>
      row.actions.map(
        (action) => [row.source, row.name, index, action, row.expected, row, object] as const,
      ),
    ),
  )

  it.each(rows)(
    '%s %s (object %i) %s is %s',
    (_source, _name, _index, action, expected, row, object) => {
      expect(authorize(compileCaseSubject(row.subject), action, object)).toBe(expected)
    },
  )
})

describe('HTTP replay helpers', () => {
  it('toAuthcheckObject maps the subject to me', () => {
    const object = { type: 'workspace', owner: 'u1', orgOwner: 'o1', anyOrg: false, id: 'w1' }
    expect(toAuthcheckObject(object, 'u1')).toEqual({
      resource_type: 'workspace',
      owner_id: 'me',
      organization_id: 'o1',
      any_org: false,
    })
    expect(toAuthcheckObject(object, 'u2').owner_id).toBe('u1')
  })

  it('isHttpBuildable rejects ACL objects', () => {
    const subject = { id: 'u1', roles: ['member'] }
    expect(isHttpBuildable(subject, { type: 'template' })).toBe(true)
    expect(isHttpBuildable(subject, { type: 'template', aclGroupList: { g: ['use'] } })).toBe(false)
  })

  it('most matrix rows are buildable', () => {
    const buildable = ROLE_MATRIX_CASES.filter((row) =>
      isHttpBuildable(ROLE_SUBJECTS.M, row.object),
    )
    expect(buildable.length).toBe(ROLE_MATRIX_CASES.length - 4)
  })
})

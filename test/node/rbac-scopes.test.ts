import { describe, expect, it } from 'vitest'

import type { Scope, SubjectInput } from '../../src/rbac'
import {
  EXTERNAL_SCOPE_NAMES,
  authorize,
  compileSubject,
  expandScope,
  isKnownScope,
  normalizeScope,
} from '../../src/rbac'

const ME = '5e1f0c4a-0f5e-4c1b-9a8d-7b6c5d4e3f21'
const SOMEONE_ELSE = '6f2a1d5b-1a6f-4d2c-8b9e-8c7d6e5f4a32'
const ORG = '9b0a8c1e-6a4f-4b43-9c1d-1f1e2d3c4b5a'
const WORKSPACE_ID = '7a3b2e6c-2b7a-4e3d-9caf-9d8e7f6a5b43'

// Upstream's earliest curated catalog with the malformed `user.*` entry dropped.
const BASELINE_CATALOG = [
  'api_key:*',
  'api_key:create',
  'api_key:delete',
  'api_key:read',
  'api_key:update',
  'coder:all',
  'coder:apikeys.manage_self',
  'coder:application_connect',
  'coder:templates.author',
  'coder:templates.build',
  'coder:workspaces.access',
  'coder:workspaces.create',
  'coder:workspaces.delete',
  'coder:workspaces.operate',
  'file:*',
  'file:create',
  'file:read',
  'organization:*',
  'organization:delete',
  'organization:read',
  'organization:update',
  'task:*',
  'task:create',
  'task:delete',
  'task:read',
  'task:update',
  'template:*',
  'template:create',
  'template:delete',
  'template:read',
  'template:update',
  'template:use',
  'user:read_personal',
  'user:update_personal',
  'user_secret:*',
  'user_secret:create',
  'user_secret:delete',
  'user_secret:read',
  'user_secret:update',
  'workspace:*',
  'workspace:application_connect',
  'workspace:create',
  'workspace:delete',
  'workspace:read',
  'workspace:ssh',
  'workspace:start',
  'workspace:stop',
  'workspace:update',
]

const ORG_MEMBER_ROLES = ['member', `organization-member:${ORG}`]
const OWN_WORKSPACE = { type: 'workspace', orgOwner: ORG, owner: ME }
const OWN_USER = { type: 'user', id: ME, owner: ME }

function memberWith(scopes: SubjectInput['scopes']) {
  return compileSubject({ id: ME, roles: ORG_MEMBER_ROLES, scopes })
}

describe('EXTERNAL_SCOPE_NAMES', () => {
  it('is exactly the 48-entry baseline', () => {
    expect(EXTERNAL_SCOPE_NAMES).toEqual(BASELINE_CATALOG)
    expect(EXTERNAL_SCOPE_NAMES).toHaveLength(48)
  })

  it('is sorted by byte order', () => {
    for (let index = 1; index < EXTERNAL_SCOPE_NAMES.length; index++) {
      const previous = EXTERNAL_SCOPE_NAMES[index - 1]!
      expect(previous < EXTERNAL_SCOPE_NAMES[index]!, previous).toBe(true)
    }
    expect(EXTERNAL_SCOPE_NAMES.indexOf('user:update_personal')).toBeLessThan(
      EXTERNAL_SCOPE_NAMES.indexOf('user_secret:*'),
    )
  })

  it('lists no alias', () => {
    expect(EXTERNAL_SCOPE_NAMES).not.toContain('all')
    expect(EXTERNAL_SCOPE_NAMES).not.toContain('application_connect')
  })

  it('is frozen', () => {
    expect(Object.isFrozen(EXTERNAL_SCOPE_NAMES)).toBe(true)
  })
})

describe('isKnownScope and normalizeScope', () => {
  it('accepts every listed name unchanged', () => {
    for (const name of EXTERNAL_SCOPE_NAMES) {
      expect(isKnownScope(name), name).toBe(true)
      expect(normalizeScope(name), name).toBe(name)
    }
  })

  it('maps the fork aliases onto canonical names', () => {
    expect(normalizeScope('all')).toBe('coder:all')
    expect(normalizeScope('application_connect')).toBe('coder:application_connect')
    expect(isKnownScope('all')).toBe(true)
  })

  it.each([
    '',
    'user.*',
    'user:read',
    'user:*',
    'no_user_data',
    'coder:ALL',
    'workspace:share',
    'banana:*',
  ])('rejects %j', (name) => {
    expect(isKnownScope(name)).toBe(false)
    expect(normalizeScope(name)).toBeUndefined()
    expect(expandScope(name)).toBeUndefined()
  })
})

describe('expandScope', () => {
  it('expands a low-level name to one site permission', () => {
    expect(expandScope('workspace:read')).toEqual({
      name: 'workspace:read',
      site: [{ resourceType: 'workspace', action: 'read', negate: false }],
      allowIds: ['*'],
    })
  })

  it('expands composites like upstream', () => {
    const build = expandScope('coder:templates.build')!
    expect(build.site.map((p) => `${p.resourceType}:${p.action}`).sort()).toEqual([
      'file:create',
      'file:read',
      'provisioner_jobs:read',
      'template:read',
    ])
    const create = expandScope('coder:workspaces.create')!
    expect(create.site.map((p) => `${p.resourceType}:${p.action}`).sort()).toEqual([
      'template:read',
      'template:use',
      'workspace:create',
      'workspace:read',
      'workspace:update',
    ])
  })

  it('expands the aliases', () => {
    expect(expandScope('all')?.name).toBe('coder:all')
  })
})

describe('authorize with scopes', () => {
  it('coder:all leaves the roles in charge', () => {
    const subject = memberWith(['coder:all'])
    expect(authorize(subject, 'update', OWN_USER)).toBe(false)
    expect(authorize(subject, 'update_personal', OWN_USER)).toBe(true)
    expect(authorize(subject, 'ssh', OWN_WORKSPACE)).toBe(true)
    expect(subject.scopesAllowEverything).toBe(true)
  })

  it('defaults to coder:all', () => {
    const subject = compileSubject({ id: ME, roles: ORG_MEMBER_ROLES })
    expect(authorize(subject, 'ssh', OWN_WORKSPACE)).toBe(true)
  })

  it('application_connect allows only application_connect', () => {
    const subject = memberWith(['coder:application_connect'])
    expect(authorize(subject, 'application_connect', OWN_WORKSPACE)).toBe(true)
    expect(authorize(subject, 'ssh', OWN_WORKSPACE)).toBe(false)
    expect(authorize(subject, 'read', OWN_WORKSPACE)).toBe(false)
    expect(authorize(subject, 'read', OWN_USER)).toBe(false)
  })

  it('a workspace:read token cannot update the user', () => {
    const owner = compileSubject({ id: ME, roles: ['owner', 'member'], scopes: ['workspace:read'] })
    expect(authorize(owner, 'update', { type: 'user', id: SOMEONE_ELSE })).toBe(false)
    expect(authorize(owner, 'update', OWN_USER)).toBe(false)
    expect(authorize(owner, 'read', { type: 'workspace', owner: SOMEONE_ELSE })).toBe(true)
    expect(authorize(owner, 'update', { type: 'workspace', owner: SOMEONE_ELSE })).toBe(false)
  })

  it('a scope never widens the roles', () => {
    const subject = memberWith(['workspace:*'])
    expect(authorize(subject, 'read', OWN_WORKSPACE)).toBe(true)
    expect(authorize(subject, 'read', { ...OWN_WORKSPACE, owner: SOMEONE_ELSE })).toBe(false)
  })

  it('several scopes allow their union', () => {
    const subject = memberWith(['workspace:read', 'user:update_personal'])
    expect(authorize(subject, 'read', OWN_WORKSPACE)).toBe(true)
    expect(authorize(subject, 'update_personal', OWN_USER)).toBe(true)
    expect(authorize(subject, 'update', OWN_WORKSPACE)).toBe(false)
    expect(authorize(subject, 'read_personal', OWN_USER)).toBe(false)
  })

  it('composite scopes combine', () => {
    const subject = memberWith(['coder:workspaces.operate', 'coder:workspaces.delete'])
    expect(authorize(subject, 'update', OWN_WORKSPACE)).toBe(true)
    expect(authorize(subject, 'delete', OWN_WORKSPACE)).toBe(true)
    expect(authorize(subject, 'ssh', OWN_WORKSPACE)).toBe(false)
    expect(authorize(subject, 'create', OWN_WORKSPACE)).toBe(false)
  })

  it('keeps each allow list with its own scope', () => {
    const oneWorkspace: Scope = {
      name: 'one-workspace',
      site: [{ resourceType: 'workspace', action: 'read', negate: false }],
      allowIds: [WORKSPACE_ID],
    }
    const subject = memberWith([oneWorkspace, 'template:read'])
    expect(authorize(subject, 'read', { ...OWN_WORKSPACE, id: WORKSPACE_ID })).toBe(true)
    expect(authorize(subject, 'read', { ...OWN_WORKSPACE, id: SOMEONE_ELSE })).toBe(false)
  })

  it('lets a scope deny within itself', () => {
    const noSsh: Scope = {
      name: 'no-ssh',
      site: [
        { resourceType: '*', action: '*', negate: false },
        { resourceType: 'workspace', action: 'ssh', negate: true },
      ],
      allowIds: ['*'],
    }
    const subject = memberWith([noSsh])
    expect(subject.scopesAllowEverything).toBe(false)
    expect(authorize(subject, 'ssh', OWN_WORKSPACE)).toBe(false)
    expect(authorize(subject, 'read', OWN_WORKSPACE)).toBe(true)
  })

  it('drops unknown scope names', () => {
    const subject = memberWith(['nonsense', 'workspace:read'])
    expect(subject.scopes).toHaveLength(1)
    expect(authorize(subject, 'read', OWN_WORKSPACE)).toBe(true)
  })

  it('denies everything without a valid scope', () => {
    expect(authorize(memberWith(['nonsense']), 'read', OWN_WORKSPACE)).toBe(false)
    expect(authorize(memberWith([]), 'read', OWN_WORKSPACE)).toBe(false)
  })

  it('task scopes match no built-in resource', () => {
    const subject = memberWith(['task:*'])
    expect(authorize(subject, 'read', OWN_WORKSPACE)).toBe(false)
  })
})

describe('compileSubject', () => {
  it('reuses compiled role sets', () => {
    const first = compileSubject({ id: ME, roles: ORG_MEMBER_ROLES })
    const second = compileSubject({ id: SOMEONE_ELSE, roles: ORG_MEMBER_ROLES })
    expect(second.roles).toBe(first.roles)
  })

  it('keeps the owner exec switch apart in the cache', () => {
    const normal = compileSubject({ id: ME, roles: ['owner'] })
    const restricted = compileSubject({
      id: ME,
      roles: ['owner'],
      roleOptions: { disableOwnerWorkspaceAccess: true },
    })
    const foreign = { type: 'workspace', owner: SOMEONE_ELSE }
    expect(authorize(normal, 'ssh', foreign)).toBe(true)
    expect(authorize(restricted, 'ssh', foreign)).toBe(false)
  })

  it('ignores prototype keys in ACLs', () => {
    const subject = compileSubject({
      id: 'constructor',
      roles: ORG_MEMBER_ROLES,
      groups: ['__proto__', 'toString'],
    })
    const object = { type: 'template', orgOwner: ORG, aclUserList: {}, aclGroupList: {} }
    expect(authorize(subject, 'read', object)).toBe(false)
  })

  it('ignores malformed ACL entries', () => {
    const subject = compileSubject({ id: ME, roles: ORG_MEMBER_ROLES })
    const object = {
      type: 'template',
      orgOwner: ORG,
      aclUserList: { [ME]: 'read' as unknown as string[] },
    }
    expect(authorize(subject, 'read', object)).toBe(false)
  })
})

describe('compileSubject role cache', () => {
  it('does not confuse a crafted identifier with two roles', () => {
    const real = compileSubject({ id: ME, roles: ['owner', 'member'] })
    const crafted = compileSubject({ id: ME, roles: ['owner\u0000member'] })
    expect(authorize(real, 'read', { type: 'license' })).toBe(true)
    expect(authorize(crafted, 'read', { type: 'license' })).toBe(false)
  })
})

import { describe, expect, it } from 'vitest'

import type { Permission } from '../../src/rbac'
import {
  BUILTIN_ORGANIZATION_ROLE_NAMES,
  BUILTIN_SITE_ROLE_NAMES,
  RESOURCE_ACTIONS,
  RESOURCE_TYPES,
  canAssignRole,
  collectSubjectRoles,
  expandRoleIdentifiers,
  formatRoleIdentifier,
  getBuiltinRole,
  isReservedRoleName,
  parseRoleIdentifier,
  parseUuid,
  roleDisplayName,
} from '../../src/rbac'

const ORG = '9b0a8c1e-6a4f-4b43-9c1d-1f1e2d3c4b5a'
const OTHER_ORG = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f'

function wildcardTypes(permissions: readonly Permission[]): string[] {
  return permissions
    .filter((permission) => permission.action === '*' && !permission.negate)
    .map((permission) => permission.resourceType)
    .sort()
}

function actionsFor(permissions: readonly Permission[], type: string): string[] {
  return permissions
    .filter((permission) => permission.resourceType === type)
    .map((permission) => permission.action)
    .sort()
}

function except(...types: string[]): string[] {
  return RESOURCE_TYPES.filter((type) => !types.includes(type)).sort()
}

describe('resource table', () => {
  it('has the 39 resource types', () => {
    expect(RESOURCE_TYPES).toHaveLength(39)
    expect(RESOURCE_TYPES).not.toContain('*')
  })

  it('gives dormant workspaces the workspace actions', () => {
    expect(RESOURCE_ACTIONS.workspace_dormant).toEqual(RESOURCE_ACTIONS.workspace)
    expect(RESOURCE_ACTIONS.workspace).toHaveLength(10)
  })
})

describe('built-in roles', () => {
  it('owner gets every type but the excluded ones as wildcards', () => {
    const owner = getBuiltinRole('owner')!
    expect(wildcardTypes(owner.site)).toEqual(
      except('workspace_dormant', 'prebuilt_workspace', 'workspace', 'user_secret', 'usage_event'),
    )
    expect(actionsFor(owner.site, 'workspace')).toEqual([...RESOURCE_ACTIONS.workspace].sort())
    expect(actionsFor(owner.site, 'workspace_dormant')).toEqual(
      ['create', 'create_agent', 'delete', 'delete_agent', 'read', 'stop', 'update'].sort(),
    )
    expect(actionsFor(owner.site, 'prebuilt_workspace')).toEqual(['delete', 'update'])
    expect(owner.user).toEqual([])
    expect(owner.org).toEqual({})
  })

  it('owner loses exec when workspace access is disabled', () => {
    const owner = getBuiltinRole('owner', '', { disableOwnerWorkspaceAccess: true })!
    const actions = actionsFor(owner.site, 'workspace')
    expect(actions).not.toContain('ssh')
    expect(actions).not.toContain('application_connect')
    expect(actions).toHaveLength(8)
  })

  it('member grants owned objects at user level', () => {
    const role = getBuiltinRole('member')!
    expect(wildcardTypes(role.user)).toEqual(
      except('workspace_dormant', 'prebuilt_workspace', 'user', 'organization_member'),
    )
    expect(actionsFor(role.user, 'user')).toEqual(['read', 'read_personal', 'update_personal'])
    expect(actionsFor(role.user, 'organization_member')).toEqual(['read'])
    expect(actionsFor(role.site, 'assign_role')).toEqual(['read'])
    expect(actionsFor(role.site, 'oauth2_app')).toEqual(['read'])
    expect(actionsFor(role.site, 'workspace_proxy')).toEqual(['read'])
    expect(role.site).toHaveLength(3)
  })

  it('organization-admin grants its organization only', () => {
    const role = getBuiltinRole('organization-admin', ORG)!
    expect(Object.keys(role.org)).toEqual([ORG])
    const org = role.org[ORG]!
    expect(wildcardTypes(org)).toEqual(
      except('workspace', 'workspace_dormant', 'prebuilt_workspace', 'assign_role', 'user_secret'),
    )
    expect(actionsFor(org, 'workspace')).not.toContain('ssh')
    expect(actionsFor(org, 'workspace')).toHaveLength(8)
    expect(role.site).toEqual([{ resourceType: 'user', action: 'read', negate: false }])
  })

  it('workspace creation ban only denies', () => {
    const role = getBuiltinRole('organization-workspace-creation-ban', ORG)!
    const org = role.org[ORG]!
    expect(org.every((permission) => permission.negate)).toBe(true)
    expect(actionsFor(org, 'workspace')).toEqual(
      ['create', 'create_agent', 'delete', 'delete_agent'].sort(),
    )
  })

  it('organization-member has an empty display name', () => {
    expect(roleDisplayName('organization-member')).toBe('')
    expect(getBuiltinRole('organization-member', ORG)!.displayName).toBe('')
    expect(roleDisplayName('template-admin')).toBe('Template Admin')
    expect(roleDisplayName('organization-workspace-creation-ban')).toBe(
      'Organization Workspace Creation Ban',
    )
    expect(roleDisplayName('custom')).toBeUndefined()
  })

  it('rejects roles scoped the wrong way', () => {
    expect(getBuiltinRole('owner', ORG)).toBeUndefined()
    expect(getBuiltinRole('auditor', ORG)).toBeUndefined()
    expect(getBuiltinRole('organization-admin')).toBeUndefined()
    expect(getBuiltinRole('no-such-role')).toBeUndefined()
  })

  it('freezes built-in roles', () => {
    const owner = getBuiltinRole('owner')!
    expect(Object.isFrozen(owner)).toBe(true)
    expect(Object.isFrozen(owner.site)).toBe(true)
    expect(Object.isFrozen(owner.site[0])).toBe(true)
  })

  it('reserves every built-in name', () => {
    for (const name of [...BUILTIN_SITE_ROLE_NAMES, ...BUILTIN_ORGANIZATION_ROLE_NAMES]) {
      expect(isReservedRoleName(name), name).toBe(true)
    }
    expect(isReservedRoleName('custom-role')).toBe(false)
  })
})

describe('parseUuid', () => {
  it.each([
    [ORG, ORG],
    [ORG.toUpperCase(), ORG],
    [`{${ORG}}`, ORG],
    [`urn:uuid:${ORG}`, ORG],
    [`URN:UUID:${ORG}`, ORG],
    [ORG.replaceAll('-', ''), ORG],
  ])('accepts %s', (input, expected) => {
    expect(parseUuid(input)).toBe(expected)
  })

  it.each(['', 'abc', `${ORG}0`, ORG.replace('-', '_'), ORG.replace('9', 'g'), `{${ORG}`])(
    'rejects %s',
    (input) => {
      expect(parseUuid(input)).toBeUndefined()
    },
  )
})

describe('parseRoleIdentifier', () => {
  it('parses site and organization roles', () => {
    expect(parseRoleIdentifier('owner')).toEqual({ name: 'owner', organizationId: '' })
    expect(parseRoleIdentifier(`organization-admin:${ORG.toUpperCase()}`)).toEqual({
      name: 'organization-admin',
      organizationId: ORG,
    })
  })

  it('treats the nil UUID as no organization', () => {
    expect(parseRoleIdentifier('owner:00000000-0000-0000-0000-000000000000')).toEqual({
      name: 'owner',
      organizationId: '',
    })
  })

  it.each(['', ':' + ORG, `a:${ORG}:b`, 'organization-admin:', 'organization-admin:nope'])(
    'rejects %j',
    (input) => {
      expect(parseRoleIdentifier(input)).toBeUndefined()
    },
  )

  it('formats back to the stored form', () => {
    expect(formatRoleIdentifier({ name: 'member', organizationId: '' })).toBe('member')
    expect(formatRoleIdentifier({ name: 'organization-admin', organizationId: ORG })).toBe(
      `organization-admin:${ORG}`,
    )
  })
})

describe('expandRoleIdentifiers', () => {
  it('drops unknown and inconsistent identifiers', () => {
    const roles = expandRoleIdentifiers([
      'member',
      'bogus',
      `owner:${ORG}`,
      'organization-admin',
      `organization-auditor:${ORG}`,
      'auditor:not-a-uuid',
    ])
    expect(roles.map((role) => formatRoleIdentifier(role))).toEqual([
      'member',
      `organization-auditor:${ORG}`,
    ])
  })
})

describe('collectSubjectRoles', () => {
  it('adds the implicit member roles', () => {
    expect(
      collectSubjectRoles(
        ['owner'],
        [
          { organizationId: ORG, roles: ['organization-admin'] },
          { organizationId: OTHER_ORG, roles: [] },
        ],
      ),
    ).toEqual([
      'owner',
      'member',
      `organization-member:${ORG}`,
      `organization-admin:${ORG}`,
      `organization-member:${OTHER_ORG}`,
    ])
  })

  it('does not duplicate a stored member role', () => {
    expect(collectSubjectRoles(['member'])).toEqual(['member'])
  })
})

describe('canAssignRole', () => {
  const everyOrgRole = BUILTIN_ORGANIZATION_ROLE_NAMES.map((name) => `${name}:${ORG}`)

  it('lets owner assign every role', () => {
    for (const role of [...BUILTIN_SITE_ROLE_NAMES, ...everyOrgRole, 'custom', `custom:${ORG}`]) {
      expect(canAssignRole(['owner', 'member'], role), role).toBe(true)
    }
  })

  it.each([
    ['member', true],
    [`organization-member:${ORG}`, true],
    ['owner', false],
    ['auditor', false],
    ['template-admin', false],
    ['user-admin', false],
    [`organization-admin:${ORG}`, false],
    ['custom', false],
  ])('user-admin assigning %s is %s', (role, expected) => {
    expect(canAssignRole(['member', 'user-admin'], role)).toBe(expected)
  })

  it('lets organization-admin assign organization roles in its organization', () => {
    const admin = ['member', `organization-member:${ORG}`, `organization-admin:${ORG}`]
    for (const role of [...everyOrgRole, `custom:${ORG}`]) {
      expect(canAssignRole(admin, role), role).toBe(true)
    }
    expect(canAssignRole(admin, `organization-admin:${OTHER_ORG}`)).toBe(false)
    expect(canAssignRole(admin, 'member')).toBe(false)
    expect(canAssignRole(admin, 'custom')).toBe(false)
  })

  it('lets organization-user-admin assign organization-member only', () => {
    const admin = [`organization-user-admin:${ORG}`]
    expect(canAssignRole(admin, `organization-member:${ORG}`)).toBe(true)
    expect(canAssignRole(admin, `organization-member:${OTHER_ORG}`)).toBe(false)
    expect(canAssignRole(admin, `organization-auditor:${ORG}`)).toBe(false)
  })

  it('denies members, auditors and template admins', () => {
    for (const assigner of ['member', 'auditor', 'template-admin', `organization-auditor:${ORG}`]) {
      expect(canAssignRole([assigner], `organization-member:${ORG}`), assigner).toBe(false)
      expect(canAssignRole([assigner], 'member'), assigner).toBe(false)
    }
  })

  it('rejects malformed or mis-scoped targets', () => {
    expect(canAssignRole(['owner'], 'organization-admin')).toBe(false)
    expect(canAssignRole(['owner'], `auditor:${ORG}`)).toBe(false)
    expect(canAssignRole(['owner'], 'a:b:c')).toBe(false)
    expect(canAssignRole(['owner:bad'], 'member')).toBe(false)
  })

  it('accepts parsed identifiers', () => {
    expect(
      canAssignRole([{ name: 'organization-admin', organizationId: ORG }], {
        name: 'organization-template-admin',
        organizationId: ORG,
      }),
    ).toBe(true)
  })
})

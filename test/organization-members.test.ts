import { describe, expect, it } from 'vitest'
import { formatRfc3339 } from '../src/time'
import { api, query } from './helpers/api'
import {
  createUser,
  defaultOrganizationId,
  insertOrganization,
  setupOwner,
  type TestUser,
} from './helpers/users'

const NOT_FOUND = { message: 'Resource not found or you do not have access to this resource' }
const FORBIDDEN = {
  message: 'Forbidden.',
  detail:
    "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.",
}

async function storedMemberRoles(organizationId: string, userId: string) {
  const [row] = await query<{ roles: string }>(
    'SELECT roles FROM organization_members WHERE organization_id = ?1 AND user_id = ?2',
    organizationId,
    userId,
  )
  return row === undefined ? undefined : (JSON.parse(row.roles) as string[])
}

function putMemberRoles(actor: TestUser, organization: string, user: string, roles: unknown) {
  return api(`/organizations/${organization}/members/${user}/roles`, {
    method: 'PUT',
    token: actor.token,
    json: { roles },
  })
}

describe('GET /api/v2/organizations/{organization}/members', () => {
  it('lists members with their user data', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice', { roles: ['auditor'] })
    const organizationId = await defaultOrganizationId()
    const response = await api('/organizations/default/members', { token: owner.token })
    expect(response.status).toBe(200)
    const [membership] = await query<{ created_at: number; updated_at: number }>(
      'SELECT created_at, updated_at FROM organization_members WHERE user_id = ?1',
      alice.id,
    )
    const members = (await response.json()) as Record<string, unknown>[]
    expect(members.map((member) => member.username)).toEqual(['alice', 'owner'])
    expect(members[0]).toEqual({
      username: 'alice',
      name: '',
      avatar_url: '',
      email: 'alice@example.com',
      global_roles: [{ name: 'auditor', display_name: 'Auditor' }],
      user_id: alice.id,
      organization_id: organizationId,
      created_at: formatRfc3339(membership?.created_at),
      updated_at: formatRfc3339(membership?.updated_at),
      roles: [],
    })
  })

  it.each(['default', 'coder', 'CODER', 'id', '00000000-0000-0000-0000-000000000000'])(
    'finds the default organization as %s',
    async (param) => {
      const owner = await setupOwner()
      const organization = param === 'id' ? await defaultOrganizationId() : param
      const response = await api(`/organizations/${organization}/members`, { token: owner.token })
      expect(response.status).toBe(200)
    },
  )

  it('shows a member only their own membership', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await api('/organizations/coder/members', { token: alice.token })
    expect(response.status).toBe(200)
    const members = (await response.json()) as { username: string }[]
    expect(members.map((member) => member.username)).toEqual(['alice'])
  })

  it('returns 404 for unreadable organizations', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    await insertOrganization('secret')
    for (const [token, organization] of [
      [owner.token, 'nowhere'],
      [alice.token, 'secret'],
    ] as const) {
      const response = await api(`/organizations/${organization}/members`, { token })
      expect(response.status).toBe(404)
      expect(await response.json()).toEqual(NOT_FOUND)
    }
  })
})

describe('POST /api/v2/organizations/{organization}/members/{user}', () => {
  it('adds a user to an organization', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const organizationId = await insertOrganization('research')
    const response = await api(`/organizations/research/members/${alice.username}`, {
      method: 'POST',
      token: owner.token,
    })
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({
      user_id: alice.id,
      organization_id: organizationId,
      created_at: body.created_at,
      updated_at: body.created_at,
      roles: [],
    })
    expect(await storedMemberRoles(organizationId, alice.id)).toEqual([])
    const me = (await (await api('/users/me', { token: alice.token })).json()) as {
      organization_ids: string[]
    }
    expect(me.organization_ids).toContain(organizationId)
  })

  it('rejects an existing member', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await api(`/organizations/default/members/${alice.id}`, {
      method: 'POST',
      token: owner.token,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Organization member already exists in this organization',
    })
  })

  it('returns 404 to an auditor', async () => {
    const owner = await setupOwner()
    const auditor = await createUser(owner.token, 'auditor', { roles: ['auditor'] })
    const bob = await createUser(owner.token, 'bob')
    const organizationId = await insertOrganization('research')
    const response = await api(`/organizations/research/members/${bob.id}`, {
      method: 'POST',
      token: auditor.token,
    })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual(NOT_FOUND)
    expect(await storedMemberRoles(organizationId, bob.id)).toBeUndefined()
  })

  it('lets a user admin add members', async () => {
    const owner = await setupOwner()
    const userAdmin = await createUser(owner.token, 'user-admin', { roles: ['user-admin'] })
    const bob = await createUser(owner.token, 'bob')
    await insertOrganization('research')
    const response = await api(`/organizations/research/members/${bob.id}`, {
      method: 'POST',
      token: userAdmin.token,
    })
    expect(response.status).toBe(200)
  })
})

describe('DELETE /api/v2/organizations/{organization}/members/{user}', () => {
  it('removes a member', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const organizationId = await defaultOrganizationId()
    const response = await api(`/organizations/default/members/${alice.id}`, {
      method: 'DELETE',
      token: owner.token,
    })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(await storedMemberRoles(organizationId, alice.id)).toBeUndefined()
    const audit = await query<{ action: string }>(
      "SELECT action FROM audit_log WHERE resource_type = 'organization_member'",
    )
    expect(audit.map((row) => row.action)).toEqual(['delete'])
  })

  it('rejects removing yourself', async () => {
    const owner = await setupOwner()
    const response = await api('/organizations/default/members/me', {
      method: 'DELETE',
      token: owner.token,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'cannot remove self from an organization' })
  })

  it('returns 404 for a non-member', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    await insertOrganization('research')
    const response = await api(`/organizations/research/members/${alice.id}`, {
      method: 'DELETE',
      token: owner.token,
    })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual(NOT_FOUND)
  })

  it('returns 404 to a member', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const bob = await createUser(owner.token, 'bob')
    const response = await api(`/organizations/default/members/${bob.username}`, {
      method: 'DELETE',
      token: alice.token,
    })
    expect(response.status).toBe(404)
    expect(await storedMemberRoles(await defaultOrganizationId(), bob.id)).toEqual([])
  })

  it('returns 400 for an unknown user', async () => {
    const owner = await setupOwner()
    const response = await api('/organizations/default/members/nobody', {
      method: 'DELETE',
      token: owner.token,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: '"user" must be an existing uuid or username.',
      detail: 'queried user="nobody"',
    })
  })
})

describe('PUT /api/v2/organizations/{organization}/members/{user}/roles', () => {
  it('lets an owner grant an organization role', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const organizationId = await defaultOrganizationId()
    const response = await putMemberRoles(owner, 'coder', alice.id, ['organization-admin'])
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({
      user_id: alice.id,
      organization_id: organizationId,
      created_at: body.created_at,
      updated_at: body.updated_at,
      roles: [
        {
          name: 'organization-admin',
          display_name: 'Organization Admin',
          organization_id: organizationId,
        },
      ],
    })
    expect(await storedMemberRoles(organizationId, alice.id)).toEqual(['organization-admin'])
    // The new role applies at once: an organization admin may read every user.
    expect((await api('/users/owner', { token: alice.token })).status).toBe(200)
  })

  it('rejects a change of own roles', async () => {
    const owner = await setupOwner()
    const response = await putMemberRoles(owner, 'default', 'me', ['organization-admin'])
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'You cannot change your own organization roles.',
      detail: 'Another user with the appropriate permissions must change your roles.',
    })
  })

  it.each([
    [
      'a role with an organization suffix',
      (id: string) => [`organization-admin:${id}`],
      (id: string) =>
        `attempt to assign a role "organization-admin:${id}", remove the ':<organization_id> suffix`,
    ],
    ['an unknown role', () => ['banana'], (id: string) => `"banana:${id}" is not a supported role`],
    ['a site role', () => ['auditor'], (id: string) => `"auditor:${id}" is not a supported role`],
  ])('rejects %s and changes nothing', async (_, roles, message) => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const organizationId = await defaultOrganizationId()
    const response = await putMemberRoles(owner, 'default', alice.id, roles(organizationId))
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: message(organizationId) })
    expect(await storedMemberRoles(organizationId, alice.id)).toEqual([])
  })

  it('lets an organization admin grant roles', async () => {
    const owner = await setupOwner()
    const admin = await createUser(owner.token, 'org-admin', {
      organizationRoles: ['organization-admin'],
    })
    const alice = await createUser(owner.token, 'alice')
    const response = await putMemberRoles(admin, 'default', alice.id, [
      'organization-user-admin',
      'organization-auditor',
    ])
    expect(response.status).toBe(200)
  })

  it('rejects an organization user admin', async () => {
    const owner = await setupOwner()
    const userAdmin = await createUser(owner.token, 'org-user-admin', {
      organizationRoles: ['organization-user-admin'],
    })
    const alice = await createUser(owner.token, 'alice')
    const organizationId = await defaultOrganizationId()
    const response = await putMemberRoles(userAdmin, 'default', alice.id, ['organization-admin'])
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: `not authorized to assign role "organization-admin:${organizationId}"`,
    })
    expect(await storedMemberRoles(organizationId, alice.id)).toEqual([])
  })

  it('rejects a site user admin', async () => {
    const owner = await setupOwner()
    const userAdmin = await createUser(owner.token, 'user-admin', { roles: ['user-admin'] })
    const alice = await createUser(owner.token, 'alice')
    const response = await putMemberRoles(userAdmin, 'default', alice.id, ['organization-admin'])
    expect(response.status).toBe(400)
  })

  it('returns 403 to an auditor', async () => {
    const owner = await setupOwner()
    const auditor = await createUser(owner.token, 'auditor', { roles: ['auditor'] })
    const alice = await createUser(owner.token, 'alice')
    const response = await putMemberRoles(auditor, 'default', alice.id, ['organization-auditor'])
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual(FORBIDDEN)
  })

  it('returns 404 to a member', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const bob = await createUser(owner.token, 'bob')
    const response = await putMemberRoles(alice, 'default', bob.id, ['organization-admin'])
    expect(response.status).toBe(404)
    expect(await storedMemberRoles(await defaultOrganizationId(), bob.id)).toEqual([])
  })

  it('keeps one result under parallel updates', async () => {
    const owner = await setupOwner()
    const admin = await createUser(owner.token, 'org-admin', {
      organizationRoles: ['organization-admin'],
    })
    const alice = await createUser(owner.token, 'alice')
    const organizationId = await defaultOrganizationId()
    const requested = [['organization-auditor'], ['organization-template-admin']]
    const responses = await Promise.all([
      putMemberRoles(owner, 'default', alice.id, requested[0]),
      putMemberRoles(admin, 'default', alice.id, requested[1]),
    ])
    expect(responses.map((response) => response.status)).toEqual([200, 200])
    expect(requested).toContainEqual(await storedMemberRoles(organizationId, alice.id))
  })
})

import { describe, expect, it } from 'vitest'
import { api, createOwner, insertUser, login, OWNER, query } from './helpers/api'

const MEMBER = { email: 'member@example.com', username: 'member', password: 'SomeSecurePassword!' }

async function authcheck(token: string, checks: unknown) {
  return api('/authcheck', { method: 'POST', token, json: { checks } })
}

/** Creates the owner and a plain member of the default organization; returns their tokens. */
async function ownerAndMember() {
  const ownerId = await createOwner()
  const ownerToken = await login()
  const created = await api('/users', {
    method: 'POST',
    token: ownerToken,
    json: { ...MEMBER, login_type: 'password', organization_ids: [] },
  })
  let memberId: string
  if (created.status === 201) {
    memberId = ((await created.json()) as { id: string }).id
  } else {
    // User management may not be mounted yet; create the member directly.
    memberId = await insertUser({ email: MEMBER.email, username: MEMBER.username })
    const hash = (
      await query<{ hashed_password: string }>(
        'SELECT hashed_password FROM users WHERE id = ?',
        ownerId,
      )
    )[0]?.hashed_password
    await query('UPDATE users SET hashed_password = ? WHERE id = ?', hash, memberId)
    const [org] = await query<{ id: string }>('SELECT id FROM organizations')
    await query(
      "INSERT INTO organization_members (user_id, organization_id, roles, created_at, updated_at) VALUES (?, ?, '[]', 0, 0)",
      memberId,
      org?.id,
    )
  }
  const memberToken = await login(
    MEMBER.email,
    created.status === 201 ? MEMBER.password : OWNER.password,
  )
  const [org] = await query<{ id: string }>('SELECT id FROM organizations')
  return { ownerId, ownerToken, memberId, memberToken, orgId: org?.id as string }
}

describe('POST /api/v2/authcheck', () => {
  it('answers each check for the owner and a member', async () => {
    const { ownerToken, memberToken, ownerId, orgId } = await ownerAndMember()
    const checks = {
      readUsers: { action: 'read', object: { resource_type: 'user' } },
      createTemplate: {
        action: 'create',
        object: { resource_type: 'template', organization_id: orgId },
      },
      ownWorkspace: {
        action: 'create',
        object: { resource_type: 'workspace', owner_id: 'me', organization_id: orgId },
      },
      updateOwner: { action: 'update', object: { resource_type: 'user', resource_id: ownerId } },
      readOwner: { action: 'read', object: { resource_type: 'user', resource_id: ownerId } },
      wildcardType: { action: 'read', object: { resource_type: '*' } },
    }
    const asOwner = await authcheck(ownerToken, checks)
    expect(asOwner.status).toBe(200)
    expect(await asOwner.json()).toEqual({
      createTemplate: true,
      ownWorkspace: true,
      readOwner: true,
      readUsers: true,
      updateOwner: true,
      wildcardType: false,
    })
    const asMember = await authcheck(memberToken, checks)
    expect(await asMember.json()).toEqual({
      createTemplate: false,
      ownWorkspace: true,
      readOwner: false,
      readUsers: false,
      updateOwner: false,
      wildcardType: false,
    })
  })

  it('sorts keys by their bytes as Go does, and keeps odd keys as data', async () => {
    const { ownerToken } = await ownerAndMember()
    const check = { action: 'read', object: { resource_type: 'user' } }
    const response = await authcheck(ownerToken, {
      '10': check,
      '2': check,
      __proto__x: check,
      a: check,
    })
    const text = await response.text()
    expect(text).toBe('{"10":true,"2":true,"__proto__x":true,"a":true}\n')
    const proto = await api('/authcheck', {
      method: 'POST',
      token: ownerToken,
      body: '{"checks":{"__proto__":{"action":"read","object":{"resource_type":"user"}}}}',
    })
    expect(await proto.text()).toBe('{"__proto__":true}\n')
  })

  it('answers {} for missing or null checks', async () => {
    const { ownerToken } = await ownerAndMember()
    for (const body of ['{}', '{"checks":null}', 'null']) {
      const response = await api('/authcheck', { method: 'POST', token: ownerToken, body })
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('{}\n')
    }
  })

  it('rejects more than 10 resource ids before anything else', async () => {
    const { ownerToken } = await ownerAndMember()
    const checks = Object.fromEntries(
      Array.from({ length: 11 }, (_, i) => [
        `k${i}`,
        { action: 'read', object: { resource_type: '', resource_id: 'not-a-uuid' } },
      ]),
    )
    const response = await authcheck(ownerToken, checks)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message:
        'Endpoint only supports using "resource_id" field 10 times, found 11 usages. Remove 1 objects with this field set.',
    })
  })

  it.each([
    [
      { action: 'read', object: {} },
      { message: 'Object\'s "resource_type" field must be defined for key "k".' },
    ],
    [
      { action: 'read', object: { resource_type: 'user', resource_id: 'abc' } },
      {
        message: 'Object "abc" id is not a valid uuid.',
        validations: [{ field: 'resource_id', detail: 'invalid UUID length: 3' }],
      },
    ],
    [
      {
        action: 'read',
        object: { resource_type: 'user', resource_id: 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz' },
      },
      {
        message: 'Object "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz" id is not a valid uuid.',
        validations: [{ field: 'resource_id', detail: 'invalid UUID format' }],
      },
    ],
    [
      {
        action: 'read',
        object: { resource_type: 'license', resource_id: '5b6f2b8e-0c4e-4c9a-9a43-6d0c1b2f9a10' },
      },
      {
        message: 'Object type "license" does not support "resource_id" field.',
        validations: [
          {
            field: 'resource_type',
            detail: 'Object type "license" does not support "resource_id" field.',
          },
        ],
      },
    ],
  ])('returns 400 for %j', async (check, expected) => {
    const { ownerToken } = await ownerAndMember()
    const response = await authcheck(ownerToken, { k: check })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(expected)
  })

  it('answers false for objects this service does not store and for unknown users', async () => {
    const { ownerToken } = await ownerAndMember()
    const id = '5b6f2b8e-0c4e-4c9a-9a43-6d0c1b2f9a10'
    const response = await authcheck(ownerToken, {
      workspace: { action: 'read', object: { resource_type: 'workspace', resource_id: id } },
      template: { action: 'read', object: { resource_type: 'template', resource_id: id } },
      group: { action: 'read', object: { resource_type: 'group', resource_id: id } },
      user: { action: 'read', object: { resource_type: 'user', resource_id: id } },
      bracedUser: { action: 'read', object: { resource_type: 'user', resource_id: `{${id}}` } },
    })
    expect(await response.json()).toEqual({
      bracedUser: false,
      group: false,
      template: false,
      user: false,
      workspace: false,
    })
  })

  it('loads a user by id in any form Go accepts', async () => {
    const { ownerToken, memberId } = await ownerAndMember()
    const response = await authcheck(ownerToken, {
      plain: { action: 'update', object: { resource_type: 'user', resource_id: memberId } },
      upper: {
        action: 'update',
        object: { resource_type: 'user', resource_id: memberId.toUpperCase() },
      },
      urn: {
        action: 'update',
        object: { resource_type: 'user', resource_id: `urn:uuid:${memberId}` },
      },
      hex: {
        action: 'update',
        object: { resource_type: 'user', resource_id: memberId.replaceAll('-', '') },
      },
    })
    expect(await response.json()).toEqual({ hex: true, plain: true, upper: true, urn: true })
  })

  it('answers false for a contradictory any_org object', async () => {
    const { ownerToken, orgId } = await ownerAndMember()
    const response = await authcheck(ownerToken, {
      k: {
        action: 'read',
        object: { resource_type: 'template', any_org: true, organization_id: orgId },
      },
    })
    expect(await response.json()).toEqual({ k: false })
  })

  it('applies the API key scopes of the caller', async () => {
    const { ownerToken, ownerId } = await ownerAndMember()
    const created = await api('/users/me/keys/tokens', {
      method: 'POST',
      token: ownerToken,
      json: { token_name: 'read-workspaces', scopes: ['workspace:read'] },
    })
    expect(created.status).toBe(201)
    const scoped = ((await created.json()) as { key: string }).key
    const checks = {
      updateUser: { action: 'update', object: { resource_type: 'user', resource_id: ownerId } },
      readWorkspace: { action: 'read', object: { resource_type: 'workspace', owner_id: 'me' } },
    }
    expect(await (await authcheck(scoped, checks)).json()).toEqual({
      readWorkspace: true,
      updateUser: false,
    })
    expect(await (await authcheck(ownerToken, checks)).json()).toEqual({
      readWorkspace: true,
      updateUser: true,
    })
  })

  it('requires a session', async () => {
    const response = await api('/authcheck', { method: 'POST', json: { checks: {} } })
    expect(response.status).toBe(401)
  })
})

import { describe, expect, it } from 'vitest'
import { formatRfc3339 } from '../src/time'
import { api, apiWithSettings, login, query } from './helpers/api'
import {
  countKeys,
  createUser,
  defaultOrganizationId,
  insertOrganization,
  setupOwner,
  storedRoles,
  USER_PASSWORD,
  type TestUser,
} from './helpers/users'

const NOT_AUTHORIZED_TO_CREATE = { message: 'You are not authorized to create users.' }
const FORBIDDEN = {
  message: 'Forbidden.',
  detail:
    "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.",
}
const USER_EXISTS = { message: 'User already exists.' }

function userParamError(param: string) {
  return {
    message: '"user" must be an existing uuid or username.',
    detail: `queried user="${param}"`,
  }
}

async function newUserBody(username: string, extra: Record<string, unknown> = {}) {
  return {
    email: `${username}@example.com`,
    username,
    password: USER_PASSWORD,
    organization_ids: [await defaultOrganizationId()],
    ...extra,
  }
}

async function countUsers(): Promise<number> {
  const [row] = await query<{ n: number }>('SELECT count(*) AS n FROM users WHERE deleted = 0')
  return row?.n ?? 0
}

async function auditActions(resourceId: string): Promise<string[]> {
  const rows = await query<{ action: string }>(
    'SELECT action FROM audit_log WHERE resource_id = ?1 ORDER BY id',
    resourceId,
  )
  return rows.map((row) => row.action)
}

/** Creates an owner and one user of each built-in site role, plus an organization admin. */
async function setupRoles() {
  const owner = await setupOwner()
  return {
    owner,
    member: await createUser(owner.token, 'member'),
    auditor: await createUser(owner.token, 'auditor', { roles: ['auditor'] }),
    templateAdmin: await createUser(owner.token, 'template-admin', { roles: ['template-admin'] }),
    userAdmin: await createUser(owner.token, 'user-admin', { roles: ['user-admin'] }),
    organizationAdmin: await createUser(owner.token, 'org-admin', {
      organizationRoles: ['organization-admin'],
    }),
  }
}

describe('member permissions', () => {
  it('lets a member change nobody', async () => {
    const { owner, member, auditor } = await setupRoles()
    const target = auditor.id
    const [before] = await query('SELECT * FROM users WHERE id = ?1', target)
    const attempts: [string, string, unknown, number][] = [
      ['PUT', `/users/${target}/roles`, { roles: [] }, 400],
      ['PUT', `/users/${target}/status/suspend`, undefined, 400],
      ['DELETE', `/users/${target}`, undefined, 400],
      ['PUT', `/users/${target}/password`, { password: 'Lantern-Granite-Vivid-207' }, 400],
      ['POST', `/organizations/default/members/${target}`, undefined, 400],
      ['DELETE', `/organizations/default/members/${target}`, undefined, 404],
      ['PUT', `/organizations/default/members/${target}/roles`, { roles: [] }, 404],
      ['PUT', `/users/${owner.id}/roles`, { roles: [] }, 400],
    ]
    for (const [method, path, json, status] of attempts) {
      const response = await api(path, { method, token: member.token, json })
      expect(response.status, `${method} ${path}`).toBe(status)
    }

    const [after] = await query('SELECT * FROM users WHERE id = ?1', target)
    expect(after).toEqual(before)
    expect(await storedRoles(owner.id)).toEqual(['owner'])
    expect(await countKeys(target)).toBe(1)
    const memberships = await query('SELECT * FROM organization_members WHERE user_id = ?1', target)
    expect(memberships).toHaveLength(1)
  })
})

describe('POST /api/v2/users', () => {
  it('creates a dormant user in the default organization', async () => {
    const owner = await setupOwner()
    const organizationId = await defaultOrganizationId()
    const response = await api('/users', {
      method: 'POST',
      token: owner.token,
      json: await newUserBody('alice', { name: 'Alice Liddell' }),
    })
    expect(response.status).toBe(201)

    const body = (await response.json()) as { id: string }
    const [row] = await query<Record<string, unknown>>('SELECT * FROM users WHERE id = ?1', body.id)
    expect(body).toEqual({
      id: body.id,
      username: 'alice',
      name: 'Alice Liddell',
      email: 'alice@example.com',
      created_at: formatRfc3339(row?.created_at as number),
      updated_at: formatRfc3339(row?.updated_at as number),
      last_seen_at: '0001-01-01T00:00:00Z',
      status: 'dormant',
      login_type: 'password',
      organization_ids: [organizationId],
      roles: [],
    })

    expect(row?.rbac_roles).toBe('[]')
    expect(row?.hashed_password).toMatch(/^\$argon2id\$/)
    const memberships = await query(
      'SELECT * FROM organization_members WHERE user_id = ?1',
      body.id,
    )
    expect(memberships).toHaveLength(1)
    expect(await auditActions(body.id)).toEqual(['create'])
  })

  it('lets the new user log in once active', async () => {
    const owner = await setupOwner()
    const response = await api('/users', {
      method: 'POST',
      token: owner.token,
      json: await newUserBody('bob', { user_status: 'active' }),
    })
    expect(response.status).toBe(201)
    expect(((await response.json()) as { status: string }).status).toBe('active')
    await expect(login('bob@example.com', USER_PASSWORD)).resolves.toMatch(/^\w{10}-\w{22}$/)
  })

  it('lets a user admin create users', async () => {
    const { userAdmin } = await setupRoles()
    const response = await api('/users', {
      method: 'POST',
      token: userAdmin.token,
      json: await newUserBody('carol'),
    })
    expect(response.status).toBe(201)
  })

  it.each(['member', 'auditor', 'templateAdmin', 'organizationAdmin'] as const)(
    'rejects a %s and creates nothing',
    async (role) => {
      const users = await setupRoles()
      const before = await countUsers()
      const response = await api('/users', {
        method: 'POST',
        token: users[role].token,
        json: await newUserBody('mallory'),
      })
      expect(response.status).toBe(403)
      expect(await response.json()).toEqual(NOT_AUTHORIZED_TO_CREATE)
      expect(await countUsers()).toBe(before)
    },
  )

  it('checks permission before duplicates', async () => {
    const { member } = await setupRoles()
    const response = await api('/users', {
      method: 'POST',
      token: member.token,
      json: await newUserBody('owner', { email: 'owner@example.com' }),
    })
    expect(response.status).toBe(403)
  })

  it.each([
    ['an email in another ASCII case', { email: 'ALICE@Example.COM', username: 'other' }],
    ['a username in another case', { email: 'other@example.com', username: 'ALICE' }],
  ])('rejects %s with 409', async (_, clash) => {
    const owner = await setupOwner()
    await createUser(owner.token, 'alice')
    const before = await countUsers()
    const response = await api('/users', {
      method: 'POST',
      token: owner.token,
      json: await newUserBody('x', clash),
    })
    expect(response.status).toBe(409)
    expect(await response.json()).toEqual(USER_EXISTS)
    expect(await countUsers()).toBe(before)
  })

  it('creates one user from parallel duplicates', async () => {
    const owner = await setupOwner()
    const bodies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        newUserBody('racer', { email: `racer${i}@example.com` }),
      ),
    )
    const responses = await Promise.all(
      bodies.map((json) => api('/users', { method: 'POST', token: owner.token, json })),
    )
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses.filter((status) => status === 201)).toHaveLength(1)
    expect(statuses.filter((status) => status === 409)).toHaveLength(9)
    const rows = await query("SELECT id FROM users WHERE username = 'racer'")
    expect(rows).toHaveLength(1)
  })

  it('creates a login type none user', async () => {
    const owner = await setupOwner()
    const response = await api('/users', {
      method: 'POST',
      token: owner.token,
      json: await newUserBody('robot', { password: '', login_type: 'none' }),
    })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { id: string; login_type: string }
    expect(body.login_type).toBe('none')
    const [row] = await query<{ hashed_password: string }>(
      'SELECT hashed_password FROM users WHERE id = ?1',
      body.id,
    )
    expect(row?.hashed_password).toBe('')
  })

  it.each([
    [
      'a password with login type none',
      { login_type: 'none' },
      400,
      { message: 'Password cannot be set for non-password ("none") authentication.' },
    ],
    [
      'an unknown login type',
      { login_type: 'banana', password: '' },
      400,
      { message: 'Unsupported login type "banana" for manually creating new users.' },
    ],
    [
      'oidc while OIDC is not configured',
      { login_type: 'oidc', password: '' },
      400,
      { message: 'You must configure OIDC before creating OIDC users.' },
    ],
    [
      'a weak password',
      { password: 'password' },
      400,
      {
        message: 'Password is invalid',
        validations: [
          {
            field: 'password',
            detail:
              'insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password',
          },
        ],
      },
    ],
    [
      'an empty organization list',
      { organization_ids: [] },
      400,
      {
        message:
          'No organization specified to place the user as a member of. It is required to specify at least one organization id to place the user in.',
        detail: "required at least 1 value for the array 'organization_ids'",
        validations: [
          { field: 'organization_ids', detail: 'Missing values, this cannot be empty' },
        ],
      },
    ],
    [
      'an organization id that is not a UUID',
      { organization_ids: ['abc'] },
      400,
      { message: 'Request body must be valid JSON.', detail: 'invalid UUID length: 3' },
    ],
    [
      'an unknown organization',
      { organization_ids: ['6f1c2b1e-0000-4000-8000-000000000000'] },
      404,
      {
        message:
          'Organization does not exist with the provided id "6f1c2b1e-0000-4000-8000-000000000000".',
      },
    ],
    [
      'an unknown user status',
      { user_status: 'banana' },
      400,
      {
        message: 'Validation failed.',
        validations: [
          {
            field: 'user_status',
            detail: 'Unknown user status "banana". Use "active", "dormant" or "suspended".',
          },
        ],
      },
    ],
    [
      'a number as email',
      { email: 5 },
      400,
      {
        message: 'Request body must be valid JSON.',
        detail:
          'json: cannot unmarshal number into Go struct field DeprecatedCreateUserRequest.email of type string',
      },
    ],
    [
      'an invalid email and username',
      { email: 'nope', username: 'no_underscores' },
      400,
      {
        message: 'Validation failed.',
        validations: [
          { field: 'email', detail: 'Validation failed for tag "email" with value: "nope"' },
          {
            field: 'username',
            detail: 'Validation failed for tag "username" with value: "no_underscores"',
          },
        ],
      },
    ],
  ])('rejects %s', async (_, extra, status, expected) => {
    const owner = await setupOwner()
    const before = await countUsers()
    const response = await api('/users', {
      method: 'POST',
      token: owner.token,
      json: await newUserBody('dave', extra),
    })
    expect(response.status).toBe(status)
    expect(await response.json()).toEqual(expected)
    expect(await countUsers()).toBe(before)
  })

  it('rejects a body that is not JSON', async () => {
    const owner = await setupOwner()
    const response = await api('/users', { method: 'POST', token: owner.token, body: '{"email":' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Request body must be valid JSON.',
      detail: 'unexpected EOF',
    })
  })

  it('accepts nil UUID and organization_id', async () => {
    const owner = await setupOwner()
    const organizationId = await defaultOrganizationId()
    const other = await insertOrganization('other')
    const response = await api('/users', {
      method: 'POST',
      token: owner.token,
      json: await newUserBody('erin', {
        organization_ids: ['00000000-0000-0000-0000-000000000000'],
        organization_id: other.toUpperCase(),
      }),
    })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { organization_ids: string[] }
    expect(body.organization_ids).toEqual([organizationId, other])
  })

  it('rejects password users when disabled', async () => {
    const owner = await setupOwner()
    const response = await apiWithSettings({ DISABLE_PASSWORD_AUTH: 'true' }, '/users', {
      method: 'POST',
      token: owner.token,
      json: await newUserBody('frank'),
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message:
        'Password based authentication is disabled! Unable to provision new users with password authentication.',
    })
  })

  it('requires a session', async () => {
    const response = await api('/users', { method: 'POST', json: await newUserBody('gina') })
    expect(response.status).toBe(401)
  })
})

describe('GET /api/v2/users', () => {
  async function listUsers(token: string, search = '') {
    const response = await api(`/users${search}`, { token })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  function usernames(body: Record<string, unknown>): string[] {
    return (body.users as { username: string }[]).map((user) => user.username)
  }

  async function setupUsers() {
    const owner = await setupOwner()
    for (const name of ['delta', 'alpha', 'charlie', 'bravo']) await createUser(owner.token, name)
    return owner
  }

  it('lists users by username with count', async () => {
    const owner = await setupUsers()
    const { status, body } = await listUsers(owner.token)
    expect(status).toBe(200)
    expect(usernames(body)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'owner'])
    expect(body.count).toBe(5)
    const [alpha] = body.users as Record<string, unknown>[]
    expect(Object.keys(alpha ?? {})).toEqual([
      'id',
      'username',
      'email',
      'created_at',
      'updated_at',
      'last_seen_at',
      'status',
      'login_type',
      'organization_ids',
      'roles',
    ])
  })

  it('shows members only themselves', async () => {
    const owner = await setupUsers()
    const member = await createUser(owner.token, 'echo')
    const { body } = await listUsers(member.token)
    expect(usernames(body)).toEqual(['echo'])
    expect(body.count).toBe(1)
  })

  it.each([
    ['?q=ha', ['alpha', 'charlie']],
    ['?q=BRAVO%40example', ['bravo']],
    ['?q=role:owner', ['owner']],
    ['?q=role:member', ['alpha', 'bravo', 'charlie', 'delta', 'owner']],
    ['?q=status:dormant', []],
    ['?q=status:active,suspended', ['alpha', 'bravo', 'charlie', 'delta', 'owner']],
    ['?q=login_type:none', []],
    // Coder searches a quoted term with its quotes, so it matches nothing.
    ['?q=%22a%22', []],
  ])('filters with %s', async (search, expected) => {
    const owner = await setupUsers()
    const { status, body } = await listUsers(owner.token, search)
    expect(status).toBe(200)
    expect(usernames(body)).toEqual(expected)
    expect(body.count).toBe(expected.length)
  })

  it('pages with limit, offset and after_id', async () => {
    const owner = await setupUsers()
    const first = await listUsers(owner.token, '?limit=2')
    expect(usernames(first.body)).toEqual(['alpha', 'bravo'])
    expect(first.body.count).toBe(5)
    const second = await listUsers(owner.token, '?limit=2&offset=2')
    expect(usernames(second.body)).toEqual(['charlie', 'delta'])
    const lastId = (first.body.users as { id: string }[])[1]?.id
    const after = await listUsers(owner.token, `?after_id=${lastId}&limit=2`)
    expect(usernames(after.body)).toEqual(['charlie', 'delta'])
    expect(after.body.count).toBe(3)
  })

  it('returns count 0 past the end', async () => {
    const owner = await setupUsers()
    const { body } = await listUsers(owner.token, '?offset=10')
    expect(body).toEqual({ users: [], count: 0 })
  })

  it.each([
    [
      '?q=status:banana',
      'Invalid user search query.',
      [{ field: 'status', detail: 'Query param "status" has invalid values: banana' }],
    ],
    [
      '?q=color:blue',
      'Invalid user search query.',
      [{ field: 'color', detail: 'Query param "color" is not a valid query param' }],
    ],
    [
      '?q=a:b:c',
      'Invalid user search query.',
      [{ field: 'q', detail: 'Query element "a:b:c" can only contain 1 \':\'' }],
    ],
    [
      '?q=created_after:yesterday',
      'Invalid user search query.',
      [
        {
          field: 'created_after',
          detail:
            'Query param "created_after" must be a valid date format (2006-01-02T15:04:05.999999999Z07:00): parsing time "YESTERDAY": not an RFC 3339 time',
        },
      ],
    ],
    [
      '?limit=-1&offset=x&after_id=1',
      'Query parameters have invalid values.',
      [
        { field: 'after_id', detail: 'Query param "after_id" must be a valid uuid' },
        {
          field: 'limit',
          detail: 'Query param "limit" must be a valid 32-bit positive integer: value is negative',
        },
        {
          field: 'offset',
          detail:
            'Query param "offset" must be a valid 32-bit positive integer: strconv.ParseInt: parsing "x": invalid syntax',
        },
      ],
    ],
  ])('rejects %s', async (search, message, validations) => {
    const owner = await setupOwner()
    const { status, body } = await listUsers(owner.token, search)
    expect(status).toBe(400)
    expect(body).toEqual({ message, validations })
  })

  it('filters by creation time', async () => {
    const owner = await setupUsers()
    const [row] = await query<{ created_at: number }>(
      "SELECT created_at FROM users WHERE username = 'charlie'",
    )
    const since = new Date(row?.created_at as number).toISOString()
    // The time contains colons, so it must be quoted, as Coder's web UI does.
    const q = encodeURIComponent(`created_after:"${since}"`)
    const { body } = await listUsers(owner.token, `?q=${q}`)
    expect(usernames(body)).toEqual(['bravo', 'charlie'])
  })
})

describe('GET /api/v2/users/roles', () => {
  type AssignableRole = { name: string; assignable: boolean; built_in: boolean }

  it('lists site roles for an owner', async () => {
    const owner = await setupOwner()
    const response = await api('/users/roles', { token: owner.token })
    expect(response.status).toBe(200)
    const roles = (await response.json()) as AssignableRole[]
    expect(roles.map((role) => [role.name, role.assignable, role.built_in])).toEqual([
      ['owner', true, true],
      ['auditor', true, true],
      ['template-admin', true, true],
      ['user-admin', true, true],
    ])
    expect(roles[1]).toEqual({
      name: 'auditor',
      display_name: 'Auditor',
      site_permissions: expect.arrayContaining([
        { negate: false, resource_type: 'audit_log', action: 'read' },
      ]),
      organization_permissions: [],
      user_permissions: [],
      assignable: true,
      built_in: true,
    })
  })

  it.each(['member', 'userAdmin'] as const)('marks roles unassignable for a %s', async (role) => {
    const users = await setupRoles()
    const response = await api('/users/roles', { token: users[role].token })
    expect(response.status).toBe(200)
    const roles = (await response.json()) as AssignableRole[]
    expect(roles.every((entry) => !entry.assignable)).toBe(true)
  })
})

describe('PUT /api/v2/users/{user}/roles', () => {
  async function putRoles(actor: TestUser, target: string, roles: unknown) {
    return api(`/users/${target}/roles`, { method: 'PUT', token: actor.token, json: { roles } })
  }

  it('lets an owner grant a role', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await putRoles(owner, alice.username, ['auditor', 'auditor'])
    expect(response.status).toBe(200)
    const body = (await response.json()) as { id: string; roles: unknown }
    expect(body.id).toBe(alice.id)
    expect(body.roles).toEqual([{ name: 'auditor', display_name: 'Auditor' }])
    expect(await storedRoles(alice.id)).toEqual(['auditor'])
    expect(await auditActions(alice.id)).toContain('write')
  })

  it('applies to the next request', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    expect((await api('/users/owner', { token: alice.token })).status).toBe(400)
    await putRoles(owner, alice.id, ['auditor'])
    expect((await api('/users/owner', { token: alice.token })).status).toBe(200)
  })

  it('rejects a change of own roles', async () => {
    const owner = await setupOwner()
    const response = await putRoles(owner, 'me', [])
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'You cannot change your own roles.' })
    expect(await storedRoles(owner.id)).toEqual(['owner'])
  })

  it.each([
    ['an unknown role', ['banana'], '"banana" is not a supported role'],
    [
      'an organization role',
      ['organization-admin'],
      '"organization-admin" is not a supported role',
    ],
  ])('rejects %s and changes nothing', async (_, roles, message) => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice', { roles: ['auditor'] })
    const response = await putRoles(owner, alice.id, roles)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message })
    expect(await storedRoles(alice.id)).toEqual(['auditor'])
  })

  // Coder returns 400 here, not 403, because its dbauthz reports the assignment-matrix refusal
  // as a plain error, which putUserRoles writes as a 400 with the error text.
  it.each([
    ['grant owner', [], ['owner'], 'owner'],
    ['grant template-admin', [], ['template-admin'], 'template-admin'],
    ['remove auditor', ['auditor'], [], 'auditor'],
  ])('rejects a user admin who tries to %s', async (_, before, after, role) => {
    const { owner, userAdmin } = await setupRoles()
    const target = await createUser(owner.token, 'target', before.length ? { roles: before } : {})
    const response = await putRoles(userAdmin, target.id, after)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: `not authorized to assign role "${role}"` })
    expect(await storedRoles(target.id)).toEqual(before)
  })

  it('lets a user admin resend roles', async () => {
    const { owner, userAdmin } = await setupRoles()
    const target = await createUser(owner.token, 'target', { roles: ['auditor'] })
    const response = await putRoles(userAdmin, target.id, ['auditor'])
    expect(response.status).toBe(200)
  })

  it.each(['templateAdmin', 'auditor', 'organizationAdmin'] as const)(
    'returns 403 to a %s',
    async (role) => {
      const users = await setupRoles()
      const response = await putRoles(users[role], users.member.id, ['auditor'])
      expect(response.status).toBe(403)
      expect(await response.json()).toEqual(FORBIDDEN)
      expect(await storedRoles(users.member.id)).toEqual([])
    },
  )

  it('hides other users from a member', async () => {
    const { member, auditor } = await setupRoles()
    const response = await putRoles(member, auditor.username, [])
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(userParamError(auditor.username))
    expect(await storedRoles(auditor.id)).toEqual(['auditor'])
  })

  it('rejects roles that are not strings', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await putRoles(owner, alice.id, [1])
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Request body must be valid JSON.',
      detail: 'json: cannot unmarshal number into Go struct field UpdateRoles.roles of type string',
    })
  })

  it('applies parallel identical updates', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => putRoles(owner, alice.id, ['auditor', 'template-admin'])),
    )
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200))
    expect(await storedRoles(alice.id)).toEqual(['auditor', 'template-admin'])
  })

  it('keeps owner removed under a race', async () => {
    const { owner, userAdmin } = await setupRoles()
    for (let round = 0; round < 4; round += 1) {
      const target = await createUser(owner.token, `target${round}`, { roles: ['owner'] })
      // Sending ["owner"] is allowed only while the target still has it, so whichever order
      // the two writes land in, the owner role must end up removed.
      const [removal, resend] = await Promise.all([
        putRoles(owner, target.id, []),
        putRoles(userAdmin, target.id, ['owner']),
      ])
      expect(removal.status).toBe(200)
      expect([200, 400]).toContain(resend.status)
      expect(await storedRoles(target.id)).toEqual([])
    }
  })
})

describe('PUT /api/v2/users/{user}/status', () => {
  async function setStatus(actor: TestUser, target: string, verb: 'suspend' | 'activate') {
    return api(`/users/${target}/status/${verb}`, { method: 'PUT', token: actor.token })
  }

  it('suspends a user and ends their sessions', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await setStatus(owner, alice.username, 'suspend')
    expect(response.status).toBe(200)
    const body = (await response.json()) as { status: string; id: string }
    expect(body.status).toBe('suspended')
    expect(await countKeys(alice.id)).toBe(0)
    const me = await api('/users/me', { token: alice.token })
    expect(me.status).toBe(401)
    const relogin = await api('/users/login', {
      method: 'POST',
      json: { email: alice.email, password: USER_PASSWORD },
    })
    expect(relogin.status).toBe(401)
    expect(await auditActions(alice.id)).toContain('write')
  })

  it('activates a suspended user', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    await setStatus(owner, alice.id, 'suspend')
    const response = await setStatus(owner, alice.id, 'activate')
    expect(response.status).toBe(200)
    expect(((await response.json()) as { status: string }).status).toBe('active')
    await expect(login(alice.email, USER_PASSWORD)).resolves.toBeTruthy()
    // Sessions ended by the suspension stay ended.
    expect((await api('/users/me', { token: alice.token })).status).toBe(401)
  })

  it('rejects suspending yourself', async () => {
    const { userAdmin } = await setupRoles()
    const response = await setStatus(userAdmin, 'me', 'suspend')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ message: 'You cannot suspend yourself.' })
  })

  it('rejects suspending an owner', async () => {
    const { owner, userAdmin } = await setupRoles()
    const response = await setStatus(userAdmin, owner.id, 'suspend')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'You cannot suspend a user with the "owner" role. You must remove the role first.',
    })
    expect(await countKeys(owner.id)).toBeGreaterThan(0)
  })

  it.each(['templateAdmin', 'auditor'] as const)('returns 403 to a %s', async (role) => {
    const users = await setupRoles()
    const response = await setStatus(users[role], users.member.id, 'suspend')
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual(FORBIDDEN)
    const [row] = await query<{ status: string }>(
      'SELECT status FROM users WHERE id = ?1',
      users.member.id,
    )
    expect(row?.status).toBe('active')
  })

  it('lets a user admin suspend a member', async () => {
    const { member, userAdmin } = await setupRoles()
    const response = await setStatus(userAdmin, member.id, 'suspend')
    expect(response.status).toBe(200)
  })
})

describe('DELETE /api/v2/users/{user}', () => {
  it('soft-deletes a user and their sessions', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await api(`/users/${alice.id}`, { method: 'DELETE', token: owner.token })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ message: 'User has been deleted!' })
    const [row] = await query<{ deleted: number }>(
      'SELECT deleted FROM users WHERE id = ?1',
      alice.id,
    )
    expect(row?.deleted).toBe(1)
    expect(await countKeys(alice.id)).toBe(0)
    expect((await api('/users/me', { token: alice.token })).status).toBe(401)
    expect((await api(`/users/${alice.id}`, { token: owner.token })).status).toBe(400)
    expect(await auditActions(alice.id)).toContain('delete')
    await createUser(owner.token, 'alice')
  })

  it('rejects deleting yourself', async () => {
    const owner = await setupOwner()
    const response = await api('/users/me', { method: 'DELETE', token: owner.token })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ message: 'You cannot delete yourself!' })
  })

  it('returns 403 to an auditor', async () => {
    const { auditor, member } = await setupRoles()
    const response = await api(`/users/${member.id}`, { method: 'DELETE', token: auditor.token })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual(FORBIDDEN)
    expect(await countKeys(member.id)).toBe(1)
  })

  it('lets one of two parallel deletes win', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const statuses = (
      await Promise.all(
        [1, 2].map(() => api(`/users/${alice.id}`, { method: 'DELETE', token: owner.token })),
      )
    )
      .map((response) => response.status)
      .sort()
    expect(statuses).toEqual([200, 400])
    expect(await auditActions(alice.id)).toEqual(['create', 'delete'])
  })
})

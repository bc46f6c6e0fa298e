import { describe, expect, it } from 'vitest'
import { hashPassword } from '../src/auth/password-hash'
import { setClock } from '../src/clock'
import { api, createOwner, insertUser, login, OWNER, query } from './helpers/api'

const MEMBER_PASSWORD = 'MemberPassword!1'
const GO_ZERO_TIME = '0001-01-01T00:00:00Z'
const USER_KEYS = [
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
]

let memberPasswordHash: string | undefined

async function defaultOrganizationId(): Promise<string> {
  const [org] = await query<{ id: string }>('SELECT id FROM organizations WHERE is_default = 1')
  return org?.id as string
}

interface NewMember {
  username: string
  siteRoles?: string[]
  organizationRoles?: string[]
  deleted?: boolean
}

/**
 * Inserts a password user who belongs to the default organization with `organizationRoles`,
 * and returns the user id. The API has no endpoint that creates a second user.
 */
async function addMember(member: NewMember): Promise<string> {
  memberPasswordHash ??= await hashPassword(MEMBER_PASSWORD)
  const id = await insertUser({
    email: `${member.username}@example.com`,
    username: member.username,
    hashedPassword: memberPasswordHash,
    roles: member.siteRoles ?? [],
    deleted: member.deleted ?? false,
  })
  await query(
    `INSERT INTO organization_members (user_id, organization_id, roles, created_at, updated_at)
     VALUES (?1, ?2, ?3, 0, 0)`,
    id,
    await defaultOrganizationId(),
    JSON.stringify(member.organizationRoles ?? []),
  )
  return id
}

function loginMember(username: string): Promise<string> {
  return login(`${username}@example.com`, MEMBER_PASSWORD)
}

function getUser(param: string, token: string) {
  return api(`/users/${param}`, { token })
}

async function expectUnresolved(response: Response, param: string) {
  expect(response.status).toBe(400)
  expect(await response.json()).toEqual({
    message: '"user" must be an existing uuid or username.',
    detail: `queried user="${param}"`,
  })
}

describe('GET /api/v2/users/me', () => {
  it('returns the owner as codersdk.User', async () => {
    const created = Date.UTC(2026, 0, 2, 3, 4, 5, 123)
    const seen = Date.UTC(2026, 0, 2, 4, 0, 0, 500)
    setClock(() => created)
    const id = await createOwner()
    const token = await login()
    setClock(() => seen)

    const response = await getUser('me', token)
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(USER_KEYS)
    expect(body).toEqual({
      id,
      username: OWNER.username,
      email: OWNER.email,
      created_at: '2026-01-02T03:04:05.123Z',
      updated_at: expect.any(String),
      last_seen_at: '2026-01-02T04:00:00.5Z',
      status: 'active',
      login_type: 'password',
      organization_ids: [await defaultOrganizationId()],
      roles: [{ name: 'owner', display_name: 'Owner' }],
    })
  })

  it('bumps updated_at with last_seen_at', async () => {
    // Coder's API-key middleware writes last_seen_at and updated_at together.
    const created = Date.UTC(2026, 0, 2, 3, 4, 5)
    const seen = Date.UTC(2026, 0, 2, 9, 0, 0)
    setClock(() => created)
    const id = await createOwner()
    const token = await login()
    setClock(() => seen)

    const body = (await (await getUser('me', token)).json()) as Record<string, unknown>
    expect(body.last_seen_at).toBe('2026-01-02T09:00:00Z')
    expect(body.updated_at).toBe('2026-01-02T09:00:00Z')
    const [row] = await query<{ updated_at: number }>(
      'SELECT updated_at FROM users WHERE id = ?',
      id,
    )
    expect(row?.updated_at).toBe(seen)
  })

  it('places avatar_url and name after username', async () => {
    await createOwner({ ...OWNER, name: 'Ada Owner' } as typeof OWNER)
    await query("UPDATE users SET avatar_url = 'https://example.com/a.png'")
    const token = await login()
    const body = (await (await getUser('me', token)).json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual([
      'id',
      'username',
      'avatar_url',
      'name',
      ...USER_KEYS.slice(2),
    ])
    expect(body.avatar_url).toBe('https://example.com/a.png')
    expect(body.name).toBe('Ada Owner')
  })

  it('lists no roles for a plain member', async () => {
    await createOwner()
    const id = await addMember({ username: 'member' })
    const token = await loginMember('member')
    const response = await getUser('me', token)
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      id,
      username: 'member',
      email: 'member@example.com',
      organization_ids: [await defaultOrganizationId()],
      roles: [],
    })
  })

  it('lists site roles only, not organization roles', async () => {
    await createOwner()
    await addMember({
      username: 'admin',
      siteRoles: ['user-admin', 'auditor'],
      organizationRoles: ['organization-admin'],
    })
    const token = await loginMember('admin')
    const body = (await (await getUser('me', token)).json()) as { roles: unknown }
    expect(body.roles).toEqual([
      { name: 'user-admin', display_name: 'User Admin' },
      { name: 'auditor', display_name: 'Auditor' },
    ])
  })

  it('requires a session', async () => {
    const response = await api('/users/me')
    expect(response.status).toBe(401)
  })
})

describe('GET /api/v2/users/{user}', () => {
  it('resolves the owner by id, username and me alike', async () => {
    const id = await createOwner()
    const token = await login()
    const me = (await (await getUser('me', token)).json()) as Record<string, unknown>
    for (const param of [id, id.toUpperCase(), `{${id}}`, OWNER.username, 'OWNER', 'Owner']) {
      const response = await getUser(param, token)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual(me)
    }
  })

  it('lets the owner read a member', async () => {
    await createOwner()
    const memberId = await addMember({ username: 'member' })
    const token = await login()
    const response = await getUser('member', token)
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(USER_KEYS)
    expect(body).toMatchObject({
      id: memberId,
      username: 'member',
      status: 'active',
      // A user who never signed in has Go's zero time.
      last_seen_at: GO_ZERO_TIME,
      organization_ids: [await defaultOrganizationId()],
      roles: [],
    })
    expect((await getUser(memberId, token)).status).toBe(200)
  })

  it('lets a member read only themselves', async () => {
    const ownerId = await createOwner()
    const memberId = await addMember({ username: 'member' })
    const token = await loginMember('member')
    expect((await getUser('member', token)).status).toBe(200)
    expect((await getUser(memberId, token)).status).toBe(200)

    await expectUnresolved(await getUser('owner', token), 'owner')
    await expectUnresolved(await getUser(ownerId, token), ownerId)
  })

  it('hides another member from a member', async () => {
    await createOwner()
    await addMember({ username: 'member' })
    await addMember({ username: 'other' })
    const token = await loginMember('member')
    await expectUnresolved(await getUser('other', token), 'other')
  })

  it.each([
    ['an unknown username', 'nobody'],
    ['an unknown uuid', '00000000-0000-4000-8000-000000000000'],
    ['an invalid username', 'not_a-valid.name'],
    ['a name with a space', 'no%20body'],
  ])('returns 400 for %s', async (_, param) => {
    await createOwner()
    const token = await login()
    await expectUnresolved(await getUser(param, token), decodeURIComponent(param))
  })

  it('returns 400 for a deleted user by username', async () => {
    await createOwner()
    await addMember({ username: 'gone', deleted: true })
    const token = await login()
    await expectUnresolved(await getUser('gone', token), 'gone')
  })

  it.each([
    ['a control character', '%01', 'queried user="\\x01"'],
    ['a no-break space', '%C2%A0', 'queried user="\\u00a0"'],
    ['a quote', '%22', 'queried user="\\""'],
  ])('quotes %s in the detail as Go %q does', async (_, param, detail) => {
    await createOwner()
    const token = await login()
    const response = await getUser(param, token)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { detail: string }).detail).toBe(detail)
  })

  it.each([
    ['site role user-admin', ['user-admin'], []],
    ['site role template-admin', ['template-admin'], []],
    ['site role auditor', ['auditor'], []],
    ['organization-admin', [], ['organization-admin']],
    ['organization-user-admin', [], ['organization-user-admin']],
  ])('lets %s read other users', async (_, siteRoles, organizationRoles) => {
    const ownerId = await createOwner()
    const memberId = await addMember({ username: 'member' })
    await addMember({ username: 'reader', siteRoles, organizationRoles })
    const token = await loginMember('reader')
    for (const param of ['owner', ownerId, 'member', memberId]) {
      const response = await getUser(param, token)
      expect(response.status).toBe(200)
    }
    const owner = (await (await getUser('owner', token)).json()) as Record<string, unknown>
    expect(owner).toMatchObject({ id: ownerId, roles: [{ name: 'owner', display_name: 'Owner' }] })
  })
})

import { describe, expect, it } from 'vitest'
import { api, createOwner, OWNER, query } from './helpers/api'

describe('GET /api/v2/users/first', () => {
  it('returns 404 before the first user exists', async () => {
    const response = await api('/users/first')
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ message: 'The initial user has not been created!' })
  })
})

describe('POST /api/v2/users/first', () => {
  it('creates an owner in the default organization without a session', async () => {
    const response = await api('/users/first', { method: 'POST', json: OWNER })
    expect(response.status).toBe(201)
    expect(response.headers.get('Set-Cookie')).toBeNull()
    const body = (await response.json()) as { user_id: string; organization_id: string }
    const [org] = await query<{ id: string }>('SELECT id FROM organizations WHERE is_default = 1')
    expect(body.organization_id).toBe(org?.id)

    const [user] = await query<Record<string, unknown>>(
      'SELECT * FROM users WHERE id = ?',
      body.user_id,
    )
    expect(user?.rbac_roles).toBe('["owner"]')
    expect(user?.status).toBe('active')
    expect(user?.login_type).toBe('password')
    expect(String(user?.hashed_password)).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    const members = await query(
      'SELECT * FROM organization_members WHERE user_id = ?',
      body.user_id,
    )
    expect(members).toHaveLength(1)

    const again = await api('/users/first')
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ message: 'The initial user has already been created!' })
  })

  it('returns 409 once a user exists', async () => {
    await createOwner()
    const response = await api('/users/first', {
      method: 'POST',
      json: { ...OWNER, email: 'second@example.com', username: 'second' },
    })
    expect(response.status).toBe(409)
    expect(await response.json()).toEqual({ message: 'The initial user has already been created.' })
  })

  it('validates the body before checking for an existing user', async () => {
    await createOwner()
    const response = await api('/users/first', { method: 'POST', json: { email: 'x' } })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [
        { field: 'email', detail: 'Validation failed for tag "email" with value: "x"' },
        { field: 'username', detail: 'Validation failed for tag "required" with value: ""' },
        { field: 'password', detail: 'Validation failed for tag "required" with value: ""' },
      ],
    })
  })

  it.each([
    ['new', 'username'],
    ['create', 'username'],
    ['-bad', 'username'],
    ['a'.repeat(33), 'username'],
  ])('rejects the username %j', async (username, tag) => {
    const response = await api('/users/first', { method: 'POST', json: { ...OWNER, username } })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [
        {
          field: 'username',
          detail: `Validation failed for tag "${tag}" with value: "${username}"`,
        },
      ],
    })
  })

  it('rejects a name with surrounding spaces', async () => {
    const response = await api('/users/first', { method: 'POST', json: { ...OWNER, name: ' Al ' } })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { validations: { field: string }[] }
    expect(body.validations.map((v) => v.field)).toEqual(['name'])
  })

  it('rejects a weak password with Coder message and creates nothing', async () => {
    const response = await api('/users/first', {
      method: 'POST',
      json: { ...OWNER, password: 'password' },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Password is invalid',
      validations: [
        {
          field: 'password',
          detail:
            'insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password',
        },
      ],
    })
    expect(await query('SELECT id FROM users')).toHaveLength(0)
  })

  it('lets exactly one of several parallel requests create the first user', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api('/users/first', {
          method: 'POST',
          json: { ...OWNER, email: `owner${i}@example.com`, username: `owner${i}` },
        }),
      ),
    )
    const statuses = responses.map((r) => r.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(7)
    expect(await query('SELECT id FROM users')).toHaveLength(1)
    expect(await query('SELECT user_id FROM organization_members')).toHaveLength(1)
  })
})

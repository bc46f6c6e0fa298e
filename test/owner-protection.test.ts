import { describe, expect, it } from 'vitest'
import { api, OWNER, query } from './helpers/api'
import { createUser, setupOwner } from './helpers/users'

const FORBIDDEN = {
  message: 'Forbidden.',
  detail:
    "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.",
}

describe('owner accounts', () => {
  it('keeps a user admin from setting the owner password', async () => {
    const owner = await setupOwner()
    const admin = await createUser(owner.token, 'useradmin', { roles: ['user-admin'] })
    const response = await api(`/users/${owner.id}/password`, {
      method: 'PUT',
      token: admin.token,
      json: { password: 'Pwned-Harbor-Quartz-815' },
    })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual(FORBIDDEN)
    const login = await api('/users/login', {
      method: 'POST',
      json: { email: OWNER.email, password: OWNER.password },
    })
    expect(login.status).toBe(201)
  })

  it('keeps a user admin from deleting the owner', async () => {
    const owner = await setupOwner()
    const admin = await createUser(owner.token, 'useradmin', { roles: ['user-admin'] })
    const response = await api(`/users/${owner.id}`, { method: 'DELETE', token: admin.token })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual(FORBIDDEN)
    const [row] = await query<{ deleted: number }>(
      'SELECT deleted FROM users WHERE id = ?',
      owner.id,
    )
    expect(row?.deleted).toBe(0)
  })

  it('lets a user admin manage plain members', async () => {
    const owner = await setupOwner()
    const admin = await createUser(owner.token, 'useradmin', { roles: ['user-admin'] })
    const member = await createUser(owner.token, 'member')
    const password = await api(`/users/${member.id}/password`, {
      method: 'PUT',
      token: admin.token,
      json: { password: 'Other-Harbor-Quartz-815' },
    })
    expect(password.status).toBe(204)
    const deleted = await api(`/users/${member.id}`, { method: 'DELETE', token: admin.token })
    expect(deleted.status).toBe(200)
  })

  it('lets another owner delete an owner', async () => {
    const owner = await setupOwner()
    const second = await createUser(owner.token, 'second', { roles: ['owner'] })
    const response = await api(`/users/${owner.id}`, { method: 'DELETE', token: second.token })
    expect(response.status).toBe(200)
  })
})

describe('GET /api/v2/users search length', () => {
  it.each([49, 200])('searches with %i characters without failing', async (length) => {
    const owner = await setupOwner()
    const long = `${'a'.repeat(length - 6)}@x.com`
    const response = await api(`/users?q=${encodeURIComponent(long)}`, { token: owner.token })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ users: [], count: 0 })
    const byName = await api(`/users?q=${encodeURIComponent(`name:"${'x'.repeat(length)}"`)}`, {
      token: owner.token,
    })
    expect(byName.status).toBe(200)
  })

  it('finds a user by a long part of the email', async () => {
    const owner = await setupOwner()
    await createUser(owner.token, 'a'.repeat(30))
    const response = await api(`/users?q=${'a'.repeat(30)}@example`, { token: owner.token })
    expect(((await response.json()) as { count: number }).count).toBe(1)
  })
})

import { describe, expect, it } from 'vitest'
import { setClock } from '../src/clock'
import { api, apiWithSettings, createOwner, login, query } from './helpers/api'

const DAY_NS = 24n * 3600n * 1_000_000_000n

async function createToken(token: string, body: unknown, user = 'me') {
  return api(`/users/${user}/keys/tokens`, { method: 'POST', token, json: body })
}

describe('POST /api/v2/users/{user}/keys/tokens', () => {
  it('creates a token with Coder defaults: 7 days and coder:all', async () => {
    const ownerId = await createOwner()
    const session = await login()
    const response = await createToken(session, { token_name: 'ci' })
    expect(response.status).toBe(201)
    const { key } = (await response.json()) as { key: string }
    expect(key).toMatch(/^[0-9A-Za-z]{10}-[0-9A-Za-z]{22}$/)
    const [row] = await query<Record<string, unknown>>(
      'SELECT * FROM api_keys WHERE id = ?',
      key.slice(0, 10),
    )
    expect(row).toMatchObject({
      user_id: ownerId,
      login_type: 'token',
      token_name: 'ci',
      lifetime_seconds: 7 * 86400,
      scopes: '["coder:all"]',
    })
    // The token works like a session.
    expect((await api('/users/me', { token: key })).status).toBe(200)
  })

  it('takes the lifetime in nanoseconds and enforces the maximum', async () => {
    await createOwner()
    const session = await login()
    const ok = await createToken(session, { token_name: 'a', lifetime: Number(DAY_NS) })
    expect(ok.status).toBe(201)
    const [row] = await query<{ lifetime_seconds: number }>(
      "SELECT lifetime_seconds FROM api_keys WHERE token_name = 'a'",
    )
    expect(row?.lifetime_seconds).toBe(86400)

    const tooLong = await apiWithSettings(
      { MAX_TOKEN_LIFETIME: '86400' },
      '/users/me/keys/tokens',
      {
        method: 'POST',
        token: session,
        json: { token_name: 'b', lifetime: Number(2n * DAY_NS) },
      },
    )
    expect(tooLong.status).toBe(400)
    expect(await tooLong.json()).toEqual({
      message: 'Failed to validate create API key request.',
      detail: 'lifetime must be less than 24h0m0s',
    })
    const negative = await createToken(session, { token_name: 'c', lifetime: -1 })
    expect(negative.status).toBe(400)
    expect(await negative.json()).toEqual({
      message: 'Failed to validate create API key request.',
      detail: 'lifetime must be positive number greater than 0',
    })
    const fractional = await createToken(session, { token_name: 'd', lifetime: 1.5 })
    expect(fractional.status).toBe(400)
    expect(((await fractional.json()) as { message: string }).message).toBe(
      'Request body must be valid JSON.',
    )
  })

  it('validates scopes against the catalog and accepts the old aliases', async () => {
    await createOwner()
    const session = await login()
    const bad = await createToken(session, { token_name: 'x', scopes: ['workspace:fly'] })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { detail: string }).detail).toBe(
      'invalid API key scope "workspace:fly"',
    )
    expect(await query('SELECT id FROM api_keys WHERE token_name = ?', 'x')).toHaveLength(0)

    const alias = await createToken(session, { token_name: 'y', scope: 'application_connect' })
    expect(alias.status).toBe(201)
    const several = await createToken(session, {
      token_name: 'z',
      scopes: ['workspace:read', 'template:read'],
    })
    expect(several.status).toBe(201)
    const rows = await query<{ token_name: string; scopes: string }>(
      "SELECT token_name, scopes FROM api_keys WHERE token_name IN ('y', 'z') ORDER BY token_name",
    )
    expect(rows).toEqual([
      { token_name: 'y', scopes: '["coder:application_connect"]' },
      { token_name: 'z', scopes: '["workspace:read","template:read"]' },
    ])
  })

  it('returns 409 for a duplicate name', async () => {
    await createOwner()
    const session = await login()
    expect((await createToken(session, { token_name: 'dup' })).status).toBe(201)
    const again = await createToken(session, { token_name: 'dup' })
    expect(again.status).toBe(409)
    expect(await again.json()).toEqual({
      message: 'A token with name "dup" already exists.',
      validations: [
        { field: 'name', detail: 'This value is already in use and should be unique.' },
      ],
    })
  })

  it('gives exactly one winner for parallel creations of one name', async () => {
    await createOwner()
    const session = await login()
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => createToken(session, { token_name: 'race' })),
    )
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(1)
    expect(statuses.filter((s) => s === 409)).toHaveLength(7)
  })

  it('keeps a token limited to workspace:read from managing users or tokens', async () => {
    await createOwner()
    const session = await login()
    const created = await createToken(session, { token_name: 'ro', scopes: ['workspace:read'] })
    const { key } = (await created.json()) as { key: string }
    // Reading the own user needs user:read, which the scope does not grant.
    const me = await api('/users/me', { token: key })
    expect(me.status).toBe(404)
    expect(await me.json()).toEqual({
      message: 'Resource not found or you do not have access to this resource',
    })
    const another = await createToken(key, { token_name: 'escalate' })
    expect(another.status).toBe(404)
  })
})

describe('GET and DELETE /api/v2/users/{user}/keys', () => {
  it('lists tokens without secrets and deletes one at once', async () => {
    await createOwner()
    const session = await login()
    const { key } = (await (await createToken(session, { token_name: 'ci' })).json()) as {
      key: string
    }
    const list = await api('/users/me/keys/tokens', { token: session })
    expect(list.status).toBe(200)
    const tokens = (await list.json()) as Record<string, unknown>[]
    expect(tokens).toHaveLength(1)
    expect(Object.keys(tokens[0] ?? {})).toEqual([
      'id',
      'user_id',
      'last_used',
      'expires_at',
      'created_at',
      'updated_at',
      'login_type',
      'scope',
      'scopes',
      'token_name',
      'lifetime_seconds',
      'username',
    ])
    expect(tokens[0]).toMatchObject({ id: key.slice(0, 10), token_name: 'ci', username: 'owner' })
    expect(JSON.stringify(tokens)).not.toContain(key.slice(11))

    const byName = await api('/users/me/keys/tokens/ci', { token: session })
    expect(((await byName.json()) as { id: string }).id).toBe(key.slice(0, 10))

    const deleted = await api(`/users/me/keys/${key.slice(0, 10)}`, {
      method: 'DELETE',
      token: session,
    })
    expect(deleted.status).toBe(204)
    expect((await api('/users/me', { token: key })).status).toBe(401)
    const again = await api(`/users/me/keys/${key.slice(0, 10)}`, {
      method: 'DELETE',
      token: session,
    })
    expect(again.status).toBe(404)
  })

  it('reports the maximum lifetime in nanoseconds', async () => {
    await createOwner()
    const session = await login()
    const response = await api('/users/me/keys/tokens/tokenconfig', { token: session })
    expect(await response.text()).toBe('{"max_token_lifetime":31536000000000000}\n')
  })

  it('creates a 7-day CLI session key without a cookie', async () => {
    await createOwner()
    const session = await login()
    setClock(() => Date.UTC(2026, 5, 1))
    const response = await api('/users/me/keys', { method: 'POST', token: session })
    expect(response.status).toBe(201)
    expect(response.headers.get('Set-Cookie')).toBeNull()
    const { key } = (await response.json()) as { key: string }
    const [row] = await query<{ login_type: string; expires_at: number }>(
      'SELECT login_type, expires_at FROM api_keys WHERE id = ?',
      key.slice(0, 10),
    )
    expect(row).toEqual({ login_type: 'password', expires_at: Date.UTC(2026, 5, 8) })
  })
})

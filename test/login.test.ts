import { describe, expect, it } from 'vitest'
import { api, apiWithSettings, createOwner, insertUser, login, OWNER, query } from './helpers/api'

/**
 * A hash in Coder's format (PBKDF2-SHA256, 65,535 iterations, 64-byte key), made with Node's
 * crypto.pbkdf2Sync and base64 without padding.
 */
const CODER_PBKDF2_FIXTURE = {
  password: 'coder-imported-password',
  hash: '$pbkdf2-sha256$65535$7HsOV2Slddk2raGoA6Jj4g$TqB5x2WfUhsSCPCmxqmRqholfIVpNiHBPaNxgY1ShBghBCBu+b9dTevjTqPTwfHUkcmo+JRlOto/u89UtNQHpA',
}

const TOKEN_SHAPE = /^[0-9A-Za-z]{10}-[0-9A-Za-z]{22}$/

async function postLogin(body: unknown) {
  return api('/users/login', { method: 'POST', json: body })
}

describe('POST /api/v2/users/login', () => {
  it('returns a session token and sets the cookie', async () => {
    const userId = await createOwner()
    const response = await postLogin({ email: OWNER.email, password: OWNER.password })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { session_token: string }
    expect(Object.keys(body)).toEqual(['session_token'])
    expect(body.session_token).toMatch(TOKEN_SHAPE)
    expect(response.headers.get('Set-Cookie')).toBe(
      `coder_session_token=${body.session_token}; Path=/; HttpOnly; SameSite=Lax`,
    )

    const [id, secret] = body.session_token.split('-') as [string, string]
    const [key] = await query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = ?', id)
    expect(key?.user_id).toBe(userId)
    expect(key?.login_type).toBe('password')
    expect(key?.lifetime_seconds).toBe(86400)
    expect(key?.token_name).toBe('')
    expect(key?.scopes).toBe('["all"]')
    expect(key?.last_used).toBeNull()
    expect(Number(key?.expires_at) - Number(key?.created_at)).toBe(86400 * 1000)
    // Only the SHA-256 of the secret is stored.
    expect(key?.hashed_secret).not.toContain(secret)
    expect(key?.hashed_secret).toMatch(/^[0-9a-f]{64}$/)
  })

  it('matches the email ignoring ASCII case', async () => {
    await createOwner()
    const response = await postLogin({ email: OWNER.email.toUpperCase(), password: OWNER.password })
    expect(response.status).toBe(201)
  })

  it.each([
    ['wrong password', OWNER.email, 'WrongPassword!1'],
    ['unknown email', 'nobody@example.com', OWNER.password],
    ['unknown email with hunter2', 'nobody@example.com', 'hunter2'],
  ])('returns 401 for %s', async (_, email, password) => {
    await createOwner()
    const response = await postLogin({ email, password })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'Incorrect email or password.' })
    expect(await query('SELECT id FROM api_keys')).toHaveLength(0)
  })

  it('returns 401 when no user exists at all', async () => {
    const response = await postLogin({ email: OWNER.email, password: OWNER.password })
    expect(response.status).toBe(401)
  })

  it('returns 401 for a user without a password, even with hunter2', async () => {
    await insertUser({ email: 'sso@example.com', username: 'sso', loginType: 'oidc' })
    for (const password of ['hunter2', 'SomeSecurePassword!']) {
      const response = await postLogin({ email: 'sso@example.com', password })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ message: 'Incorrect email or password.' })
    }
  })

  it('returns 401 for a deleted user', async () => {
    await createOwner()
    await query('UPDATE users SET deleted = 1')
    const response = await postLogin({ email: OWNER.email, password: OWNER.password })
    expect(response.status).toBe(401)
  })

  it('returns 403 for a user of another login type with a correct password', async () => {
    await createOwner()
    await query("UPDATE users SET login_type = 'github'")
    const response = await postLogin({ email: OWNER.email, password: OWNER.password })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({
      message:
        'Incorrect login type, attempting to use "password" but user is of login type "github"',
    })
  })

  it('returns 401 for a suspended user', async () => {
    await createOwner()
    await query("UPDATE users SET status = 'suspended'")
    const response = await postLogin({ email: OWNER.email, password: OWNER.password })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      message: 'Your account is suspended. Contact an admin to reactivate your account.',
    })
  })

  it('activates a dormant user and audits it', async () => {
    const id = await createOwner()
    await query("UPDATE users SET status = 'dormant'")
    const response = await postLogin({ email: OWNER.email, password: OWNER.password })
    expect(response.status).toBe(201)
    const [user] = await query<{ status: string }>('SELECT status FROM users WHERE id = ?', id)
    expect(user?.status).toBe('active')
  })

  it('audits every attempt, unknown emails without a user', async () => {
    const id = await createOwner()
    // Failed attempts are audited after the response; this path waits for that work.
    for (const email of [OWNER.email, 'nobody@example.com']) {
      const response = await apiWithSettings({}, '/users/login', {
        method: 'POST',
        json: { email, password: 'WrongPassword!1' },
      })
      expect(response.status).toBe(401)
    }
    const token = await login()
    const rows = await query<Record<string, unknown>>(
      "SELECT * FROM audit_log WHERE action = 'login' ORDER BY id",
    )
    expect(rows.map((row) => [row.user_id, row.status_code])).toEqual([
      [id, 401],
      [null, 401],
      [id, 201],
    ])
    const serialized = JSON.stringify(rows)
    expect(serialized).not.toContain(OWNER.password)
    expect(serialized).not.toContain(token.split('-')[1])
  })

  it('returns 400 for a body that fails validation, in field order', async () => {
    const response = await postLogin({ email: 'not-an-email', password: '' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [
        { field: 'email', detail: 'Validation failed for tag "email" with value: "not-an-email"' },
        { field: 'password', detail: 'Validation failed for tag "required" with value: ""' },
      ],
    })
  })

  it.each(['user@localhost', 'a@b', 'user@example.123'])(
    'rejects the email %j as Coder does',
    async (email) => {
      const response = await postLogin({ email, password: 'x' })
      expect(response.status).toBe(400)
      const body = (await response.json()) as { validations: { field: string }[] }
      expect(body.validations).toEqual([
        { field: 'email', detail: `Validation failed for tag "email" with value: "${email}"` },
      ])
    },
  )

  it('returns 403 when password login is disabled, only after a correct password', async () => {
    await createOwner()
    const disabled = { DISABLE_PASSWORD_AUTH: 'true' }
    const wrong = await apiWithSettings(disabled, '/users/login', {
      method: 'POST',
      json: { email: OWNER.email, password: 'WrongPassword!1' },
    })
    expect(wrong.status).toBe(401)
    const right = await apiWithSettings(disabled, '/users/login', {
      method: 'POST',
      json: { email: OWNER.email, password: OWNER.password },
    })
    expect(right.status).toBe(403)
    expect(await right.json()).toEqual({ message: 'Password authentication is disabled.' })
    expect(await query('SELECT id FROM api_keys')).toHaveLength(0)

    const methods = await apiWithSettings(disabled, '/users/authmethods')
    expect(await methods.json()).toMatchObject({ password: { enabled: false } })
  })

  it('upgrades a Coder PBKDF2 hash to argon2id on login', async () => {
    await insertUser({
      email: 'imported@example.com',
      username: 'imported',
      hashedPassword: CODER_PBKDF2_FIXTURE.hash,
    })
    const response = await postLogin({
      email: 'imported@example.com',
      password: CODER_PBKDF2_FIXTURE.password,
    })
    expect(response.status).toBe(201)
    const [user] = await query<{ hashed_password: string }>(
      "SELECT hashed_password FROM users WHERE email = 'imported@example.com'",
    )
    expect(user?.hashed_password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    const again = await postLogin({
      email: 'imported@example.com',
      password: CODER_PBKDF2_FIXTURE.password,
    })
    expect(again.status).toBe(201)
  })

  it('fails cleanly for a PBKDF2 hash above the iteration cap', async () => {
    await insertUser({
      email: 'heavy@example.com',
      username: 'heavy',
      hashedPassword: CODER_PBKDF2_FIXTURE.hash.replace('$65535$', '$1000000$'),
    })
    const response = await postLogin({
      email: 'heavy@example.com',
      password: CODER_PBKDF2_FIXTURE.password,
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'Incorrect email or password.' })
  })

  it.each(['', '$pbkdf2-sha256$', '$pbkdf2-sha256$abc$x$y', 'plain', '$argon2id$v=19$garbage'])(
    'fails cleanly for the stored hash %j',
    async (hash) => {
      await insertUser({ email: 'odd@example.com', username: 'odd', hashedPassword: hash })
      const response = await postLogin({ email: 'odd@example.com', password: 'anything' })
      expect(response.status).toBe(401)
    },
  )
})

import { describe, expect, it } from 'vitest'
import { api, insertUser, login, query } from './helpers/api'
import { countKeys, createUser, setupOwner, USER_PASSWORD, type TestUser } from './helpers/users'

const NEW_PASSWORD = 'Lantern-Granite-Vivid-207'
const OLD_PASSWORD_INCORRECT = {
  message: 'Old password is incorrect.',
  validations: [{ field: 'old_password', detail: 'Old password is incorrect.' }],
}

function changePassword(actor: TestUser, target: string, json: unknown) {
  return api(`/users/${target}/password`, { method: 'PUT', token: actor.token, json })
}

async function storedHash(userId: string): Promise<string | undefined> {
  const [row] = await query<{ hashed_password: string }>(
    'SELECT hashed_password FROM users WHERE id = ?1',
    userId,
  )
  return row?.hashed_password
}

async function loginStatus(email: string, password: string): Promise<number> {
  const response = await api('/users/login', { method: 'POST', json: { email, password } })
  return response.status
}

describe('PUT /api/v2/users/{user}/password', () => {
  it('changes own password, keeps this session', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const otherSession = await login(alice.email, USER_PASSWORD)
    const response = await changePassword(alice, 'me', {
      old_password: USER_PASSWORD,
      password: NEW_PASSWORD,
    })
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect((await api('/users/me', { token: alice.token })).status).toBe(200)
    expect((await api('/users/me', { token: otherSession })).status).toBe(401)
    expect(await countKeys(alice.id)).toBe(1)
    expect(await loginStatus(alice.email, USER_PASSWORD)).toBe(401)
    expect(await loginStatus(alice.email, NEW_PASSWORD)).toBe(201)
    const audit = await query<{ action: string; status_code: number }>(
      "SELECT action, status_code FROM audit_log WHERE resource_id = ?1 AND action = 'write'",
      alice.id,
    )
    expect(audit).toEqual([{ action: 'write', status_code: 204 }])
  })

  it("lets an owner set another user's password", async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await changePassword(owner, alice.username, { password: NEW_PASSWORD })
    expect(response.status).toBe(204)
    expect(await countKeys(alice.id)).toBe(0)
    expect((await api('/users/me', { token: alice.token })).status).toBe(401)
    expect((await api('/users/me', { token: owner.token })).status).toBe(200)
    expect(await loginStatus(alice.email, NEW_PASSWORD)).toBe(201)
  })

  it("lets a user admin set a member's password", async () => {
    const owner = await setupOwner()
    const userAdmin = await createUser(owner.token, 'user-admin', { roles: ['user-admin'] })
    const alice = await createUser(owner.token, 'alice')
    const response = await changePassword(userAdmin, alice.id, { password: NEW_PASSWORD })
    expect(response.status).toBe(204)
  })

  it('returns 404 to a template admin', async () => {
    const owner = await setupOwner()
    const templateAdmin = await createUser(owner.token, 'tadmin', { roles: ['template-admin'] })
    const alice = await createUser(owner.token, 'alice')
    const before = await storedHash(alice.id)
    const response = await changePassword(templateAdmin, alice.id, { password: NEW_PASSWORD })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      message: 'Resource not found or you do not have access to this resource',
    })
    expect(await storedHash(alice.id)).toBe(before)
  })

  it('hides other users from a member', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await changePassword(alice, 'owner', { password: NEW_PASSWORD })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: '"user" must be an existing uuid or username.',
      detail: 'queried user="owner"',
    })
  })

  it.each([
    ['no old password', { password: NEW_PASSWORD }, { message: 'Old password is required.' }],
    [
      'a wrong old password',
      { old_password: 'Wrong-Password-123!', password: NEW_PASSWORD },
      OLD_PASSWORD_INCORRECT,
    ],
    [
      'a weak password',
      { old_password: USER_PASSWORD, password: 'password' },
      {
        message: 'Invalid password.',
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
      'the same password',
      { old_password: USER_PASSWORD, password: USER_PASSWORD },
      { message: 'New password cannot match old password.' },
    ],
    [
      'an empty password',
      { old_password: USER_PASSWORD, password: '' },
      {
        message: 'Validation failed.',
        validations: [
          { field: 'password', detail: 'Validation failed for tag "required" with value: ""' },
        ],
      },
    ],
  ])('rejects %s and changes nothing', async (_, json, expected) => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const otherSession = await login(alice.email, USER_PASSWORD)
    const before = await storedHash(alice.id)
    const response = await changePassword(alice, 'me', json)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(expected)
    expect(await storedHash(alice.id)).toBe(before)
    expect((await api('/users/me', { token: otherSession })).status).toBe(200)
  })

  it('checks an old password that an admin sends', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await changePassword(owner, alice.id, {
      old_password: 'Not-Her-Password-99',
      password: NEW_PASSWORD,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(OLD_PASSWORD_INCORRECT)
  })

  it('rejects users without password login', async () => {
    const owner = await setupOwner()
    const robot = await insertUser({
      email: 'robot@example.com',
      username: 'robot',
      loginType: 'none',
    })
    const response = await changePassword(owner, robot, { password: NEW_PASSWORD })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Users without password login type cannot change their password.',
    })
  })

  it('rejects a body that is not JSON', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const response = await api(`/users/${alice.id}/password`, {
      method: 'PUT',
      token: owner.token,
      body: 'password=x',
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Request body must be valid JSON.',
      detail: "invalid character 'p' looking for beginning of value",
    })
  })

  it('limits each caller to 60 requests a minute', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    // The limiter counts in minute-aligned windows, so a run that crosses a minute boundary may
    // pass up to 120 requests before the first 429; the first 60 always pass.
    let passed = 0
    let limited: Response | undefined
    for (let i = 0; i < 121 && limited === undefined; i += 1) {
      const response = await changePassword(alice, 'me', {})
      if (response.status === 429) limited = response
      else {
        expect(response.status).toBe(400)
        passed += 1
      }
    }
    expect(passed).toBeGreaterThanOrEqual(60)
    expect(limited?.headers.get('Retry-After')).toBe('60')
    expect(await limited?.json()).toEqual({
      message: "You've been rate limited for sending more than 60 requests in 1m0s.",
    })
    // Another caller has its own budget.
    expect((await changePassword(owner, alice.id, {})).status).toBe(400)
  }, 60_000)

  it('lets only one of two parallel own changes win', async () => {
    const owner = await setupOwner()
    const alice = await createUser(owner.token, 'alice')
    const [first, second] = await Promise.all(
      ['Lantern-Granite-Vivid-207', 'Meadow-Copper-Signal-318'].map((password) =>
        changePassword(alice, 'me', { old_password: USER_PASSWORD, password }),
      ),
    )
    const statuses = [first?.status, second?.status].sort()
    expect(statuses).toEqual([204, 400])
    const loser = first?.status === 400 ? first : second
    expect(await loser?.json()).toEqual(OLD_PASSWORD_INCORRECT)
  })
})

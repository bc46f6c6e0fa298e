import { describe, expect, it } from 'vitest'
import { api, apiWithSettings } from './helpers/api'

const BLOCKLIST_OFF = { PASSWORD_BLOCKLIST: 'off' }

const HINT_ALL =
  'insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password'
const HINT_SPECIAL_UPPER =
  'insecure password, try including more special characters, using uppercase letters or using a longer password'
const HINT_SPECIAL =
  'insecure password, try including more special characters or using a longer password'
const HINT_LONGER = 'insecure password, try using a longer password'
const TOO_LONG = 'password must be no more than 64 characters'
const TOO_COMMON =
  'password is too common, choose one that does not appear in lists of leaked passwords'

function validate(password: string, settings?: Record<string, string>) {
  const request = { method: 'POST', json: { password } }
  if (settings) return apiWithSettings(settings, '/users/validate-password', request)
  return api('/users/validate-password', request)
}

async function expectVerdict(response: Response, valid: boolean, details: string) {
  expect(response.status).toBe(200)
  expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
  const body = (await response.json()) as Record<string, unknown>
  expect(Object.keys(body)).toEqual(['valid', 'details'])
  expect(body).toEqual({ valid, details })
}

describe('POST /api/v2/users/validate-password', () => {
  it('answers without a session', async () => {
    const response = await validate('MySecurePassword!')
    await expectVerdict(response, true, '')
  })

  it('ignores an invalid session token', async () => {
    const response = await api('/users/validate-password', {
      method: 'POST',
      json: { password: 'MySecurePassword!' },
      token: '0123456789-0123456789012345678901',
    })
    await expectVerdict(response, true, '')
  })

  it('writes compact JSON with a trailing newline', async () => {
    const valid = await validate('CoderRocks!')
    expect(await valid.text()).toBe('{"valid":true,"details":""}\n')
    const invalid = await validate('hunter2')
    expect(await invalid.text()).toBe(`{"valid":false,"details":"${HINT_SPECIAL_UPPER}"}\n`)
  })

  // Coder's verdicts (go-password-validator v0.3.0 with 52 bits minimum, then at most 64 bytes).
  it.each([
    ['pass', false, HINT_ALL],
    ['password', false, HINT_ALL],
    ['notstrong', false, HINT_ALL],
    ['hunter2', false, HINT_SPECIAL_UPPER],
    ['Passw0rd', false, HINT_SPECIAL],
    ['P@ssw0rd', false, HINT_SPECIAL],
    ['Coder123', false, HINT_SPECIAL],
    ['abcdefgh12345678', false, HINT_SPECIAL_UPPER],
    ['qwertyuiopasdf', false, HINT_ALL],
    ['a'.repeat(20), false, HINT_ALL],
    // The entropy rule runs before the length rule.
    ['a'.repeat(65), false, HINT_ALL],
    ['Password1!', true, ''],
    ['password1!', true, ''],
    ['CoderRocks!', true, ''],
    ['Tr0ub4dor&3', true, ''],
    ['SomeSecurePassword!', true, ''],
    ['MySecurePassword!', true, ''],
    ['PasswordSecured123!', true, ''],
    ['correct horse battery staple', true, ''],
    // 11 characters, 33 UTF-8 bytes: the byte length raises the entropy.
    ['日本語のパスワードです', true, ''],
    ['Aa1!'.repeat(17), false, TOO_LONG],
  ])('judges %j as Coder does', async (password, valid, details) => {
    await expectVerdict(await validate(password, BLOCKLIST_OFF), valid, details)
  })

  it.each([
    // Every character class is present, but 6 characters give only 39 bits.
    ['aA1!_#', false, HINT_LONGER],
    ['Aa1!'.repeat(16), true, ''],
    ['Aa1!'.repeat(16) + 'x', false, TOO_LONG],
    // 62 characters but 64 bytes, then 63 characters but 66 bytes.
    ['Aa1!'.repeat(15) + 'éé', true, ''],
    ['Aa1!'.repeat(15) + 'ééé', false, TOO_LONG],
  ])('applies the 64-byte limit to %j', async (password, valid, details) => {
    await expectVerdict(await validate(password, BLOCKLIST_OFF), valid, details)
  })

  it.each(['Password123', 'PASSword123', 'Iloveyou!'])(
    'rejects the common password %j by default',
    async (password) => {
      await expectVerdict(await validate(password), false, TOO_COMMON)
    },
  )

  it.each(['Password123', 'Iloveyou!'])('accepts %j with the blocklist off', async (password) => {
    await expectVerdict(await validate(password, BLOCKLIST_OFF), true, '')
  })

  it('reports the entropy hint before the blocklist', async () => {
    // "password" is a leaked password, but the entropy rule rejects it first.
    await expectVerdict(await validate('password'), false, HINT_ALL)
  })

  it('rejects an empty password with a validation entry', async () => {
    const response = await validate('')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [
        { field: 'password', detail: 'Validation failed for tag "required" with value: ""' },
      ],
    })
  })

  it('rejects a missing password with a validation entry', async () => {
    const response = await api('/users/validate-password', { method: 'POST', json: {} })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [
        { field: 'password', detail: 'Validation failed for tag "required" with value: ""' },
      ],
    })
  })
})

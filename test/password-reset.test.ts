import { env } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS } from '../src/auth/one-time-passcode'
import { hashPassword } from '../src/auth/password-hash'
import { generateSessionToken, sha256Hex } from '../src/auth/session-token'
import { setClock } from '../src/clock'
import { createDatabase } from '../src/db/client'
import { consumePasscodeAndSetPassword } from '../src/db/one-time-passcodes'
import { setWebhookRetrySleep } from '../src/notify/webhook'
import { api, apiWithSettings, freshIp, insertUser, login, query } from './helpers/api'
import {
  failNextWebhooks,
  newInbox,
  parseResetLink,
  receivedMail,
  receivedWebhooks,
  resetLinkInText,
  smtpSettings,
  webhookSettings,
} from './helpers/mail'

const OLD_PASSWORD = 'SomeSecurePassword!'
const NEW_PASSWORD = 'SomeNewSecurePassword!'
const TWENTY_MINUTES_MS = 20 * 60 * 1000
const INCORRECT = { message: 'Incorrect email or one-time passcode.' }
const SAME_PASSWORD = { message: 'New password cannot match old password.' }

interface TestUser {
  id: string
  email: string
  username: string
}

interface UserPasscodeRow {
  hashed_one_time_passcode: string | null
  one_time_passcode_expires_at: number | null
  one_time_passcode_failed_attempts: number
  hashed_password: string
}

interface WebhookBody {
  msg_id: string
  payload: {
    notification_name: string
    user_id: string
    user_email: string
    actions: { label: string; url: string }[]
    labels: Record<string, string>
  }
  title: string
}

/** Captured console output of the Worker, which runs in the same isolate as the tests. */
let consoleLines: string[]

beforeEach(() => {
  consoleLines = []
  for (const method of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '))
    })
  }
  // Webhook retries wait 0 ms here; the delays themselves are checked in notify.test.ts.
  setWebhookRetrySleep(async () => undefined)
})

afterEach(() => {
  vi.restoreAllMocks()
  setWebhookRetrySleep(undefined)
})

async function createUser(email: string, password = OLD_PASSWORD): Promise<TestUser> {
  const username = `user-${crypto.randomUUID().slice(0, 8)}`
  const id = await insertUser({ email, username, hashedPassword: await hashPassword(password) })
  return { id, email, username }
}

function requestPasscode(email: unknown, settings: Record<string, string> = {}) {
  return apiWithSettings(settings, '/users/otp/request', { method: 'POST', json: { email } })
}

function changePassword(body: unknown, settings: Record<string, string> = {}) {
  return apiWithSettings(settings, '/users/otp/change-password', { method: 'POST', json: body })
}

/** Requests a passcode for `email` through the webhook peer and returns it with the delivery. */
async function passcodeFor(email: string) {
  const inbox = newInbox()
  const response = await requestPasscode(email, webhookSettings(inbox))
  expect(response.status).toBe(204)
  const deliveries = await receivedWebhooks(inbox)
  expect(deliveries).toHaveLength(1)
  const body = deliveries[0]?.body as WebhookBody
  const passcode = body.payload.labels.one_time_passcode ?? ''
  return { passcode, body, inbox }
}

async function passcodeRow(userId: string): Promise<UserPasscodeRow> {
  const [row] = await query<UserPasscodeRow>(
    `SELECT hashed_one_time_passcode, one_time_passcode_expires_at,
      one_time_passcode_failed_attempts, hashed_password FROM users WHERE id = ?`,
    userId,
  )
  if (!row) throw new Error(`user ${userId} not found`)
  return row
}

async function canLogIn(email: string, password: string): Promise<boolean> {
  const response = await api('/users/login', { method: 'POST', json: { email, password } })
  return response.status === 201
}

/** Inserts a long-lived API token for the user and returns it. */
async function insertToken(userId: string): Promise<string> {
  const token = generateSessionToken()
  const now = Date.now()
  await env.DB.prepare(
    `INSERT INTO api_keys (id, hashed_secret, user_id, expires_at, created_at, updated_at,
      login_type, lifetime_seconds, token_name)
     VALUES (?1, ?2, ?3, ?4, ?5, ?5, 'token', 604800, 'ci')`,
  )
    .bind(token.id, await sha256Hex(token.secret), userId, now + 7 * 86_400_000, now)
    .run()
  return token.token
}

async function isSignedIn(token: string): Promise<boolean> {
  const response = await api('/users/me', { token })
  return response.status === 200
}

describe('POST /api/v2/users/otp/request', () => {
  it('stores a hash and sends the link', async () => {
    const start = Date.UTC(2026, 0, 15, 12, 0, 0)
    setClock(() => start)
    const user = await createUser('ada@example.com')
    const inbox = newInbox()

    const response = await requestPasscode(user.email, webhookSettings(inbox))
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(response.headers.get('X-RateLimit-Limit')).toBe('60')

    const [delivery] = await receivedWebhooks(inbox)
    const body = delivery?.body as WebhookBody
    const passcode = body.payload.labels.one_time_passcode ?? ''
    expect(passcode).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(body.title).toBe('Reset your password for Coder')
    expect(body.payload.user_id).toBe(user.id)
    const link = body.payload.actions[0]?.url ?? ''
    expect(link).toBe(
      `http://127.0.0.1:8787/reset-password/change?otp=${passcode}&email=ada%40example.com`,
    )

    const row = await passcodeRow(user.id)
    expect(row.hashed_one_time_passcode).toBe(await sha256Hex(passcode))
    expect(row.one_time_passcode_expires_at).toBe(start + TWENTY_MINUTES_MS)
    expect(row.one_time_passcode_failed_attempts).toBe(0)
  })

  it('uses the request origin when ACCESS_URL is not set', async () => {
    const user = await createUser('origin@example.com')
    const inbox = newInbox()
    await requestPasscode(user.email, { ...webhookSettings(inbox), ACCESS_URL: '' })
    const [delivery] = await receivedWebhooks(inbox)
    const link = (delivery?.body as WebhookBody).payload.actions[0]?.url ?? ''
    expect(link.startsWith('http://edgeauth.test/reset-password/change?otp=')).toBe(true)
  })

  it('answers 204 for an unknown email and sends nothing', async () => {
    await createUser('known@example.com')
    const inbox = newInbox()
    const response = await requestPasscode('nobody@example.com', webhookSettings(inbox))
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(await receivedWebhooks(inbox)).toEqual([])
    expect(await query('SELECT id FROM users WHERE hashed_one_time_passcode IS NOT NULL')).toEqual(
      [],
    )
    expect(await query('SELECT id FROM audit_log')).toEqual([])

    const warning = consoleLines.find((line) => line.includes('password_reset_unknown_email'))
    const expectedPrefix = (await sha256Hex('nobody@example.com')).slice(0, 12)
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      level: 'warn',
      email_sha256_prefix: expectedPrefix,
    })
    expect(consoleLines.join('\n')).not.toContain('nobody@example.com')
  })

  it('reaches the user when the email differs in case', async () => {
    const user = await createUser('Mixed.Case@Example.com')
    const { body } = await passcodeFor('mixed.CASE@example.COM')
    expect(body.payload.user_id).toBe(user.id)
    expect(body.payload.user_email).toBe('Mixed.Case@Example.com')
    const { email } = parseResetLink(body.payload.actions[0]?.url ?? '')
    expect(email).toBe('Mixed.Case@Example.com')
  })

  it('accepts only the latest passcode', async () => {
    const user = await createUser('latest@example.com')
    const first = await passcodeFor(user.email)
    const second = await passcodeFor(user.email)
    expect(second.passcode).not.toBe(first.passcode)

    const withFirst = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: first.passcode,
    })
    expect(withFirst.status).toBe(400)
    expect(await withFirst.json()).toEqual(INCORRECT)

    const withSecond = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: second.passcode,
    })
    expect(withSecond.status).toBe(204)
  })

  it('resets the failed-attempt count with a new passcode', async () => {
    const user = await createUser('reset-count@example.com')
    await passcodeFor(user.email)
    await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: crypto.randomUUID(),
    })
    expect((await passcodeRow(user.id)).one_time_passcode_failed_attempts).toBe(1)
    await passcodeFor(user.email)
    expect((await passcodeRow(user.id)).one_time_passcode_failed_attempts).toBe(0)
  })

  it('honours ONE_TIME_PASSCODE_DURATION', async () => {
    const start = Date.UTC(2026, 0, 15, 12, 0, 0)
    setClock(() => start)
    const user = await createUser('duration@example.com')
    const inbox = newInbox()
    await requestPasscode(user.email, {
      ...webhookSettings(inbox),
      ONE_TIME_PASSCODE_DURATION: '300',
    })
    expect((await passcodeRow(user.id)).one_time_passcode_expires_at).toBe(start + 300_000)
  })

  it('audits a known user without secrets', async () => {
    const user = await createUser('audit-request@example.com')
    const { passcode } = await passcodeFor(user.email)
    const entries = await query<Record<string, unknown>>('SELECT * FROM audit_log')
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      action: 'request_password_reset',
      resource_type: 'user',
      resource_id: user.id,
      user_id: user.id,
      status_code: 204,
      additional_fields: '{}',
    })
    expect(JSON.stringify(entries)).not.toContain(passcode)
  })

  it('answers 204 when the database fails', async () => {
    const failingDb = {
      prepare: () => {
        throw new Error('D1 is unavailable')
      },
    }
    const response = await apiWithSettings(
      { DB: failingDb } as unknown as Record<string, string>,
      '/users/otp/request',
      { method: 'POST', json: { email: 'someone@example.com' } },
    )
    expect(response.status).toBe(204)
    const failure = consoleLines.find((line) => line.includes('password_reset_request_failed'))
    expect(failure).toContain('D1 is unavailable')
  })

  it('prints the link only with the log method', async () => {
    const user = await createUser('log@example.com')
    const response = await requestPasscode(user.email, { NOTIFICATIONS_METHOD: 'log' })
    expect(response.status).toBe(204)
    const line = consoleLines.find((entry) => entry.includes('notification_logged'))
    const logged = JSON.parse(line ?? '{}') as { action_url?: string; user_id?: string }
    expect(logged.user_id).toBe(user.id)
    const { otp, path } = parseResetLink(logged.action_url ?? 'http://invalid/')
    expect(path).toBe('/reset-password/change')
    expect(await sha256Hex(otp)).toBe((await passcodeRow(user.id)).hashed_one_time_passcode)

    consoleLines = []
    const { passcode } = await passcodeFor(user.email)
    expect(consoleLines.length).toBeGreaterThan(0)
    expect(consoleLines.join('\n')).not.toContain(passcode)
  })

  it('retries a failing webhook and still answers 204', async () => {
    const user = await createUser('retry@example.com')
    const inbox = newInbox()
    await failNextWebhooks(inbox, 2, 500)
    const response = await requestPasscode(user.email, webhookSettings(inbox))
    expect(response.status).toBe(204)

    const deliveries = await receivedWebhooks(inbox)
    expect(deliveries.map((delivery) => delivery.status)).toEqual([500, 500, 200])
    const passcode = (deliveries[2]?.body as WebhookBody).payload.labels.one_time_passcode
    const change = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(change.status).toBe(204)
  })

  it('answers 204 when the webhook never succeeds', async () => {
    const user = await createUser('webhook-down@example.com')
    const inbox = newInbox()
    await failNextWebhooks(inbox, 100, 500)
    const response = await requestPasscode(user.email, webhookSettings(inbox))
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')
    expect(await receivedWebhooks(inbox)).toHaveLength(4)
    const failure = consoleLines.find((line) => line.includes('password_reset_request_failed'))
    expect(failure).toContain('non-2xx response (500)')
  })

  it('delivers a working link by SMTP', async () => {
    const user = await createUser(`smtp-${crypto.randomUUID().slice(0, 8)}@example.com`)
    const response = await requestPasscode(user.email, smtpSettings())
    expect(response.status).toBe(204)

    const [mail, ...rest] = await receivedMail(user.email)
    expect(rest).toHaveLength(0)
    expect(mail?.subject).toBe('Reset your password for Coder')
    expect(mail?.from).toBe('"Coder" <noreply@edgeauth.test>')
    const { otp, email } = parseResetLink(resetLinkInText(mail?.text ?? ''))
    expect(email).toBe(user.email)

    const change = await changePassword(
      { email, password: NEW_PASSWORD, one_time_passcode: otp },
      smtpSettings(),
    )
    expect(change.status).toBe(204)
    const mails = await receivedMail(user.email)
    expect(mails.map((message) => message.subject)).toEqual([
      'Reset your password for Coder',
      'Your password for Coder was changed',
    ])
  })

  it('returns 403 when password auth is disabled', async () => {
    const response = await apiWithSettings(
      { DISABLE_PASSWORD_AUTH: 'true' },
      '/users/otp/request',
      { method: 'POST', body: 'not json' },
    )
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ message: 'Password authentication is disabled.' })
  })

  it.each([
    ['an empty body', '', { message: 'Request body must be valid JSON.', detail: 'EOF' }],
    [
      'a missing email',
      '{}',
      {
        message: 'Validation failed.',
        validations: [
          { field: 'email', detail: 'Validation failed for tag "required" with value: ""' },
        ],
      },
    ],
    [
      'an invalid email',
      '{"email":"not-an-email"}',
      {
        message: 'Validation failed.',
        validations: [
          {
            field: 'email',
            detail: 'Validation failed for tag "email" with value: "not-an-email"',
          },
        ],
      },
    ],
  ])('returns 400 for %s', async (_, body, expected) => {
    const response = await api('/users/otp/request', { method: 'POST', body })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(expected)
  })

  it('is limited to 60 requests per minute per IP', async () => {
    const ip = freshIp()
    const statuses: number[] = []
    for (let i = 0; i < 61; i++) {
      const response = await api('/users/otp/request', { method: 'POST', body: '{}', ip })
      statuses.push(response.status)
    }
    expect(statuses.slice(0, 60).every((status) => status === 400)).toBe(true)
    expect(statuses[60]).toBe(429)
  })
})

describe('POST /api/v2/users/otp/change-password', () => {
  it('changes the password and ends sessions', async () => {
    const user = await createUser('change@example.com')
    const other = await createUser('bystander@example.com')
    const sessions = [await login(user.email, OLD_PASSWORD), await login(user.email, OLD_PASSWORD)]
    const token = await insertToken(user.id)
    const otherSession = await login(other.email, OLD_PASSWORD)
    for (const key of [...sessions, token]) expect(await isSignedIn(key)).toBe(true)

    const { passcode } = await passcodeFor(user.email)
    const inbox = newInbox()
    const response = await changePassword(
      { email: user.email, password: NEW_PASSWORD, one_time_passcode: passcode },
      webhookSettings(inbox),
    )
    expect(response.status).toBe(204)
    expect(await response.text()).toBe('')

    for (const key of [...sessions, token]) expect(await isSignedIn(key)).toBe(false)
    expect(await query('SELECT id FROM api_keys WHERE user_id = ?', user.id)).toEqual([])
    expect(await isSignedIn(otherSession)).toBe(true)
    expect(await canLogIn(user.email, NEW_PASSWORD)).toBe(true)
    expect(await canLogIn(user.email, OLD_PASSWORD)).toBe(false)

    const row = await passcodeRow(user.id)
    expect(row.hashed_one_time_passcode).toBeNull()
    expect(row.one_time_passcode_expires_at).toBeNull()
    expect(row.hashed_password.startsWith('$argon2id$')).toBe(true)

    const [notice] = await receivedWebhooks(inbox)
    const body = notice?.body as WebhookBody
    expect(body.title).toBe('Your password for Coder was changed')
    expect(body.payload.notification_name).toBe('Password Changed')
    expect(body.payload.user_id).toBe(user.id)
  })

  it('audits the change without secrets', async () => {
    const user = await createUser('audit-change@example.com')
    const { passcode } = await passcodeFor(user.email)
    await changePassword({ email: user.email, password: NEW_PASSWORD, one_time_passcode: passcode })
    const entries = await query<Record<string, unknown>>(
      "SELECT * FROM audit_log WHERE action = 'write'",
    )
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      resource_type: 'user',
      resource_id: user.id,
      user_id: user.id,
      status_code: 204,
    })
    const all = JSON.stringify(await query('SELECT * FROM audit_log'))
    expect(all).not.toContain(passcode)
    expect(all).not.toContain(NEW_PASSWORD)
  })

  it('rejects a passcode that was already used', async () => {
    const user = await createUser('reuse@example.com')
    const { passcode } = await passcodeFor(user.email)
    const first = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(first.status).toBe(204)

    const again = await changePassword({
      email: user.email,
      password: 'YetAnotherSecurePassword!',
      one_time_passcode: passcode,
    })
    expect(again.status).toBe(400)
    expect(await again.json()).toEqual(INCORRECT)
    expect(await canLogIn(user.email, NEW_PASSWORD)).toBe(true)
  })

  it('keeps the passcode when the new password is weak', async () => {
    const user = await createUser('weak@example.com')
    const { passcode } = await passcodeFor(user.email)
    const weak = await changePassword({
      email: user.email,
      password: 'notstrong',
      one_time_passcode: passcode,
    })
    expect(weak.status).toBe(400)
    expect(await weak.json()).toEqual({
      message: 'Invalid password.',
      validations: [
        {
          field: 'password',
          detail:
            'insecure password, try including more special characters, using uppercase ' +
            'letters, using numbers or using a longer password',
        },
      ],
    })
    const row = await passcodeRow(user.id)
    expect(row.hashed_one_time_passcode).toBe(await sha256Hex(passcode))
    expect(row.one_time_passcode_failed_attempts).toBe(0)

    const strong = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(strong.status).toBe(204)
  })

  it('checks strength before the passcode', async () => {
    const user = await createUser('weak-first@example.com')
    const response = await changePassword({
      email: user.email,
      password: 'pass',
      one_time_passcode: 'wrong',
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe('Invalid password.')
  })

  it('rejects the current password and keeps the passcode', async () => {
    const user = await createUser('same@example.com')
    const { passcode } = await passcodeFor(user.email)
    const same = await changePassword({
      email: user.email,
      password: OLD_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(same.status).toBe(400)
    expect(await same.json()).toEqual(SAME_PASSWORD)
    const row = await passcodeRow(user.id)
    expect(row.hashed_one_time_passcode).toBe(await sha256Hex(passcode))
    // The rejection reveals whether a guess is the current password, so it counts as a failure.
    expect(row.one_time_passcode_failed_attempts).toBe(1)

    const other = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(other.status).toBe(204)
  })

  it("rejects another user's passcode", async () => {
    const alice = await createUser('alice@example.com')
    const bob = await createUser('bob@example.com')
    const { passcode } = await passcodeFor(alice.email)

    const response = await changePassword({
      email: bob.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(INCORRECT)
    expect(await canLogIn(alice.email, OLD_PASSWORD)).toBe(true)
    expect(await canLogIn(bob.email, OLD_PASSWORD)).toBe(true)

    const own = await changePassword({
      email: alice.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(own.status).toBe(204)
  })

  it('expires the passcode after 20 minutes', async () => {
    const start = Date.UTC(2026, 0, 15, 12, 0, 0)
    const late = await createUser('late@example.com')
    const onTime = await createUser('on-time@example.com')
    setClock(() => start)
    const lateCode = await passcodeFor(late.email)
    const onTimeCode = await passcodeFor(onTime.email)

    setClock(() => start + TWENTY_MINUTES_MS + 1)
    const expired = await changePassword({
      email: late.email,
      password: NEW_PASSWORD,
      one_time_passcode: lateCode.passcode,
    })
    expect(expired.status).toBe(400)
    expect(await expired.json()).toEqual(INCORRECT)
    expect(await canLogIn(late.email, OLD_PASSWORD)).toBe(true)

    setClock(() => start + TWENTY_MINUTES_MS)
    const inTime = await changePassword({
      email: onTime.email,
      password: NEW_PASSWORD,
      one_time_passcode: onTimeCode.passcode,
    })
    expect(inTime.status).toBe(204)
  })

  it.each([
    ['no passcode was requested', async () => crypto.randomUUID()],
    [
      'the passcode is upper-cased',
      async (email: string) => (await passcodeFor(email)).passcode.toUpperCase(),
    ],
  ])('returns 400 when %s', async (_, passcodeOf) => {
    const user = await createUser('never@example.com')
    const response = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: await passcodeOf(user.email),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(INCORRECT)
  })

  it('returns 400 for an unknown email', async () => {
    const response = await changePassword({
      email: 'nobody@example.com',
      password: NEW_PASSWORD,
      one_time_passcode: crypto.randomUUID(),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(INCORRECT)
  })

  it('returns 400 for a deleted user with a valid passcode', async () => {
    const user = await createUser('deleted@example.com')
    const { passcode } = await passcodeFor(user.email)
    await query('UPDATE users SET deleted = 1 WHERE id = ?', user.id)
    const response = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual(INCORRECT)
  })

  it('matches the email ignoring ASCII case', async () => {
    const user = await createUser('CaseChange@example.com')
    const { passcode } = await passcodeFor(user.email)
    const response = await changePassword({
      email: 'casechange@EXAMPLE.com',
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(response.status).toBe(204)
  })

  it('invalidates the passcode after 10 wrong ones', async () => {
    expect(ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS).toBe(10)
    const user = await createUser('guessed@example.com')
    const { passcode } = await passcodeFor(user.email)
    for (let i = 0; i < ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS; i++) {
      const wrong = await changePassword({
        email: user.email,
        password: NEW_PASSWORD,
        one_time_passcode: crypto.randomUUID(),
      })
      expect(wrong.status).toBe(400)
    }
    const row = await passcodeRow(user.id)
    expect(row.hashed_one_time_passcode).toBeNull()
    expect(row.one_time_passcode_expires_at).toBeNull()
    expect(row.one_time_passcode_failed_attempts).toBe(10)
    expect(consoleLines.some((line) => line.includes('one_time_passcode_invalidated'))).toBe(true)

    const real = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(real.status).toBe(400)
    expect(await real.json()).toEqual(INCORRECT)
    expect(await canLogIn(user.email, OLD_PASSWORD)).toBe(true)
  })

  it('still accepts the passcode after 9 wrong ones', async () => {
    const user = await createUser('nine@example.com')
    const { passcode } = await passcodeFor(user.email)
    for (let i = 0; i < ONE_TIME_PASSCODE_MAX_FAILED_ATTEMPTS - 1; i++) {
      await changePassword({
        email: user.email,
        password: NEW_PASSWORD,
        one_time_passcode: crypto.randomUUID(),
      })
    }
    expect((await passcodeRow(user.id)).one_time_passcode_failed_attempts).toBe(9)
    const real = await changePassword({
      email: user.email,
      password: NEW_PASSWORD,
      one_time_passcode: passcode,
    })
    expect(real.status).toBe(204)
  })

  it('lets one of 10 parallel requests win', async () => {
    const user = await createUser('race@example.com')
    const session = await login(user.email, OLD_PASSWORD)
    const { passcode } = await passcodeFor(user.email)
    const passwords = Array.from({ length: 10 }, (_, i) => `RaceWinner-${i}-SecurePassword!`)

    const responses = await Promise.all(
      passwords.map((password) =>
        api('/users/otp/change-password', {
          method: 'POST',
          json: { email: user.email, password, one_time_passcode: passcode },
        }),
      ),
    )
    const statuses = responses.map((response) => response.status)
    expect(statuses.filter((status) => status === 204)).toHaveLength(1)
    expect(statuses.filter((status) => status === 400)).toHaveLength(9)
    for (const response of responses.filter((response) => response.status === 400)) {
      expect(await response.json()).toEqual(INCORRECT)
    }

    // The losers passed the first passcode check, so the atomic consume decided the race.
    const rejections = consoleLines.filter((line) => line.includes('password_reset_rejected'))
    expect(rejections).toHaveLength(9)
    expect(rejections.some((line) => line.includes('passcode_consumed_concurrently'))).toBe(true)

    const winner = passwords[statuses.indexOf(204)] ?? ''
    const loggedIn = []
    for (const password of passwords) {
      if (await canLogIn(user.email, password)) loggedIn.push(password)
    }
    expect(loggedIn).toEqual([winner])
    expect(await isSignedIn(session)).toBe(false)
    const writes = await query(
      "SELECT id FROM audit_log WHERE action = 'write' AND status_code = 204",
    )
    expect(writes).toHaveLength(1)
  })

  it('changes nothing for a race loser', async () => {
    const user = await createUser('loser@example.com')
    const { passcode } = await passcodeFor(user.email)
    const db = createDatabase(env.DB)
    const passcodeHash = await sha256Hex(passcode)
    const change = (newPasswordHash: string) =>
      consumePasscodeAndSetPassword(db, {
        userId: user.id,
        email: user.email,
        passcodeHash,
        newPasswordHash,
        now: Date.now(),
        audit: {
          time: Date.now(),
          action: 'write',
          resourceType: 'user',
          resourceId: user.id,
          userId: user.id,
          ipAddress: '192.0.2.1',
          statusCode: 204,
          requestId: 'race-test',
        },
      })
    // Both requests read the passcode and hashed their password before either consumed it.
    const winnerHash = await hashPassword('RaceWinnerPassword-1!')
    const loserHash = await hashPassword('RaceLoserPassword-2!')

    expect(await change(winnerHash)).toBe(true)
    // A session created between the two batches must survive the loser's batch.
    const session = await login(user.email, 'RaceWinnerPassword-1!')
    expect(await change(loserHash)).toBe(false)

    expect((await passcodeRow(user.id)).hashed_password).toBe(winnerHash)
    expect(await isSignedIn(session)).toBe(true)
    expect(await query("SELECT id FROM audit_log WHERE request_id = 'race-test'")).toHaveLength(1)
  })

  it('returns 403 when password auth is disabled', async () => {
    const response = await apiWithSettings(
      { DISABLE_PASSWORD_AUTH: 'true' },
      '/users/otp/change-password',
      { method: 'POST', body: '{' },
    )
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ message: 'Password authentication is disabled.' })
  })

  it('lists validation failures in field order', async () => {
    const response = await api('/users/otp/change-password', {
      method: 'POST',
      json: { email: '', password: '', one_time_passcode: '' },
    })
    expect(response.status).toBe(400)
    const required = 'Validation failed for tag "required" with value: ""'
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [
        { field: 'email', detail: required },
        { field: 'password', detail: required },
        { field: 'one_time_passcode', detail: required },
      ],
    })
  })

  it('reports only the missing passcode', async () => {
    const response = await api('/users/otp/change-password', {
      method: 'POST',
      json: { email: 'a@example.com', password: NEW_PASSWORD, one_time_passcode: '' },
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [
        {
          field: 'one_time_passcode',
          detail: 'Validation failed for tag "required" with value: ""',
        },
      ],
    })
  })

  it('is limited to 60 requests per minute per IP', async () => {
    const ip = freshIp()
    // Windows are minute-aligned: across a boundary up to 120 requests may pass before a 429.
    let passed = 0
    let limited = false
    for (let i = 0; i < 121 && !limited; i++) {
      const response = await api('/users/otp/change-password', { method: 'POST', body: '{}', ip })
      if (response.status === 429) limited = true
      else {
        expect(response.status).toBe(400)
        passed += 1
      }
    }
    expect(passed).toBeGreaterThanOrEqual(60)
    expect(limited).toBe(true)
  }, 60_000)
})

import { afterEach, describe, expect, inject, it, vi } from 'vitest'
import type { Config } from '../src/config'
import { createLogger } from '../src/log'
import { createNotifier, type Notification } from '../src/notify'
import { createLogNotifier } from '../src/notify/log'
import { parseMailbox, parseSmarthost, renderHtml, renderText, sendMail } from '../src/notify/smtp'
import {
  buildOneTimePasscodeMessage,
  buildPasswordChangedMessage,
  goQueryEscape,
  ONE_TIME_PASSCODE_TEMPLATE_ID,
} from '../src/notify/templates'
import {
  buildWebhookPayload,
  sendWebhook,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_BASE_DELAY_MS,
} from '../src/notify/webhook'
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

const logger = createLogger('notify-test')
const PASSCODE = '3f1c0f5e-9a7b-4c2d-8e11-0b6f4a2d9c10'

function recipient(email = `user-${crypto.randomUUID()}@example.com`) {
  return { id: crypto.randomUUID(), email, name: 'Ada Lovelace', username: 'ada' }
}

function passcodeMessage(email?: string): Notification {
  return buildOneTimePasscodeMessage(recipient(email), PASSCODE, 'https://coder.example.com')
}

/** A sleep that returns at once and records each requested delay. */
function fakeSleep() {
  const delays: number[] = []
  return { delays, sleep: async (milliseconds: number) => void delays.push(milliseconds) }
}

function webhookEndpoint(inbox: string): string {
  return webhookSettings(inbox).NOTIFICATIONS_WEBHOOK_ENDPOINT ?? ''
}

function smtpConfig(authenticate = false): NonNullable<Config['smtp']> {
  const settings = smtpSettings({ authenticate })
  return {
    smarthost: settings.EMAIL_SMARTHOST ?? '',
    from: settings.EMAIL_FROM ?? '',
    username: settings.EMAIL_AUTH_USERNAME ?? null,
    password: settings.EMAIL_AUTH_PASSWORD ?? null,
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('message templates', () => {
  it("renders Coder's one-time passcode message", () => {
    const message = buildOneTimePasscodeMessage(
      recipient('Ada+Reset@Example.com'),
      PASSCODE,
      'https://coder.example.com',
    )
    expect(message.templateId).toBe(ONE_TIME_PASSCODE_TEMPLATE_ID)
    expect(message.templateName).toBe('One-Time Passcode')
    expect(message.title).toBe('Reset your password for Coder')
    expect(message.body).toBe(
      'Use the link below to reset your password.\n\n' +
        'If you did not make this request, you can ignore this message.',
    )
    expect(message.actions).toEqual([
      {
        label: 'Reset password',
        url: `https://coder.example.com/reset-password/change?otp=${PASSCODE}&email=Ada%2BReset%40Example.com`,
      },
    ])
    expect(message.labels).toEqual({ one_time_passcode: PASSCODE })
  })

  it('renders the password-changed notice without a secret', () => {
    const message = buildPasswordChangedMessage(recipient(), 'https://coder.example.com')
    expect(message.title).toBe('Your password for Coder was changed')
    expect(message.labels).toEqual({})
    expect(message.actions).toEqual([{ label: 'Sign in', url: 'https://coder.example.com/login' }])
  })

  it.each([
    ['a+b@example.com', 'a%2Bb%40example.com'],
    ['first last@example.com', 'first+last%40example.com'],
    ["o'neil!(x)*@example.com", 'o%27neil%21%28x%29%2A%40example.com'],
    ['jürgen@example.com', 'j%C3%BCrgen%40example.com'],
    ['a-b_c.d~e', 'a-b_c.d~e'],
  ])("escapes %s as Go's url.QueryEscape does", (value, escaped) => {
    expect(goQueryEscape(value)).toBe(escaped)
  })
})

describe('log notifier', () => {
  it('writes one JSON line with the action link', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line))
    const message = passcodeMessage()
    await createLogNotifier(logger).send(message)
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>
    expect(entry.event).toBe('notification_logged')
    expect(entry.user_id).toBe(message.recipient.id)
    expect(entry.action_url).toBe(message.actions[0]?.url)
    expect(entry).not.toHaveProperty('labels')
  })
})

describe('createNotifier', () => {
  const base = {
    notificationsMethod: 'log',
    webhookEndpoint: 'http://127.0.0.1:9/hook',
    smtp: { smarthost: '127.0.0.1:25', from: 'a@example.com', username: null, password: null },
  }

  it.each(['log', 'webhook', 'smtp'] as const)('returns the %s notifier', (method) => {
    const config = { ...base, notificationsMethod: method } as unknown as Config
    expect(createNotifier(config, logger).method).toBe(method)
  })
})

describe('webhook notifier', () => {
  it("sends Coder's WebhookPayload shape", async () => {
    const inbox = newInbox()
    const message = passcodeMessage()
    await sendWebhook(webhookEndpoint(inbox), message, logger)

    const [delivery, ...rest] = await receivedWebhooks(inbox)
    expect(rest).toHaveLength(0)
    expect(delivery?.status).toBe(200)
    expect(delivery?.contentType).toBe('application/json')
    expect(delivery?.messageIdHeader).toBe(message.id)
    const body = delivery?.body as Record<string, unknown>
    expect(Object.keys(body)).toEqual(['_version', 'msg_id', 'payload', 'title', 'body'])
    expect(body).toEqual(buildWebhookPayload(message))
    expect(body.payload).toEqual({
      _version: '1.2',
      notification_name: 'One-Time Passcode',
      notification_template_id: ONE_TIME_PASSCODE_TEMPLATE_ID,
      user_id: message.recipient.id,
      user_email: message.recipient.email,
      user_name: 'Ada Lovelace',
      user_username: 'ada',
      actions: message.actions,
      labels: { one_time_passcode: PASSCODE },
      data: null,
      targets: [message.recipient.id],
    })
  })

  it('retries after 500 with backoff and then succeeds', async () => {
    const inbox = newInbox()
    await failNextWebhooks(inbox, 2, 500)
    const { delays, sleep } = fakeSleep()
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const message = passcodeMessage()
    await sendWebhook(webhookEndpoint(inbox), message, logger, { sleep })

    const deliveries = await receivedWebhooks(inbox)
    expect(deliveries.map((delivery) => delivery.status)).toEqual([500, 500, 200])
    expect(new Set(deliveries.map((delivery) => delivery.messageIdHeader))).toEqual(
      new Set([message.id]),
    )
    expect(delays).toEqual([WEBHOOK_RETRY_BASE_DELAY_MS, WEBHOOK_RETRY_BASE_DELAY_MS * 2])
  })

  it('gives up after the maximum number of attempts', async () => {
    const inbox = newInbox()
    await failNextWebhooks(inbox, 100, 503)
    const { delays, sleep } = fakeSleep()
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined)

    await expect(
      sendWebhook(webhookEndpoint(inbox), passcodeMessage(), logger, { sleep }),
    ).rejects.toThrow('webhook delivery failed: non-2xx response (503)')
    expect(await receivedWebhooks(inbox)).toHaveLength(WEBHOOK_MAX_ATTEMPTS)
    expect(delays).toEqual([500, 1000, 2000])
    expect(warnings).toHaveBeenCalledTimes(WEBHOOK_MAX_ATTEMPTS)
    const logged = warnings.mock.calls.map((call) => String(call[0])).join('\n')
    expect(logged).not.toContain(PASSCODE)
  })

  it('does not retry a 4xx answer', async () => {
    const inbox = newInbox()
    await failNextWebhooks(inbox, 1, 400)
    const { delays, sleep } = fakeSleep()
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)

    await expect(
      sendWebhook(webhookEndpoint(inbox), passcodeMessage(), logger, { sleep }),
    ).rejects.toThrow('non-2xx response (400)')
    expect(await receivedWebhooks(inbox)).toHaveLength(1)
    expect(delays).toEqual([])
  })

  it('retries after a network error', async () => {
    const inbox = newInbox()
    const { delays, sleep } = fakeSleep()
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    let calls = 0
    const flakyFetch: typeof fetch = async (input, init) => {
      calls += 1
      if (calls === 1) throw new TypeError('Network connection lost.')
      return fetch(input, init)
    }

    await sendWebhook(webhookEndpoint(inbox), passcodeMessage(), logger, {
      sleep,
      fetch: flakyFetch,
    })
    expect(calls).toBe(2)
    expect(await receivedWebhooks(inbox)).toHaveLength(1)
    expect(delays).toEqual([WEBHOOK_RETRY_BASE_DELAY_MS])
  })
})

describe('SMTP notifier', () => {
  it('delivers a MIME message that the SMTP peer parses', async () => {
    const message = passcodeMessage()
    await sendMail(smtpConfig(), message, logger)

    const [mail, ...rest] = await receivedMail(message.recipient.email)
    expect(rest).toHaveLength(0)
    expect(mail?.envelopeFrom).toBe('noreply@edgeauth.test')
    expect(mail?.envelopeTo).toEqual([message.recipient.email])
    expect(mail?.authenticatedUser).toBeNull()
    expect(mail?.from).toBe('"Coder" <noreply@edgeauth.test>')
    expect(mail?.to).toBe(message.recipient.email)
    expect(mail?.subject).toBe('Reset your password for Coder')
    expect(mail?.messageId).toBe(`<${message.id}@edgeauth.test>`)
    expect(mail?.text).toContain('Use the link below to reset your password.')

    const link = resetLinkInText(mail?.text ?? '')
    expect(link).toBe(message.actions[0]?.url)
    expect(parseResetLink(link)).toEqual({
      otp: PASSCODE,
      email: message.recipient.email,
      path: '/reset-password/change',
    })
    expect(mail?.html).toContain(`href="${link.replace('&', '&amp;')}"`)
  })

  it('logs in when credentials are configured', async () => {
    const message = passcodeMessage()
    await sendMail(smtpConfig(true), message, logger)
    const [mail] = await receivedMail(message.recipient.email)
    expect(mail?.authenticatedUser).toBe(smtpConfig(true).username)
  })

  it('rejects a wrong password and delivers nothing', async () => {
    const message = passcodeMessage()
    const config = { ...smtpConfig(true), password: 'wrong-password' }
    await expect(sendMail(config, message, logger)).rejects.toThrow(/authentication/)
    expect(await receivedMail(message.recipient.email)).toEqual([])
  })

  it('fails when the server hangs up mid-conversation', async () => {
    // worker-mailer 1.2.1 looped forever at full CPU here; patches/ makes it throw.
    const message = passcodeMessage()
    const config = { ...smtpConfig(), smarthost: `127.0.0.1:${inject('mailPeers').smtpHangUpPort}` }
    await expect(sendMail(config, message, logger)).rejects.toThrow(/closed the connection/)
  })

  it('rejects a recipient address with CR LF before connecting', async () => {
    const message = passcodeMessage('"a\r\n b"@example.com')
    const config = { ...smtpConfig(), smarthost: '127.0.0.1:9' }
    await expect(sendMail(config, message, logger)).rejects.toThrow(/control character/)
  })

  it('renders text and HTML parts with escaping', () => {
    const message = {
      ...passcodeMessage(),
      title: 'Tom & <Jerry>',
      body: 'first "para"\n\nsecond',
    }
    expect(renderText(message)).toBe(
      `first "para"\n\nsecond\n\nReset password: ${message.actions[0]?.url}\n`,
    )
    const html = renderHtml(message)
    expect(html).toContain('<h1 style="font-size:20px">Tom &amp; &lt;Jerry&gt;</h1>')
    expect(html).toContain('<p>first &quot;para&quot;</p>\n<p>second</p>')
  })

  it.each([
    ['noreply@example.com', { email: 'noreply@example.com' }],
    ['Coder <noreply@example.com>', { name: 'Coder', email: 'noreply@example.com' }],
    ['"Coder Mail" <noreply@example.com>', { name: 'Coder Mail', email: 'noreply@example.com' }],
  ])('reads EMAIL_FROM %s', (from, mailbox) => {
    expect(parseMailbox(from)).toEqual(mailbox)
  })

  it.each(['Coder', 'a b@example.com', 'x <a@b\r\n>'])('rejects EMAIL_FROM %j', (from) => {
    expect(() => parseMailbox(from)).toThrow('EMAIL_FROM')
  })

  it('splits the smarthost into host and port', () => {
    expect(parseSmarthost('smtp.example.com:587')).toEqual({ host: 'smtp.example.com', port: 587 })
    expect(() => parseSmarthost('smtp.example.com:70000')).toThrow('EMAIL_SMARTHOST')
  })
})

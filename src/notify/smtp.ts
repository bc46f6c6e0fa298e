/**
 * The `smtp` notification method: one MIME message (plain text and HTML alternatives) per
 * notification, sent through EMAIL_SMARTHOST with the worker-mailer package over
 * `cloudflare:sockets`. The connection is upgraded with STARTTLS whenever the server offers it
 * (Coder does that only when configured to), and port 465 uses TLS from the start, as in Coder.
 */
import { LogLevel, WorkerMailer, type User } from 'worker-mailer'
import type { SmtpConfig } from '../config'
import type { Logger } from '../log'
import type { Notification, Notifier } from './notifier'

/**
 * Time limit in milliseconds for opening the connection and for each server reply.
 * worker-mailer 1.2.1 applies its `socketTimeoutMs` option to both and ignores
 * `responseTimeoutMs`. Two replies at the limit still end within `waitUntil`'s 30 seconds.
 */
export const SMTP_TIMEOUT_MS = 10_000
/** The submission port that expects TLS from the first byte, where Coder also starts with TLS. */
export const IMPLICIT_TLS_PORT = 465

// Characters that must not reach an SMTP command or a header: control characters (CR and LF
// above all) and the angle brackets that delimit a path. Go's email rule lets a quoted local
// part contain folded whitespace with CR LF, so a stored address can hold them.
const UNSAFE_ADDRESS_CHARACTERS = /[\u0000-\u001f\u007f<>]/

/** Creates a notifier that mails every message to the recipient through the smarthost. */
export function createSmtpNotifier(smtp: SmtpConfig, logger: Logger): Notifier {
  return {
    method: 'smtp',
    send: (notification) => sendMail(smtp, notification, logger),
  }
}

/**
 * Connects, sends one message and closes the connection. Rejects when the address is unsafe or
 * the server refuses the connection, the login or the message.
 */
export async function sendMail(
  smtp: SmtpConfig,
  notification: Notification,
  logger: Logger,
): Promise<void> {
  const recipient = notification.recipient.email
  if (UNSAFE_ADDRESS_CHARACTERS.test(recipient)) {
    throw new Error('recipient address contains a control character or an angle bracket')
  }

  const { host, port } = parseSmarthost(smtp.smarthost)
  const from = parseMailbox(smtp.from)

  // NOTE: worker-mailer 1.2.1 sends the credentials without TLS when the server offers AUTH but
  // not STARTTLS. It also sends without logging in when the server does not offer AUTH at all,
  // where Coder fails the delivery.
  // worker-mailer 1.2.1 reads replies in a loop that ignored the end of the stream and spun at
  // full CPU when the server hung up; patches/worker-mailer+1.2.1.patch (applied by
  // patch-package after npm install) makes that read throw instead.
  const mailer = await WorkerMailer.connect({
    host,
    port,
    secure: port === IMPLICIT_TLS_PORT,
    startTls: true,
    ...(smtp.username !== null && {
      credentials: { username: smtp.username, password: smtp.password ?? '' },
    }),
    // PLAIN is preferred over LOGIN, and CRAM-MD5 is left out, the same choice as Coder's.
    authType: ['plain', 'login'],
    logLevel: LogLevel.NONE,
    socketTimeoutMs: SMTP_TIMEOUT_MS,
  })

  try {
    await mailer.send({
      from,
      to: { email: recipient },
      subject: notification.title,
      text: renderText(notification),
      html: renderHtml(notification),
      headers: { 'Message-ID': `<${notification.id}@${from.email.split('@').pop()}>` },
    })
  } finally {
    await mailer.close()
  }

  logger.log('info', 'mail_sent', {
    msg_id: notification.id,
    user_id: notification.recipient.id,
    smarthost: smtp.smarthost,
  })
}

/** Splits `host:port`. The configuration loader has already checked the format. */
export function parseSmarthost(smarthost: string): { host: string; port: number } {
  const separator = smarthost.lastIndexOf(':')
  const port = Number(smarthost.slice(separator + 1))
  if (separator <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`EMAIL_SMARTHOST ${JSON.stringify(smarthost)} is not host:port`)
  }
  return { host: smarthost.slice(0, separator), port }
}

/**
 * Reads EMAIL_FROM as `address`, `Name <address>` or `"Name" <address>`.
 */
export function parseMailbox(mailbox: string): User {
  const trimmed = mailbox.trim()
  const named = /^(.*?)\s*<([^<>\s]+)>$/.exec(trimmed)
  const email = named ? (named[2] ?? '') : trimmed
  if (!email.includes('@') || UNSAFE_ADDRESS_CHARACTERS.test(email) || /\s/.test(email)) {
    throw new Error(`EMAIL_FROM ${JSON.stringify(mailbox)} is not a mail address`)
  }
  const name = named?.[1]?.replace(/^"(.*)"$/, '$1').trim()
  return name ? { name, email } : { email }
}

/** Renders the plain-text part: the body, then one `Label: URL` line per action. */
export function renderText(notification: Notification): string {
  const actions = notification.actions.map((action) => `${action.label}: ${action.url}`)
  return [notification.body, ...actions].join('\n\n') + '\n'
}

/** Renders the HTML part: the title, one paragraph per body paragraph and a link per action. */
export function renderHtml(notification: Notification): string {
  const paragraphs = notification.body
    .split('\n\n')
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
  const actions = notification.actions.map(
    (action) =>
      `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:8px 16px;` +
      `background:#2563eb;color:#ffffff;text-decoration:none;border-radius:6px">` +
      `${escapeHtml(action.label)}</a></p>`,
  )
  return [
    '<!doctype html>',
    '<html><body style="font-family:sans-serif;line-height:1.5">',
    `<h1 style="font-size:20px">${escapeHtml(notification.title)}</h1>`,
    ...paragraphs,
    ...actions,
    '</body></html>',
  ].join('\n')
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

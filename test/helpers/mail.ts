/**
 * Access to the mail and webhook peers that the global setup starts on 127.0.0.1: their ports,
 * the messages they received, and settings that point the Worker at them. The types here are
 * shared with the peers themselves (test/peers/mail.ts), which run in Node.
 */
import { inject } from 'vitest'

/** Ports and credentials of the peers, provided to tests as `mailPeers`. */
export interface MailPeers {
  /** SMTP server that accepts mail without authentication. */
  smtpPort: number
  /** SMTP server that requires AUTH PLAIN or LOGIN with the two values below. */
  smtpAuthPort: number
  smtpAuthUsername: string
  smtpAuthPassword: string
  /** SMTP server that greets and then closes the connection on the first command. */
  smtpHangUpPort: number
  /** HTTP server: webhooks under `/webhook/<inbox>`, the control API under `/control`. */
  httpPort: number
}

/** A message as an SMTP peer received and parsed it (mailparser). */
export interface ReceivedMail {
  envelopeFrom: string
  envelopeTo: string[]
  /** User name the client logged in with, or null without authentication. */
  authenticatedUser: string | null
  from: string
  to: string
  subject: string
  text: string
  html: string
  messageId: string
  receivedAt: number
}

/** One request that reached a webhook inbox, with the status the peer returned. */
export interface ReceivedWebhook {
  status: number
  contentType: string
  messageIdHeader: string
  body: unknown
  receivedAt: number
}

declare module 'vitest' {
  export interface ProvidedContext {
    mailPeers: MailPeers
  }
}

const PEER_HOST = '127.0.0.1'

function peers(): MailPeers {
  return inject('mailPeers')
}

function controlUrl(path: string): string {
  return `http://${PEER_HOST}:${peers().httpPort}/control${path}`
}

/** Returns a webhook inbox name that no other test uses. */
export function newInbox(): string {
  return crypto.randomUUID()
}

/** Settings that make the Worker deliver notifications to the webhook inbox `inbox`. */
export function webhookSettings(inbox: string): Record<string, string> {
  return {
    NOTIFICATIONS_METHOD: 'webhook',
    NOTIFICATIONS_WEBHOOK_ENDPOINT: `http://${PEER_HOST}:${peers().httpPort}/webhook/${inbox}`,
  }
}

/** Settings that make the Worker mail notifications through an SMTP peer. */
export function smtpSettings(options: { authenticate?: boolean } = {}): Record<string, string> {
  const { smtpPort, smtpAuthPort, smtpAuthUsername, smtpAuthPassword } = peers()
  if (!options.authenticate) {
    return {
      NOTIFICATIONS_METHOD: 'smtp',
      EMAIL_SMARTHOST: `${PEER_HOST}:${smtpPort}`,
      EMAIL_FROM: 'Coder <noreply@edgeauth.test>',
    }
  }
  return {
    NOTIFICATIONS_METHOD: 'smtp',
    EMAIL_SMARTHOST: `${PEER_HOST}:${smtpAuthPort}`,
    EMAIL_FROM: 'Coder <noreply@edgeauth.test>',
    EMAIL_AUTH_USERNAME: smtpAuthUsername,
    EMAIL_AUTH_PASSWORD: smtpAuthPassword,
  }
}

/** Returns the messages the SMTP peers received for `address`, oldest first. */
export async function receivedMail(address: string): Promise<ReceivedMail[]> {
  const response = await fetch(controlUrl(`/mail?to=${encodeURIComponent(address)}`))
  return (await response.json()) as ReceivedMail[]
}

/** Returns every request that reached the webhook inbox, oldest first. */
export async function receivedWebhooks(inbox: string): Promise<ReceivedWebhook[]> {
  const response = await fetch(controlUrl(`/webhooks/${inbox}`))
  return (await response.json()) as ReceivedWebhook[]
}

/** Makes the next `count` webhook requests to `inbox` get `status`. */
export async function failNextWebhooks(inbox: string, count: number, status = 500) {
  const response = await fetch(controlUrl(`/webhooks/${inbox}/failures`), {
    method: 'PUT',
    body: JSON.stringify({ count, status }),
  })
  if (!response.ok) throw new Error(`configuring webhook failures failed: ${response.status}`)
}

/** Makes the SMTP peers wait `milliseconds` before accepting a message to `recipient`. */
export async function delaySmtpFor(recipient: string, milliseconds: number) {
  const response = await fetch(controlUrl('/smtp/delay'), {
    method: 'PUT',
    body: JSON.stringify({ recipient, milliseconds }),
  })
  if (!response.ok) throw new Error(`configuring the SMTP delay failed: ${response.status}`)
}

/** Extracts the passcode, email and path of a reset link (`/reset-password/change?otp=…`). */
export function parseResetLink(link: string): { otp: string; email: string; path: string } {
  const url = new URL(link)
  return {
    otp: url.searchParams.get('otp') ?? '',
    email: url.searchParams.get('email') ?? '',
    path: url.pathname,
  }
}

/** Returns the first `Reset password` link in a plain-text mail body. */
export function resetLinkInText(text: string): string {
  const match = /Reset password: (\S+)/.exec(text)
  if (!match?.[1]) throw new Error(`no reset link in the mail text: ${JSON.stringify(text)}`)
  return match[1]
}

/**
 * The `webhook` notification method: one JSON POST per message to NOTIFICATIONS_WEBHOOK_ENDPOINT
 * in the shape of Coder's `dispatch.WebhookPayload` (coderd/notifications/dispatch/webhook.go),
 * so receivers written for Coder work unchanged.
 */
import type { Logger } from '../log'
import type { Notification, Notifier } from './notifier'

/**
 * Attempts per message, the first included. Coder makes 5 attempts 5 minutes apart
 * (CODER_NOTIFICATIONS_MAX_SEND_ATTEMPTS, CODER_NOTIFICATIONS_RETRY_INTERVAL). Delivery here
 * runs in `waitUntil`, whose work Cloudflare cancels 30 seconds after the response, so every
 * attempt and delay must fit in that time: 4 × 5 s + 0.5 s + 1 s + 2 s = 23.5 s at most.
 */
export const WEBHOOK_MAX_ATTEMPTS = 4
/** Delay before the first retry in milliseconds. Each later retry waits twice as long. */
export const WEBHOOK_RETRY_BASE_DELAY_MS = 500
/** Time limit of one POST in milliseconds, response headers included. */
export const WEBHOOK_REQUEST_TIMEOUT_MS = 5_000

/** Version strings of Coder's `WebhookPayload` and `MessagePayload` that this shape matches. */
const WEBHOOK_PAYLOAD_VERSION = '1.0'
const MESSAGE_PAYLOAD_VERSION = '1.2'

/** Coder's `WebhookPayload`: envelope, message payload, and the rendered title and body. */
export interface WebhookPayload {
  _version: string
  msg_id: string
  payload: {
    _version: string
    notification_name: string
    notification_template_id: string
    user_id: string
    user_email: string
    user_name: string
    user_username: string
    actions: { label: string; url: string }[]
    labels: Record<string, string>
    /** Always null: Go encodes the nil map of messages without structured data as null. */
    data: null
    targets: string[]
  }
  title: string
  body: string
}

export interface WebhookOptions {
  /** Waits between attempts; tests pass a fake that records the delay and returns at once. */
  sleep?: (milliseconds: number) => Promise<void>
  /** Replaces the global `fetch`, for tests. */
  fetch?: typeof fetch
}

/** Builds the JSON body that Coder's webhook dispatcher would send for this message. */
export function buildWebhookPayload(notification: Notification): WebhookPayload {
  const { recipient } = notification
  return {
    _version: WEBHOOK_PAYLOAD_VERSION,
    msg_id: notification.id,
    payload: {
      _version: MESSAGE_PAYLOAD_VERSION,
      notification_name: notification.templateName,
      notification_template_id: notification.templateId,
      user_id: recipient.id,
      user_email: recipient.email,
      user_name: recipient.name,
      user_username: recipient.username,
      actions: notification.actions.map(({ label, url }) => ({ label, url })),
      labels: notification.labels,
      data: null,
      targets: [recipient.id],
    },
    title: notification.title,
    body: notification.body,
  }
}

/**
 * POSTs the message to `endpoint`, retrying after a network error, a timeout, a 429 or a 5xx
 * with exponential backoff, up to WEBHOOK_MAX_ATTEMPTS in all. Other non-2xx statuses are not
 * retried. Every failed attempt is logged without the payload, and the last one is thrown.
 */
export async function sendWebhook(
  endpoint: string,
  notification: Notification,
  logger: Logger,
  options: WebhookOptions = {},
): Promise<void> {
  const sleep = options.sleep ?? defaultSleep
  const send = options.fetch ?? fetch
  const body = JSON.stringify(buildWebhookPayload(notification))
  let lastError = 'no attempt made'

  for (let attempt = 1; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(WEBHOOK_RETRY_BASE_DELAY_MS * 2 ** (attempt - 2))
    let retryable: boolean
    try {
      const response = await send(endpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Message-Id': notification.id },
        body,
        signal: AbortSignal.timeout(WEBHOOK_REQUEST_TIMEOUT_MS),
      })
      // The response body is not used, and cancelling it releases the connection.
      await response.body?.cancel()
      if (response.ok) return
      lastError = `non-2xx response (${response.status})`
      retryable = response.status >= 500 || response.status === 429
    } catch (error) {
      lastError = `request failed: ${error instanceof Error ? error.message : String(error)}`
      retryable = true
    }
    logger.log('warn', 'webhook_delivery_failed', {
      msg_id: notification.id,
      user_id: notification.recipient.id,
      attempt,
      max_attempts: WEBHOOK_MAX_ATTEMPTS,
      will_retry: retryable && attempt < WEBHOOK_MAX_ATTEMPTS,
      reason: lastError,
    })
    if (!retryable) break
  }
  throw new Error(`webhook delivery failed: ${lastError}`)
}

let sleepOverride: ((milliseconds: number) => Promise<void>) | undefined

/**
 * Replaces the wait between retries of notifiers made by `createWebhookNotifier`, so that
 * retry tests do not sleep (tests only). `undefined` restores real timers.
 */
export function setWebhookRetrySleep(
  sleep: ((milliseconds: number) => Promise<void>) | undefined,
): void {
  sleepOverride = sleep
}

/** Creates a notifier that POSTs every message to `endpoint`. */
export function createWebhookNotifier(endpoint: string, logger: Logger): Notifier {
  return {
    method: 'webhook',
    send: (notification) =>
      sendWebhook(endpoint, notification, logger, {
        sleep: (milliseconds) => (sleepOverride ?? defaultSleep)(milliseconds),
      }),
  }
}

function defaultSleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds))
}

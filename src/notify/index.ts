/** Picks the notifier that NOTIFICATIONS_METHOD names. */
import type { Config } from '../config'
import type { Logger } from '../log'
import { createLogNotifier } from './log'
import type { Notifier } from './notifier'
import { createSmtpNotifier } from './smtp'
import { createWebhookNotifier } from './webhook'

export type { Notification, NotificationAction, Notifier, Recipient } from './notifier'

/**
 * Creates the notifier of the configured method. The configuration loader already requires
 * NOTIFICATIONS_WEBHOOK_ENDPOINT for `webhook` and EMAIL_SMARTHOST with EMAIL_FROM for `smtp`.
 */
export function createNotifier(config: Config, logger: Logger): Notifier {
  switch (config.notificationsMethod) {
    case 'webhook':
      if (config.webhookEndpoint === null) throw new Error('webhook endpoint is not configured')
      return createWebhookNotifier(config.webhookEndpoint, logger)
    case 'smtp':
      if (config.smtp === null) throw new Error('SMTP smarthost is not configured')
      return createSmtpNotifier(config.smtp, logger)
    case 'log':
      return createLogNotifier(logger)
  }
}

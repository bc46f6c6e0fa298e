/**
 * The `log` notification method, the local default: each message becomes one JSON line on the
 * console, so a developer can follow the reset link from the `wrangler dev` output.
 */
import type { Logger } from '../log'
import type { Notifier } from './notifier'

/** Creates a notifier that writes every message to the log instead of delivering it. */
export function createLogNotifier(logger: Logger): Notifier {
  return {
    method: 'log',
    async send(notification) {
      // This line is the one place where a passcode reaches the log: the action URL of the
      // reset message carries it. The line is written only when NOTIFICATIONS_METHOD=log, which
      // is meant for local development. Labels are left out, because they repeat the passcode.
      logger.log('info', 'notification_logged', {
        msg_id: notification.id,
        notification_name: notification.templateName,
        user_id: notification.recipient.id,
        title: notification.title,
        body: notification.body,
        action_label: notification.actions[0]?.label,
        action_url: notification.actions[0]?.url,
      })
    },
  }
}

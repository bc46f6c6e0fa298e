/** The notifier interface that the log, webhook and SMTP senders implement. */
import type { NotificationsMethod } from '../config'

/** The user a notification goes to, as Coder's message payload names them. */
export interface Recipient {
  id: string
  email: string
  /** Display name, possibly empty. */
  name: string
  username: string
}

/** A button or link of a message, Coder's `TemplateAction`. */
export interface NotificationAction {
  label: string
  url: string
}

/** One rendered message for one user. */
export interface Notification {
  /** Random UUID of this message, sent as the webhook's `msg_id` and used in logs. */
  id: string
  /** Id of Coder's notification template, or an edgeauth id for messages Coder does not send. */
  templateId: string
  templateName: string
  recipient: Recipient
  /** Plain-text title, also the mail subject. */
  title: string
  /** Plain-text body with paragraphs separated by a blank line. */
  body: string
  actions: NotificationAction[]
  /** Template inputs such as `one_time_passcode`, which can be the secret the message delivers. */
  labels: Record<string, string>
}

export interface Notifier {
  readonly method: NotificationsMethod
  /** Delivers one message, with retries where the method has them, and rejects if that fails. */
  send(notification: Notification): Promise<void>
}

/**
 * The messages of the password-reset flow. The passcode message reproduces Coder's "One-Time
 * Passcode" template (id 62f86a30-2330-4b61-a26d-311ff3b608cf, as rendered after Coder's
 * migrations 000266, 000267 and 000305). Coder sends no message after a reset, so the
 * "password changed" notice is edgeauth's own. NIST SP 800-63B calls for notifying the
 * subscriber after an account recovery, so that a reset they did not make does not go unseen.
 */
import type { Notification, Recipient } from './notifier'

/** The product name in message titles, Coder's default application name. */
export const APPLICATION_NAME = 'Coder'

export const ONE_TIME_PASSCODE_TEMPLATE_ID = '62f86a30-2330-4b61-a26d-311ff3b608cf'
export const ONE_TIME_PASSCODE_TEMPLATE_NAME = 'One-Time Passcode'

/** Random id chosen for edgeauth's notice, which Coder does not have. */
export const PASSWORD_CHANGED_TEMPLATE_ID = '3c4f2d7e-8a1b-4f6c-9d2e-5b7a0c1e9f48'
export const PASSWORD_CHANGED_TEMPLATE_NAME = 'Password Changed'

/**
 * Builds Coder's reset message. The link is `{base}/reset-password/change?otp=…&email=…`, which
 * Coder's web page reads, with the email escaped as Go's `url.QueryEscape` does.
 */
export function buildOneTimePasscodeMessage(
  recipient: Recipient,
  passcode: string,
  baseUrl: string,
): Notification {
  const link =
    `${baseUrl}/reset-password/change?otp=${goQueryEscape(passcode)}` +
    `&email=${goQueryEscape(recipient.email)}`
  return {
    id: crypto.randomUUID(),
    templateId: ONE_TIME_PASSCODE_TEMPLATE_ID,
    templateName: ONE_TIME_PASSCODE_TEMPLATE_NAME,
    recipient,
    title: `Reset your password for ${APPLICATION_NAME}`,
    body:
      'Use the link below to reset your password.\n\n' +
      'If you did not make this request, you can ignore this message.',
    actions: [{ label: 'Reset password', url: link }],
    labels: { one_time_passcode: passcode },
  }
}

/** Builds the notice sent after a password was changed with a passcode. */
export function buildPasswordChangedMessage(recipient: Recipient, baseUrl: string): Notification {
  return {
    id: crypto.randomUUID(),
    templateId: PASSWORD_CHANGED_TEMPLATE_ID,
    templateName: PASSWORD_CHANGED_TEMPLATE_NAME,
    recipient,
    title: `Your password for ${APPLICATION_NAME} was changed`,
    body:
      'The password of your account was reset with a one-time passcode, and every session ' +
      'and API token of the account was signed out.\n\n' +
      'If you did not make this change, contact your administrator right away.',
    actions: [{ label: 'Sign in', url: `${baseUrl}/login` }],
    labels: {},
  }
}

/**
 * Escapes a query value as Go's `url.QueryEscape` does: every byte except ASCII letters,
 * digits and `-_.~` becomes `%XX`, and a space becomes `+`.
 */
export function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
}

/**
 * `/reset-password`: requesting a one-time passcode by email, and `/reset-password/change`, the
 * page the reset message links to, where the passcode sets a new password.
 */
import type { Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  changePasswordWithOneTimePasscode,
  schedulePasscodeIssue,
  schedulePasswordChangedNotice,
} from '../auth/one-time-passcode'
import { PASSWORD_AUTH_DISABLED } from '../auth/password-login'
import type { AppEnv } from '../http/context'
import { loginRateLimit } from '../http/rate-limit'
import {
  CHANGE_PASSWORD_WITH_ONE_TIME_PASSCODE_BODY,
  REQUEST_ONE_TIME_PASSCODE_BODY,
} from '../routes/password-reset-schemas'
import { CSRF_REJECTED, isTrustedFormPost, pageCsrfToken } from './csrf'
import {
  decodeForm,
  errorStatus,
  expectedApiError,
  formMessage,
  readForm,
  redirectTo,
  toFormError,
  type FormError,
} from './form'
import { CsrfField, ErrorSummary, Field, htmlPage, Notice, Page } from './layout'
import { LOGIN_PATH, RESET_CHANGE_PATH, RESET_REQUEST_PATH } from './paths'

interface ChangeForm {
  email: string
  /** The passcode from the link; see `renderChange` for why the page carries it. */
  passcode: string
}

export function mountResetPasswordPages(app: Hono<AppEnv>): void {
  app.get(RESET_REQUEST_PATH, (c) => {
    if (c.var.config.disablePasswordAuth) return renderDisabled(c, 'Reset password')
    return renderRequest(c, '', c.req.query('sent') === '1')
  })

  app.post(RESET_REQUEST_PATH, async (c) => {
    const form = await readForm(c)
    const email = form.email ?? ''
    try {
      await loginRateLimit(c, async () => {})
      if (!isTrustedFormPost(c, form))
        return renderRequest(c, email, false, formMessage(CSRF_REJECTED), 403)
      if (c.var.config.disablePasswordAuth) return renderDisabled(c, 'Reset password')
      const body = decodeForm(form, REQUEST_ONE_TIME_PASSCODE_BODY)
      // The same call as the API route: the look-up and the message happen after the response,
      // so the confirmation comes at the same speed whether or not the email has an account.
      schedulePasscodeIssue(c, body.email)
    } catch (caught) {
      const error = expectedApiError(c, caught)
      return renderRequest(c, email, false, toFormError(error), errorStatus(error))
    }
    return redirectTo(c, `${RESET_REQUEST_PATH}?sent=1`)
  })

  app.get(RESET_CHANGE_PATH, (c) => {
    if (c.var.config.disablePasswordAuth) return renderDisabled(c, 'Choose a new password')
    return renderChange(c, {
      email: c.req.query('email') ?? '',
      passcode: c.req.query('otp') ?? '',
    })
  })

  app.post(RESET_CHANGE_PATH, async (c) => {
    const form = await readForm(c)
    const values: ChangeForm = { email: form.email ?? '', passcode: form.one_time_passcode ?? '' }
    try {
      await loginRateLimit(c, async () => {})
      if (!isTrustedFormPost(c, form))
        return renderChange(c, values, formMessage(CSRF_REJECTED), 403)
      if (c.var.config.disablePasswordAuth) return renderDisabled(c, 'Choose a new password')
      const body = decodeForm(form, CHANGE_PASSWORD_WITH_ONE_TIME_PASSCODE_BODY)
      const user = await changePasswordWithOneTimePasscode(c, body)
      schedulePasswordChangedNotice(c, user)
    } catch (caught) {
      const error = expectedApiError(c, caught)
      return renderChange(c, values, toFormError(error), errorStatus(error))
    }
    return redirectTo(c, `${LOGIN_PATH}?notice=password-reset`)
  })
}

function renderRequest(
  c: Context<AppEnv>,
  email: string,
  sent: boolean,
  error?: FormError,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const lifetime = describeSeconds(c.var.config.oneTimePasscodeDurationSeconds)
  return htmlPage(
    c,
    <Page title="Reset password">
      {sent ? (
        <Notice>
          <p>
            If an account uses that email, a message with a link to choose a new password is on its
            way. The link works for {lifetime}.
          </p>
        </Notice>
      ) : null}
      <form method="post" action={RESET_REQUEST_PATH} class="card" novalidate>
        <ErrorSummary error={error} />
        <CsrfField token={pageCsrfToken(c)} />
        <p>
          Enter the email of your account, and we will send you a link to choose a new password.
        </p>
        <Field
          idPrefix="reset"
          name="email"
          label="Email"
          type="email"
          autocomplete="email"
          value={email}
          error={error}
          autofocus={!sent}
        />
        <button type="submit">{sent ? 'Send another link' : 'Send link'}</button>
      </form>
      <p class="links">
        <a href={LOGIN_PATH}>Back to sign-in</a>
      </p>
    </Page>,
    status,
  )
}

/**
 * The new-password form. The passcode from the link travels in a hidden field and is posted
 * back with the form: it is the value the person already has in the link, the page is never
 * stored (`Cache-Control: no-store`) nor sent on as a referrer (`Referrer-Policy: no-referrer`),
 * and the passcode works once, for a limited time, and for at most ten wrong tries. Keeping it
 * out of the page would need a second state (a cookie) for what the link already carries.
 */
function renderChange(
  c: Context<AppEnv>,
  values: ChangeForm,
  error?: FormError,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  if (values.email === '' || values.passcode === '') {
    return htmlPage(
      c,
      <Page title="Choose a new password">
        <div class="alert" role="alert">
          <p>
            <strong>This link is incomplete: it needs both an email and a passcode.</strong>
          </p>
          <p>Open the link from the message again, or request a new one.</p>
        </div>
        <p class="links">
          <a href={RESET_REQUEST_PATH}>Request a new link</a>
        </p>
      </Page>,
      400,
    )
  }
  return htmlPage(
    c,
    <Page title="Choose a new password" withStrengthScript>
      <form method="post" action={RESET_CHANGE_PATH} class="card" novalidate>
        <ErrorSummary error={error} hiddenFields={['email', 'one_time_passcode']} />
        <CsrfField token={pageCsrfToken(c)} />
        <input type="hidden" name="email" value={values.email} />
        <input type="hidden" name="one_time_passcode" value={values.passcode} />
        <p>
          Account: <strong>{values.email}</strong>
        </p>
        <Field
          idPrefix="new-password"
          name="password"
          label="New password"
          type="password"
          autocomplete="new-password"
          error={error}
          autofocus
          strength
        />
        <button type="submit">Change password</button>
      </form>
      <p class="links">
        <a href={RESET_REQUEST_PATH}>Request a new link</a>
      </p>
    </Page>,
    status,
  )
}

function renderDisabled(c: Context<AppEnv>, title: string): Promise<Response> {
  return htmlPage(
    c,
    <Page title={title}>
      <div class="alert" role="alert">
        <p>
          <strong>{PASSWORD_AUTH_DISABLED}</strong>
        </p>
      </div>
      <p class="links">
        <a href={LOGIN_PATH}>Back to sign-in</a>
      </p>
    </Page>,
    403,
  )
}

/** Formats a lifetime in seconds as whole minutes where it is one, for the confirmation text. */
function describeSeconds(seconds: number): string {
  if (seconds % 60 !== 0) return seconds === 1 ? '1 second' : `${seconds} seconds`
  const minutes = seconds / 60
  return minutes === 1 ? '1 minute' : `${minutes} minutes`
}

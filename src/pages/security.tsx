/**
 * `/settings/security`: for a signed-in person, the account's sign-in method, a password change,
 * the start of a switch to GitHub or OIDC sign-in, and sign-out (`/logout`).
 */
import type { Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { startLoginConversion } from '../auth/convert-login-start'
import { endSession } from '../auth/logout'
import { GITHUB_CALLBACK_PATH } from '../auth/oauth-github'
import { NOT_CONFIGURED } from '../auth/oauth-flow'
import { OIDC_CALLBACK_PATH } from '../auth/oauth-oidc'
import { rateLimitPasswordChanges, updateUserPassword } from '../auth/password-change'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { loginRateLimit } from '../http/rate-limit'
import { CONVERT_LOGIN_BODY } from '../routes/oauth-schemas'
import { UPDATE_PASSWORD_BODY } from '../routes/user-admin-bodies'
import { CSRF_REJECTED, isTrustedFormPost, pageCsrfToken, renewCsrfToken } from './csrf'
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
import {
  LOGIN_PATH,
  LOGOUT_PATH,
  SECURITY_CONVERT_PATH,
  SECURITY_PASSWORD_PATH,
  SECURITY_PATH,
} from './paths'
import { setContentSecurityPolicy } from './security-headers'
import { requirePageSession } from './session'

const LOGIN_TYPE_NAMES: Record<string, string> = {
  password: 'Password',
  github: 'GitHub',
  oidc: 'OpenID Connect',
}

interface SecurityState {
  notice?: string
  signOutError?: FormError
  passwordError?: FormError
  conversionError?: FormError
}

interface Provider {
  loginType: 'github' | 'oidc'
  name: string
  /** The origin the provider's sign-in runs on, which the conversion post redirects to. */
  origin: string
}

export function mountSecurityPage(app: Hono<AppEnv>): void {
  app.get(SECURITY_PATH, requirePageSession, (c) => {
    const changed = c.req.query('notice') === 'password-changed'
    return renderSecurity(c, { notice: changed ? 'Your password was changed.' : undefined })
  })

  app.post(SECURITY_PASSWORD_PATH, requirePageSession, async (c) => {
    const form = await readForm(c)
    try {
      await rateLimitPasswordChanges(c, async () => {})
      if (!isTrustedFormPost(c, form)) {
        return renderSecurity(c, { passwordError: formMessage(CSRF_REJECTED) }, 403)
      }
      const body = decodeForm(form, UPDATE_PASSWORD_BODY)
      const result = await updateUserPassword(c, c.var.session.user, body)
      // The user was deleted while the request ran, which also ended the session.
      if (result === 'user_deleted') return redirectTo(c, LOGIN_PATH)
    } catch (caught) {
      const error = expectedApiError(c, caught)
      return renderSecurity(c, { passwordError: toFormError(error) }, errorStatus(error))
    }
    return redirectTo(c, `${SECURITY_PATH}?notice=password-changed`)
  })

  app.post(SECURITY_CONVERT_PATH, requirePageSession, async (c) => {
    const form = await readForm(c)
    let started
    try {
      // The API route has no rate limit of its own, but this post checks a password.
      await loginRateLimit(c, async () => {})
      if (!isTrustedFormPost(c, form)) {
        return renderSecurity(c, { conversionError: formMessage(CSRF_REJECTED) }, 403)
      }
      const body = decodeForm(form, CONVERT_LOGIN_BODY)
      const isProvider = body.to_type === 'github' || body.to_type === 'oidc'
      if (
        isProvider &&
        !configuredProviders(c).some((provider) => provider.loginType === body.to_type)
      ) {
        throw new ApiError(400, NOT_CONFIGURED)
      }
      started = await startLoginConversion(c, c.var.session.user, body.to_type, body.password)
    } catch (caught) {
      const error = expectedApiError(c, caught)
      return renderSecurity(c, { conversionError: toFormError(error) }, errorStatus(error))
    }
    // The callback's first leg sends the browser on to the provider. The provider returns to
    // the callback, which switches the login type, ends this session and goes to `redirect`.
    const callbackPath = started.toType === 'github' ? GITHUB_CALLBACK_PATH : OIDC_CALLBACK_PATH
    const query = new URLSearchParams({
      oidc_merge_state: started.stateString,
      redirect: `${LOGIN_PATH}?notice=converted-${started.toType}`,
    })
    c.header('Set-Cookie', started.cookie, { append: true })
    return redirectTo(c, `/api/v2${callbackPath}?${query}`)
  })

  app.post(LOGOUT_PATH, requirePageSession, async (c) => {
    const form = await readForm(c)
    if (!isTrustedFormPost(c, form)) {
      return renderSecurity(c, { signOutError: formMessage(CSRF_REJECTED) }, 403)
    }
    c.header('Set-Cookie', await endSession(c), { append: true })
    renewCsrfToken(c)
    return redirectTo(c, `${LOGIN_PATH}?notice=signed-out`)
  })
}

/** Lists GitHub and OIDC when configured, with the data the conversion form needs. */
function configuredProviders(c: Context<AppEnv>): Provider[] {
  const { github, oidc } = c.var.config
  const providers: Provider[] = []
  if (github) {
    providers.push({
      loginType: 'github',
      name: 'GitHub',
      origin: new URL(github.webUrl).origin,
    })
  }
  if (oidc) {
    // NOTE: the issuer's origin is assumed to serve the authorization endpoint too. A provider
    // whose discovery document names another origin needs that origin in `form-action`.
    providers.push({
      loginType: 'oidc',
      name: 'OpenID Connect',
      origin: new URL(oidc.issuerUrl).origin,
    })
  }
  return providers
}

function renderSecurity(
  c: Context<AppEnv>,
  state: SecurityState,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const { user } = c.var.session
  const providers = configuredProviders(c)
  setContentSecurityPolicy(
    c,
    providers.map((provider) => provider.origin),
  )
  const csrfToken = pageCsrfToken(c)
  const usesPassword = user.loginType === 'password'
  const loginTypeName = LOGIN_TYPE_NAMES[user.loginType] ?? user.loginType
  return htmlPage(
    c,
    <Page title="Account security" withStrengthScript={usesPassword}>
      {state.notice ? (
        <Notice>
          <p>{state.notice}</p>
        </Notice>
      ) : null}
      <section class="card" aria-labelledby="account-heading">
        <h2 id="account-heading">Account</h2>
        <dl>
          <dt>Username</dt>
          <dd>{user.username}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Sign-in method</dt>
          <dd>{loginTypeName}</dd>
        </dl>
        <form method="post" action={LOGOUT_PATH}>
          <ErrorSummary error={state.signOutError} />
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
      </section>
      {usesPassword ? (
        <form
          method="post"
          action={SECURITY_PASSWORD_PATH}
          class="card"
          aria-labelledby="password-heading"
          novalidate
        >
          <h2 id="password-heading">Change password</h2>
          <ErrorSummary error={state.passwordError} />
          <CsrfField token={csrfToken} />
          <Field
            idPrefix="change"
            name="old_password"
            label="Current password"
            type="password"
            autocomplete="current-password"
            error={state.passwordError}
          />
          <Field
            idPrefix="change"
            name="password"
            label="New password"
            type="password"
            autocomplete="new-password"
            error={state.passwordError}
            strength
          />
          <button type="submit">Change password</button>
        </form>
      ) : (
        <p>You sign in with {loginTypeName}, so this account has no password to change here.</p>
      )}
      {usesPassword && providers.length > 0 ? (
        <form
          method="post"
          action={SECURITY_CONVERT_PATH}
          class="card"
          aria-labelledby="convert-heading"
          novalidate
        >
          <h2 id="convert-heading">Switch to single sign-on</h2>
          <ErrorSummary error={state.conversionError} />
          <CsrfField token={csrfToken} />
          <p>
            After the switch you sign in through the provider, and your password stops working. You
            are signed out here and sign in again with the provider.
          </p>
          <Field
            idPrefix="convert"
            name="password"
            label="Current password"
            type="password"
            autocomplete="current-password"
            error={state.conversionError}
          />
          {providers.map((provider) => (
            <button type="submit" name="to_type" value={provider.loginType} class="secondary">
              Switch to {provider.name}
            </button>
          ))}
        </form>
      ) : null}
    </Page>,
    status,
  )
}

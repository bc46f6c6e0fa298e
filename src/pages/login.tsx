/** `/login`: password sign-in and links to GitHub and OIDC sign-in. */
import type { Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { issueSession } from '../auth/issue-key'
import { GITHUB_CALLBACK_PATH } from '../auth/oauth-github'
import { OIDC_CALLBACK_PATH } from '../auth/oauth-oidc'
import { authenticatePassword } from '../auth/password-login'
import type { AppEnv } from '../http/context'
import { loginRateLimit } from '../http/rate-limit'
import { LOGIN_BODY } from '../routes/bodies'
import { CSRF_REJECTED, isTrustedFormPost, pageCsrfToken, renewCsrfToken } from './csrf'
import {
  decodeForm,
  errorStatus,
  expectedApiError,
  formMessage,
  readForm,
  redirectTo,
  signedInTarget,
  toFormError,
  type FormError,
} from './form'
import { CsrfField, ErrorSummary, Field, htmlPage, Notice, Page } from './layout'
import { LOGIN_PATH, RESET_REQUEST_PATH } from './paths'

/**
 * Confirmations that other pages show here after they redirect, by the `notice` query value.
 * Only these fixed texts can appear, so a link cannot put its own words on the page.
 */
const NOTICES: Record<string, string> = {
  'setup-complete': 'The first user was created. Sign in with its email and password.',
  'signed-out': 'You are signed out.',
  'password-reset': 'Your password was changed. Sign in with the new password.',
  'converted-github': 'Your account now signs in with GitHub. Sign in with GitHub below.',
  'converted-oidc': 'Your account now signs in with OpenID Connect. Sign in with it below.',
}

interface LoginState {
  email: string
  /** Path to go to after sign-in, already checked by `signedInTarget`. */
  redirect: string
  notice?: string
}

export function mountLoginPage(app: Hono<AppEnv>): void {
  app.get(LOGIN_PATH, (c) =>
    renderLogin(c, {
      email: '',
      redirect: signedInTarget(c.req.query('redirect')),
      notice: NOTICES[c.req.query('notice') ?? ''],
    }),
  )

  app.post(LOGIN_PATH, async (c) => {
    const form = await readForm(c)
    const state = { email: form.email ?? '', redirect: signedInTarget(form.redirect) }
    try {
      await loginRateLimit(c, async () => {})
      if (!isTrustedFormPost(c, form)) {
        return renderLogin(c, state, formMessage(CSRF_REJECTED), 403)
      }
      const body = decodeForm(form, LOGIN_BODY)
      const user = await authenticatePassword(c, body.email, body.password, 'login')
      const session = await issueSession(c, user.id, 'password', {
        action: 'login',
        statusCode: 303,
      })
      c.header('Set-Cookie', session.cookie, { append: true })
    } catch (caught) {
      const error = expectedApiError(c, caught)
      return renderLogin(c, state, toFormError(error), errorStatus(error))
    }
    // A token that existed before sign-in might have been planted, so the session gets a new one.
    renewCsrfToken(c)
    return redirectTo(c, state.redirect)
  })
}

function renderLogin(
  c: Context<AppEnv>,
  state: LoginState,
  error?: FormError,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const { disablePasswordAuth, github, oidc } = c.var.config
  const providerQuery = `?redirect=${encodeURIComponent(state.redirect)}`
  const providers = [
    github && {
      href: `/api/v2${GITHUB_CALLBACK_PATH}${providerQuery}`,
      text: 'Sign in with GitHub',
    },
    oidc && {
      href: `/api/v2${OIDC_CALLBACK_PATH}${providerQuery}`,
      text: oidc.signInText || 'Sign in with OpenID Connect',
    },
  ].filter((provider) => provider !== null)
  return htmlPage(
    c,
    <Page title="Sign in">
      {state.notice ? (
        <Notice>
          <p>{state.notice}</p>
        </Notice>
      ) : null}
      {disablePasswordAuth ? (
        <>
          <ErrorSummary error={error} />
          <p>Password sign-in is disabled on this deployment.</p>
        </>
      ) : (
        <form method="post" action={LOGIN_PATH} class="card" novalidate>
          <ErrorSummary error={error} />
          <CsrfField token={pageCsrfToken(c)} />
          <input type="hidden" name="redirect" value={state.redirect} />
          <Field
            idPrefix="login"
            name="email"
            label="Email"
            type="email"
            autocomplete="username"
            value={state.email}
            error={error}
            autofocus={state.email === ''}
          />
          <Field
            idPrefix="login"
            name="password"
            label="Password"
            type="password"
            autocomplete="current-password"
            error={error}
            autofocus={state.email !== ''}
          />
          <button type="submit">Sign in</button>
          <p class="links">
            <a href={RESET_REQUEST_PATH}>Forgot your password?</a>
          </p>
        </form>
      )}
      {providers.length > 0 && !disablePasswordAuth ? <p class="separator">or</p> : null}
      {providers.length > 0 ? (
        <nav aria-label="Single sign-on" class="card">
          {providers.map((provider) => (
            <a class="button secondary" href={provider.href}>
              {provider.text}
            </a>
          ))}
        </nav>
      ) : null}
      {disablePasswordAuth && providers.length === 0 ? (
        <p>No sign-in method is configured. Ask the operator of this deployment.</p>
      ) : null}
    </Page>,
    status,
  )
}

/** `/setup`: creating the deployment's first user, an owner, while no user exists. */
import type { Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { createFirstUser } from '../auth/first-user'
import { countUsers } from '../db/users'
import type { AppEnv } from '../http/context'
import { CREATE_FIRST_USER_BODY } from '../routes/bodies'
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
import { CsrfField, ErrorSummary, Field, htmlPage, Page } from './layout'
import { LOGIN_PATH, SETUP_PATH } from './paths'

interface SetupForm {
  email: string
  username: string
  name: string
}

const EMPTY_FORM: SetupForm = { email: '', username: '', name: '' }

export function mountSetupPage(app: Hono<AppEnv>): void {
  app.get(SETUP_PATH, async (c) => {
    if ((await countUsers(c.var.db)) > 0) return redirectTo(c, LOGIN_PATH)
    return renderSetup(c, EMPTY_FORM)
  })

  app.post(SETUP_PATH, async (c) => {
    const form = await readForm(c)
    const values: SetupForm = {
      email: form.email ?? '',
      username: form.username ?? '',
      name: form.name ?? '',
    }
    if (!isTrustedFormPost(c, form)) return renderSetup(c, values, formMessage(CSRF_REJECTED), 403)
    try {
      const body = decodeForm(form, CREATE_FIRST_USER_BODY)
      await createFirstUser(c, body)
    } catch (caught) {
      const error = expectedApiError(c, caught)
      // Someone else finished the setup: the only way on is to sign in.
      if (error.status === 409) return redirectTo(c, LOGIN_PATH)
      return renderSetup(c, values, toFormError(error), errorStatus(error))
    }
    return redirectTo(c, `${LOGIN_PATH}?notice=setup-complete`)
  })
}

function renderSetup(
  c: Context<AppEnv>,
  values: SetupForm,
  error?: FormError,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  return htmlPage(
    c,
    <Page title="Create the first user" withStrengthScript>
      <p>This account becomes the owner of the deployment. You can add other users later.</p>
      <form method="post" action={SETUP_PATH} class="card" novalidate>
        <ErrorSummary error={error} />
        <CsrfField token={pageCsrfToken(c)} />
        <Field
          idPrefix="setup"
          name="email"
          label="Email"
          type="email"
          autocomplete="email"
          value={values.email}
          error={error}
          autofocus
        />
        <Field
          idPrefix="setup"
          name="username"
          label="Username"
          type="text"
          autocomplete="username"
          value={values.username}
          error={error}
          hint="Letters and digits, in groups joined by single hyphens; at most 32 characters."
        />
        <Field
          idPrefix="setup"
          name="name"
          label="Full name (optional)"
          type="text"
          autocomplete="name"
          value={values.name}
          error={error}
          required={false}
        />
        <Field
          idPrefix="setup"
          name="password"
          label="Password"
          type="password"
          autocomplete="new-password"
          error={error}
          strength
        />
        <button type="submit">Create account</button>
      </form>
    </Page>,
    status,
  )
}

/**
 * Server-rendered pages for people: setup, sign-in, password reset and account security. They
 * call the same functions as the API routes, so each rule and message has one implementation,
 * and every form works without JavaScript.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createLogger } from '../log'
import type { AppEnv } from '../http/context'
import { ApiError, INTERNAL_ERROR_MESSAGE } from '../http/errors'
import { mountAssets } from './assets'
import { errorStatus, MAX_FORM_BODY_BYTES } from './form'
import { htmlPage, Page } from './layout'
import { mountLoginPage } from './login'
import {
  LOGIN_PATH,
  LOGOUT_PATH,
  RESET_CHANGE_PATH,
  RESET_REQUEST_PATH,
  SECURITY_CONVERT_PATH,
  SECURITY_PASSWORD_PATH,
  SECURITY_PATH,
  SETUP_PATH,
} from './paths'
import { mountResetPasswordPages } from './reset-password'
import { mountSecurityPage } from './security'
import { pageSecurityHeaders } from './security-headers'
import { mountSetupPage } from './setup'

/**
 * Paths whose responses get the pages' headers. The middleware is mounted on each path rather
 * than on `*`, because `app.route('/', pages)` would otherwise run it for `/api` too.
 */
const PAGE_PATHS = [
  SETUP_PATH,
  LOGIN_PATH,
  LOGOUT_PATH,
  RESET_REQUEST_PATH,
  RESET_CHANGE_PATH,
  SECURITY_PATH,
  SECURITY_PASSWORD_PATH,
  SECURITY_CONVERT_PATH,
  '/assets/*',
]

/** Mounts the pages and their assets on `app`, outside `/api`. */
export function mountPages(app: Hono<AppEnv>): void {
  const pages = new Hono<AppEnv>()
  const limitFormBody = bodyLimit({ maxSize: MAX_FORM_BODY_BYTES, onError: rejectLargeForm })
  for (const path of PAGE_PATHS) {
    pages.use(path, pageSecurityHeaders)
    pages.post(path, limitFormBody)
  }
  mountAssets(pages)
  mountSetupPage(pages)
  mountLoginPage(pages)
  mountResetPasswordPages(pages)
  mountSecurityPage(pages)
  pages.onError(renderErrorPage)
  app.route('/', pages)
}

function rejectLargeForm(c: Context<AppEnv>): Promise<Response> {
  return renderMessage(
    c,
    413,
    'The form is too large.',
    `Forms here are limited to ${MAX_FORM_BODY_BYTES} bytes.`,
  )
}

/**
 * Renders an error that no form handled as a page, with the API's message. Unexpected errors
 * are logged, as the app's JSON error handler does, and the page shows only the request id.
 */
function renderErrorPage(error: Error, c: Context<AppEnv>): Promise<Response> {
  if (error instanceof ApiError && error.status < 500) {
    return renderMessage(c, errorStatus(error), error.message, error.detail)
  }
  const requestId = c.var.requestId ?? 'unknown'
  const logger = c.var.logger ?? createLogger(requestId)
  const reason = error instanceof ApiError ? (error.reason ?? error.message) : String(error)
  logger.log('error', 'page_failed', { path: c.req.path, reason })
  return renderMessage(
    c,
    500,
    INTERNAL_ERROR_MESSAGE,
    `Request id ${requestId}; the server log has the cause.`,
  )
}

function renderMessage(
  c: Context<AppEnv>,
  status: Parameters<typeof htmlPage>[2],
  message: string,
  detail?: string,
): Promise<Response> {
  return htmlPage(
    c,
    <Page title="Something went wrong">
      <div class="alert" role="alert">
        <p>
          <strong>{message}</strong>
        </p>
        {detail ? <p>{detail}</p> : null}
      </div>
      <p class="links">
        <a href={LOGIN_PATH}>Go to sign-in</a>
      </p>
    </Page>,
    status,
  )
}

/** The page frame and the form parts that every page shares. */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from '../http/context'
import { STRENGTH_SCRIPT_PATH, STYLESHEET_PATH } from './assets'
import { CSRF_FIELD } from './csrf'
import type { FormError } from './form'

/** Suffix of every page title, so that browser tabs and history entries name the site. */
const SITE_NAME = 'edgeauth'

/**
 * Renders a complete HTML document with `status`. Hono's JSX escapes every text and attribute
 * value, so values from the request or the database cannot add markup.
 */
export async function htmlPage(
  c: Context<AppEnv>,
  page: Child,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  return c.html(`<!DOCTYPE html>${String(await page)}`, status)
}

interface PageProps {
  title: string
  /** Loads the password strength script; only pages with a new-password field need it. */
  withStrengthScript?: boolean
  children?: Child
}

/** The document frame: language, viewport, title, stylesheet and the page's main heading. */
export function Page({ title, withStrengthScript, children }: PageProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${SITE_NAME}`}</title>
        {/* An empty icon, so that browsers do not request /favicon.ico, which does not exist. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={STYLESHEET_PATH} />
        {withStrengthScript ? <script src={STRENGTH_SCRIPT_PATH} defer></script> : null}
      </head>
      <body>
        <header>{SITE_NAME}</header>
        <main>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  )
}

/**
 * Renders the form-level error, which screen readers announce when the page loads
 * (`role="alert"`). Errors of `hiddenFields`, which have no visible input to sit next to, are
 * listed here too.
 */
export function ErrorSummary(props: { error: FormError | undefined; hiddenFields?: string[] }) {
  const { error } = props
  if (!error) return null
  const hiddenErrors = (props.hiddenFields ?? [])
    .map((name) => error.fields[name])
    .filter((detail) => detail !== undefined)
  return (
    <div class="alert" role="alert" id="form-error">
      <p>
        <strong>{error.message}</strong>
      </p>
      {error.detail ? <p>{error.detail}</p> : null}
      {hiddenErrors.map((detail) => (
        <p>{detail}</p>
      ))}
    </div>
  )
}

/** Renders a confirmation after a completed action. */
export function Notice({ children }: { children?: Child }) {
  return (
    <div class="notice" role="status">
      {children}
    </div>
  )
}

/** Renders the hidden field with the CSRF token of this response. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />
}

interface FieldProps {
  /** Prefix of the element ids, unique per form, because two forms may share a field name. */
  idPrefix: string
  name: string
  label: string
  type: 'email' | 'text' | 'password'
  autocomplete: string
  /** Shown again after a failed post; never given for passwords. */
  value?: string
  error?: FormError
  hint?: string
  required?: boolean
  /** Takes focus when the page loads, unless another field of the form has an error. */
  autofocus?: boolean
  /** Live strength feedback from the script, for a new password. */
  strength?: boolean
}

/**
 * Renders a labelled input whose hint, live strength feedback and error are tied to it with
 * `aria-describedby`. A field with an error is marked `aria-invalid` and, when it is the first
 * such field of its form, takes focus, so that the person starts where the form needs a fix.
 */
export function Field(props: FieldProps) {
  const id = `${props.idPrefix}-${props.name}`
  const error = props.error?.fields[props.name]
  const hintId = props.hint ? `${id}-hint` : undefined
  const strengthId = props.strength ? `${id}-strength` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [hintId, strengthId, errorId].filter(Boolean).join(' ')
  const firstInvalid = error !== undefined && firstErrorField(props.error) === props.name
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type}
        value={props.value}
        autocomplete={props.autocomplete}
        required={props.required ?? true}
        autofocus={firstInvalid || (props.autofocus && !hasFieldErrors(props.error)) || undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
        data-strength={strengthId}
      />
      {props.hint ? (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.strength ? <p class="hint" id={strengthId} aria-live="polite"></p> : null}
      {error ? (
        <p class="error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  )
}

function hasFieldErrors(error: FormError | undefined): boolean {
  return error !== undefined && Object.keys(error.fields).length > 0
}

function firstErrorField(error: FormError | undefined): string | undefined {
  return error ? Object.keys(error.fields)[0] : undefined
}

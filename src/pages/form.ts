/**
 * Form posts of the pages: reading the body, decoding it into the Go struct that the API route
 * decodes into, and the error each field shows. The field rules (`required`, `email`,
 * `username`, ...) and their messages are the API's, from go-validate.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { BodyDefinition, BodyOf } from '../http/body'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { goZeroValue } from '../http/go-struct'
import { validateStruct } from '../http/go-validate'
import { safeRedirectPath } from '../auth/oauth-flow'
import { SECURITY_PATH } from './paths'

/** Largest form body read, in bytes. Every form here is well under 4 KiB. */
export const MAX_FORM_BODY_BYTES = 64 * 1024

/** The error a form shows after a failed post: the API's message, detail and field details. */
export interface FormError {
  message: string
  detail?: string
  /** Field name to its error text. */
  fields: Record<string, string>
}

/** Reads a urlencoded or multipart form and returns its text fields, without files. */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  const form: Record<string, string> = {}
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') form[name] = value
  }
  return form
}

/**
 * Fills the API's request struct from form fields (absent fields keep Go's zero value) and
 * validates it with the struct's tags. Throws the API's 400 `Validation failed.` with one entry
 * per failing field.
 */
export function decodeForm<D extends BodyDefinition>(
  form: Record<string, string>,
  definition: D,
): BodyOf<D> {
  const value = goZeroValue(definition.struct) as Record<string, unknown>
  for (const field of definition.struct.fields) {
    const text = form[field.name]
    if (field.type.kind === 'string' && text !== undefined) value[field.name] = text
  }
  const fields = value as BodyOf<D>
  const validations = validateStruct(fields, definition.struct)
  if (validations.length > 0) throw new ApiError(400, 'Validation failed.', { validations })
  return fields
}

/**
 * Turns an expected API error into what the form shows. Validation details carry the rejected
 * value, but the password and passcode fields only have the `required` tag, which fails on the
 * empty string, so no secret is shown back.
 */
export function toFormError(error: ApiError): FormError {
  const fields: Record<string, string> = {}
  for (const validation of error.validations ?? []) fields[validation.field] = validation.detail
  return error.detail
    ? { message: error.message, detail: error.detail, fields }
    : { message: error.message, fields }
}

/**
 * Returns `error` when it is an expected API error (status below 500), after copying its
 * headers, such as `Retry-After` of a 429, to the response. Rethrows anything else, which the
 * pages' error handler turns into an error page.
 */
export function expectedApiError(c: Context<AppEnv>, error: unknown): ApiError {
  if (!(error instanceof ApiError) || error.status >= 500) throw error
  new Headers(error.headers).forEach((value, name) => c.header(name, value))
  return error
}

/** Returns the status of an expected API error as the type `c.html` takes. */
export function errorStatus(error: ApiError): ContentfulStatusCode {
  return error.status as ContentfulStatusCode
}

/** Returns a form error with only a message, for checks made by the pages themselves. */
export function formMessage(message: string): FormError {
  return { message, fields: {} }
}

/**
 * Returns `requested` when it is already a path on this site, else the account security page.
 * Unlike the OAuth callback, which strips the host of an absolute URL, a page falls back
 * entirely.
 */
export function signedInTarget(requested: string | undefined): string {
  if (!requested) return SECURITY_PATH
  const path = safeRedirectPath(requested)
  return path === requested && path !== '/' ? path : SECURITY_PATH
}

/**
 * Returns a 303 See Other to a path on this site, with the headers set so far (cookies among
 * them). After a form post, 303 makes the browser load the target with GET.
 */
export function redirectTo(c: Context<AppEnv>, path: string): Response {
  return c.redirect(path, 303)
}

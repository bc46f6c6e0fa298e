/** Coder's shared error responses for user and membership management, and Go's `%q` quoting. */
import { ApiError } from '../http/errors'

/** Coder's `httpapi.ResourceForbiddenResponse` detail (coderd/httpapi/httpapi.go). */
export const FORBIDDEN_DETAIL =
  "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials."

/** Coder's `httpapi.ResourceNotFoundResponse` message, which has no final period. */
export const RESOURCE_NOT_FOUND = 'Resource not found or you do not have access to this resource'

/** Builds Coder's `httpapi.Forbidden` error: 403 `Forbidden.` with the standard detail. */
export function forbidden(reason: string): ApiError {
  return new ApiError(403, 'Forbidden.', { detail: FORBIDDEN_DETAIL, reason })
}

/**
 * Builds the 400 of Coder's `{user}` path parameter, for a user that disappeared (was deleted)
 * while the request ran.
 */
export function userParamError(param: string): ApiError {
  return new ApiError(400, '"user" must be an existing uuid or username.', {
    detail: `queried user=${quoteGo(param)}`,
  })
}

/** Builds Coder's `httpapi.ResourceNotFound` error, used where existence must not leak. */
export function resourceNotFound(reason: string): ApiError {
  return new ApiError(404, RESOURCE_NOT_FOUND, { reason })
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u000b': '\\v',
  '\\': '\\\\',
  '"': '\\"',
}

/**
 * Quotes a string as Go's `%q` (strconv.Quote) does for the characters that reach these
 * messages: backslash escapes, `\xNN` for other ASCII control characters, `\uNNNN` for C1
 * controls and the line and paragraph separators. Other characters are kept as they are.
 * NOTE: Go also escapes the remaining non-printable runes (unassigned code points, format
 * characters such as U+200B), which are kept as they are here.
 */
export function quoteGo(text: string): string {
  let quoted = '"'
  for (const ch of text) {
    const code = ch.codePointAt(0) as number
    const escape = GO_ESCAPES[ch]
    if (escape !== undefined) quoted += escape
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`
    else if ((code >= 0x80 && code <= 0x9f) || code === 0x2028 || code === 0x2029) {
      quoted += `\\u${code.toString(16).padStart(4, '0')}`
    } else quoted += ch
  }
  return `${quoted}"`
}

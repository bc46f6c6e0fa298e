/** Coder's shared error responses for user and membership management. */
import { ApiError } from '../http/errors'
import { goQuote } from '../http/go-quote'

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
    detail: `queried user=${goQuote(param)}`,
  })
}

/** Builds Coder's `httpapi.ResourceNotFound` error, used where existence must not leak. */
export function resourceNotFound(reason: string): ApiError {
  return new ApiError(404, RESOURCE_NOT_FOUND, { reason })
}

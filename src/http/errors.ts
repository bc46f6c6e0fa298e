/**
 * The one error type that handlers throw for an expected failure. It carries the status, the
 * public `codersdk.Response` body and an internal reason that goes to the log only.
 */
import { coderResponse, jsonResponse, type ValidationError } from './response'

export interface ApiErrorOptions {
  detail?: string
  validations?: ValidationError[]
  /** Internal reason for the failure, written to the log and never sent to the client. */
  reason?: string
  headers?: HeadersInit
}

export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: number
  readonly detail: string | undefined
  readonly validations: ValidationError[] | undefined
  readonly reason: string | undefined
  readonly headers: HeadersInit | undefined

  constructor(status: number, message: string, options: ApiErrorOptions = {}) {
    super(message)
    this.status = status
    this.detail = options.detail
    this.validations = options.validations
    this.reason = options.reason
    this.headers = options.headers
  }

  toResponse(): Response {
    return jsonResponse(
      this.status,
      coderResponse(this.message, this.detail, this.validations),
      this.headers,
    )
  }
}

/** Coder's generic message for unexpected server-side failures. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error.'

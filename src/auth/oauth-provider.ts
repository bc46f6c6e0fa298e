/**
 * Provider-side parts shared by GitHub and OpenID Connect sign-in: the identity a provider
 * reports, the options of outbound requests, and the error for a failed code exchange.
 */
import * as oauth from 'oauth4webapi'
import type { ProviderLoginType } from '../db/user-links'
import { ApiError } from '../http/errors'

/**
 * Time limit of each request to a provider, in milliseconds. Coder's HTTP client sets none;
 * a Worker should not wait on a stalled provider until the platform ends the request.
 */
export const PROVIDER_REQUEST_TIMEOUT_MS = 10_000

export const EXCHANGE_FAILED = 'Failed exchanging Oauth code.'

/** The person a provider vouched for, ready to be matched to a user. */
export interface ExternalIdentity {
  loginType: ProviderLoginType
  /** GitHub's numeric user id, or `<issuer>||<subject>` for OIDC (Coder's linked id). */
  linkedId: string
  email: string
  /** A valid username to use if the sign-in creates the user; it may still be taken. */
  username: string
  /** Display name, already trimmed and cut to Coder's limit; may be empty. */
  name: string
  /** Whether an unknown person may sign up through this provider. */
  allowSignups: boolean
}

/** Options for oauth4webapi calls: a timeout, and permission for an `http:` provider URL. */
export function providerRequestOptions(providerUrl: string): {
  signal: () => AbortSignal
  [oauth.allowInsecureRequests]?: boolean
} {
  const options = { signal: () => AbortSignal.timeout(PROVIDER_REQUEST_TIMEOUT_MS) }
  // NOTE: plain HTTP exposes codes and tokens on the wire. The settings accept `http:` URLs
  // for providers on a local network or in tests, and the operator chooses them.
  if (!providerUrl.startsWith('http:')) return options
  return { ...options, [oauth.allowInsecureRequests]: true }
}

/**
 * Builds the error for a token endpoint that did not exchange the code. The provider's
 * `invalid_grant` (the code is unknown, expired, already used, or does not match the PKCE
 * verifier or redirect URI) comes from the browser's request, so it is a 400. Anything else
 * (client credentials rejected, provider down, malformed response) is a 500, as in Coder.
 */
export function codeExchangeError(error: unknown, providerError?: OAuthErrorBody): ApiError {
  const body =
    providerError ??
    (error instanceof oauth.ResponseBodyError
      ? { error: error.error, error_description: error.error_description }
      : undefined)
  if (body) {
    const clientFault = CLIENT_FAULT_ERRORS.has(body.error)
    const detail = body.error_description ? `${body.error}: ${body.error_description}` : body.error
    return new ApiError(clientFault ? 400 : 500, EXCHANGE_FAILED, { detail, reason: detail })
  }
  return new ApiError(500, EXCHANGE_FAILED, {
    detail: 'The request to the token endpoint failed.',
    reason: describeError(error),
  })
}

/** An OAuth error response body (RFC 6749 section 5.2). */
export interface OAuthErrorBody {
  error: string
  error_description?: string
}

/**
 * Token endpoint errors caused by the authorization code the browser brought: the standard
 * `invalid_grant`, and GitHub's `bad_verification_code`.
 */
const CLIENT_FAULT_ERRORS = new Set(['invalid_grant', 'bad_verification_code'])

/** Formats an error for the log: its class, code and message; never a token or a code. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = 'code' in error && typeof error.code === 'string' ? ` [${error.code}]` : ''
  return `${error.name}${code}: ${error.message}`
}

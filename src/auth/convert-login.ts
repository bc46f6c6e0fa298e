/**
 * Conversion state for switching a password account to GitHub or OpenID Connect login. Coder
 * signs the state into a JWT cookie. edgeauth stores it in KV under the state string instead,
 * and the cookie of the same name carries an opaque random value whose SHA-256 the state
 * records. The server can thus revoke a state, and an expired or unknown one is a 400 rather
 * than Coder's 500. KV only decides whether a state may still be used. The switch itself is a
 * conditional D1 update (`convertUserLogin`), which is what makes a state single-use.
 */
import { literal, number, object, string, enum as zEnum, type output } from 'zod'
import type { UserRow } from '../db/users'
import type { ProviderLoginType } from '../db/user-links'
import { ApiError } from '../http/errors'
import { formatRfc3339 } from '../time'
import { constantTimeEqual, randomAlphanumeric, sha256Hex } from './session-token'

/** Coder marks conversion states with this prefix so that the callback can tell them apart. */
export const CONVERT_STATE_PREFIX = 'convert-'
/** Random characters after the prefix, as Coder's `cryptorand.String(32)`. */
export const CONVERT_STATE_RANDOM_LENGTH = 32
/** Cookie name Coder's dashboard and clients expect; its value here is opaque, not a JWT. */
export const CONVERT_COOKIE = 'coder_oauth_convert_jwt'
/** Length of the cookie value from [0-9A-Za-z]: about 190 bits. */
const CONVERT_COOKIE_VALUE_LENGTH = 32
/** Lifetime of a conversion state, in milliseconds: Coder's JWT expires after 5 minutes. */
export const CONVERSION_STATE_LIFETIME_MS = 5 * 60 * 1000
/**
 * KV time to live of a conversion state, in seconds: the same 5 minutes (KV accepts 60 s at
 * least). KV expiry follows the real clock only, so the stored `expires_at` is checked as well.
 */
export const CONVERSION_STATE_KV_TTL_SECONDS = 5 * 60

export const CONVERT_EMAIL_MISMATCH = (email: string) =>
  `The oidc account with the email ${JSON.stringify(email)} does not match the email of the account you are trying to convert. Contact your administrator to resolve this issue.`
export const CONVERT_COOKIE_MISSING =
  'Convert to oauth cookie not found. Missing signed jwt to authorize this action. Please try again.'
export const CONVERT_STATE_NOT_FOUND =
  'Conversion state not found: it expired, was already used, or never existed. Start the conversion again.'
export const CONVERT_STATE_USED = 'Conversion state was already used.'
export const CONVERT_STATE_MISMATCH = 'Request to convert login type failed. State mismatch.'

const storedStateSchema = object({
  user_id: string(),
  from_login_type: literal('password'),
  to_login_type: zEnum(['github', 'oidc']),
  /** UTC milliseconds. */
  expires_at: number(),
  /** Hex SHA-256 of the cookie value. */
  cookie_hash: string(),
})

/** A conversion state as stored in KV. */
export interface ConversionState {
  userId: string
  fromLoginType: 'password'
  toLoginType: ProviderLoginType
  expiresAt: number
  cookieHash: string
}

export interface NewConversionState {
  stateString: string
  /** Value of the `coder_oauth_convert_jwt` cookie; only its hash is stored. */
  cookieValue: string
  expiresAt: number
}

/** Stores a new conversion state for a password user and returns its state string and cookie. */
export async function createConversionState(
  kv: KVNamespace,
  userId: string,
  toLoginType: ProviderLoginType,
  now: number,
): Promise<NewConversionState> {
  const stateString = CONVERT_STATE_PREFIX + randomAlphanumeric(CONVERT_STATE_RANDOM_LENGTH)
  const cookieValue = randomAlphanumeric(CONVERT_COOKIE_VALUE_LENGTH)
  // Whole seconds, as the JWT `exp` claim of Coder's state has.
  const expiresAt = Math.floor(now / 1000) * 1000 + CONVERSION_STATE_LIFETIME_MS
  const stored: output<typeof storedStateSchema> = {
    user_id: userId,
    from_login_type: 'password',
    to_login_type: toLoginType,
    expires_at: expiresAt,
    cookie_hash: await sha256Hex(cookieValue),
  }
  await kv.put(stateString, JSON.stringify(stored), {
    expirationTtl: CONVERSION_STATE_KV_TTL_SECONDS,
  })
  return { stateString, cookieValue, expiresAt }
}

/** Reports whether an OAuth state string belongs to a conversion. */
export function isConversionState(state: string): boolean {
  return state.startsWith(CONVERT_STATE_PREFIX)
}

/**
 * Loads a conversion state. KV reads may be stale (eventually consistent): a state deleted
 * moments ago can still be returned, which the conditional D1 update makes harmless.
 * A record that does not parse counts as missing.
 */
export async function loadConversionState(
  kv: KVNamespace,
  stateString: string,
): Promise<ConversionState | null> {
  const raw = await kv.get(stateString)
  if (raw === null) return null
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return null
  }
  const parsed = storedStateSchema.safeParse(json)
  if (!parsed.success) return null
  return {
    userId: parsed.data.user_id,
    fromLoginType: parsed.data.from_login_type,
    toLoginType: parsed.data.to_login_type,
    expiresAt: parsed.data.expires_at,
    cookieHash: parsed.data.cookie_hash,
  }
}

export interface ConversionRequest {
  kv: KVNamespace
  stateString: string
  /** The `coder_oauth_convert_jwt` cookie of the callback request, if any. */
  cookieValue: string | undefined
  /** The user the provider's identity resolved to; undefined when none matched. */
  user: UserRow | undefined
  /** The email the provider reported. */
  email: string
  provider: ProviderLoginType
  now: number
}

/**
 * Checks that a callback may complete the conversion its state names, in Coder's order and with
 * Coder's messages, and returns the state. Throws a 400 for a missing cookie or a state that is
 * unknown, expired or used, and a 403 when the state belongs to another cookie, user, login type
 * or provider. It changes nothing: the D1 update decides the switch.
 */
export async function verifyConversion(request: ConversionRequest): Promise<ConversionState> {
  const { user, provider } = request
  if (!user) {
    throw new ApiError(400, CONVERT_EMAIL_MISMATCH(request.email), {
      reason: 'conversion_email_mismatch',
    })
  }
  if (!request.cookieValue) {
    throw new ApiError(400, CONVERT_COOKIE_MISSING, { reason: 'conversion_cookie_missing' })
  }

  const state = await loadConversionState(request.kv, request.stateString)
  if (!state) {
    throw new ApiError(400, CONVERT_STATE_NOT_FOUND, { reason: 'conversion_state_not_found' })
  }
  const cookieHash = await sha256Hex(request.cookieValue)
  if (!constantTimeEqual(cookieHash, state.cookieHash)) {
    throw new ApiError(403, CONVERT_STATE_MISMATCH, { reason: 'conversion_cookie_mismatch' })
  }
  if (state.expiresAt <= request.now) {
    // Coder returns 500 "Error parsing jwt: …" for an expired state. The client caused it, so
    // it is a 400 here.
    throw new ApiError(
      400,
      `Conversion state expired at "${formatRfc3339(state.expiresAt)}". Start the conversion again.`,
      { reason: 'conversion_state_expired' },
    )
  }
  if (user.id !== state.userId || provider !== state.toLoginType) {
    throw new ApiError(
      403,
      `Request to convert login type from ${user.loginType} to ${provider} failed`,
      { reason: 'conversion_target_mismatch' },
    )
  }
  if (user.loginType !== state.fromLoginType) {
    throw conversionAlreadyUsed(user.loginType)
  }
  return state
}

/**
 * Builds the error for a state whose user no longer has the password login type, because the
 * state was used (or an administrator changed the login type since). Coder returns 403
 * "Request to convert login type from <current> to <provider> failed" here, but the used state
 * is the clearer reason.
 */
export function conversionAlreadyUsed(currentLoginType: string): ApiError {
  return new ApiError(400, CONVERT_STATE_USED, {
    detail: `The account's login type is now "${currentLoginType}"; sign in with it.`,
    reason: 'conversion_state_used',
  })
}

/** Builds the conversion cookie as Coder sets it, expiring with the state. */
export function conversionCookie(value: string, expiresAt: number, secure: boolean): string {
  const expires = new Date(expiresAt).toUTCString()
  return `${CONVERT_COOKIE}=${value}; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`
}

/** Deletes the conversion cookie, as Coder does after a successful conversion. */
export function clearConversionCookie(): string {
  return `${CONVERT_COOKIE}=; Path=/; Max-Age=0`
}

/**
 * The start of a switch from password to GitHub or OIDC login, as Coder's
 * `POST /users/{user}/convert-login` does it. The API route and the account security page share
 * it; the provider callback completes the switch (`completeOAuthLogin`).
 */
import type { Context } from 'hono'
import { now } from '../clock'
import { auditInBackground } from '../db/audit-request'
import type { ProviderLoginType } from '../db/user-links'
import type { UserRow } from '../db/users'
import { isSecureRequest } from '../http/cookies'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { conversionCookie, createConversionState } from './convert-login'
import { authenticatePassword } from './password-login'

/** Login types Coder rejects as conversion targets (`codersdk.LoginType` values). */
const NOT_CONVERTIBLE = new Set(['none', 'password', 'token'])

/** A started conversion: what the API returns, and the cookie bound to the state. */
export interface ConversionStart {
  /** The `oidc_merge_state` to pass to the provider callback. */
  stateString: string
  /** UTC milliseconds. */
  expiresAt: number
  toType: ProviderLoginType
  userId: string
  /** `Set-Cookie` value of `coder_oauth_convert_jwt`. */
  cookie: string
}

/**
 * Checks the target login type and the target user's password (with `authenticatePassword`,
 * so a wrong password is Coder's 401), then stores a conversion state valid for 5 minutes.
 * Throws Coder's 400 for a login type that cannot be a target.
 */
export async function startLoginConversion(
  c: Context<AppEnv>,
  target: UserRow,
  toType: string,
  password: string,
): Promise<ConversionStart> {
  if (NOT_CONVERTIBLE.has(toType)) {
    throw new ApiError(400, `Cannot convert to login type ${JSON.stringify(toType)}.`)
  }
  if (toType !== 'github' && toType !== 'oidc') {
    throw new ApiError(400, `Unknown login type ${JSON.stringify(toType)}.`)
  }

  const user = await authenticatePassword(c, target.email, password, 'create')
  if (user.loginType !== 'password') {
    // authenticatePassword already requires it; kept as Coder keeps it, in case that changes.
    throw new ApiError(400, 'User account must have password based authentication.')
  }
  const state = await createConversionState(c.env.KV, user.id, toType, now())
  auditInBackground(c, {
    action: 'create',
    resourceType: 'convert_login',
    resourceId: user.id,
    userId: user.id,
    statusCode: 201,
    additionalFields: { from_login_type: 'password', to_login_type: toType },
  })
  c.var.logger.log('info', 'login_conversion_started', {
    user_id: user.id,
    to_login_type: toType,
  })
  return {
    stateString: state.stateString,
    expiresAt: state.expiresAt,
    toType,
    userId: user.id,
    cookie: conversionCookie(state.cookieValue, state.expiresAt, isSecureRequest(c)),
  }
}

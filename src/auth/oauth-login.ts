/**
 * The end of a GitHub or OpenID Connect sign-in, as in Coder's `oauthLogin`. The provider's
 * identity is matched to a user by link, then by email. A conversion state completes a
 * conversion; otherwise the user signs in (or signs up, where allowed) and gets a session.
 */
import { describeError } from '../log'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { now } from '../clock'
import { getApiKeyWithUser, type ApiKeyRow } from '../db/api-keys'
import { auditInBackground, buildAuditEntry } from '../db/audit-request'
import { convertUserLogin, findUserByLinkedId, saveUserLink } from '../db/user-links'
import { findUserByEmail, findUserById, type UserRow } from '../db/users'
import { SESSION_COOKIE } from '../http/cookies'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import {
  clearConversionCookie,
  conversionAlreadyUsed,
  CONVERT_COOKIE,
  isConversionState,
  verifyConversion,
  type ConversionState,
} from './convert-login'
import { issueSession } from './issue-key'
import { isSecureRequest, redirectWithCookies, type CallbackRequest } from './oauth-flow'
import type { ExternalIdentity } from './oauth-provider'
import { signUp } from './oauth-signup'
import { activateIfDormant } from './dormancy'
import { findSessionToken } from './session'
import { constantTimeEqual, parseSessionToken, sha256Hex } from './session-token'

/** Finishes the second leg for a verified identity and returns the final redirect. */
export async function completeOAuthLogin(
  c: Context<AppEnv>,
  identity: ExternalIdentity,
  callback: CallbackRequest,
): Promise<Response> {
  const found = await findLinkedUser(c, identity)
  try {
    if (isConversionState(callback.state)) {
      return await completeConversion(c, identity, callback, found)
    }
    return await signIn(c, identity, callback, found)
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      c.var.logger.log('info', 'oauth_login_rejected', {
        login_type: identity.loginType,
        user_id: found?.id ?? null,
        reason: error.reason ?? error.message,
      })
      if (found) {
        auditInBackground(c, {
          action: 'login',
          resourceType: 'api_key',
          userId: found.id,
          statusCode: error.status,
        })
      }
    }
    throw error
  }
}

/**
 * Returns the user the identity belongs to, as Coder's `findLinkedUser` does: the user linked
 * to it if not deleted, else the user with the same email (ASCII case ignored).
 */
async function findLinkedUser(
  c: Context<AppEnv>,
  identity: ExternalIdentity,
): Promise<UserRow | undefined> {
  const linked = await findUserByLinkedId(c.var.db, identity.loginType, identity.linkedId)
  return linked?.user ?? (await findUserByEmail(c.var.db, identity.email))
}

/** Plain sign-in: signs up an unknown person where allowed, then opens a session. */
async function signIn(
  c: Context<AppEnv>,
  identity: ExternalIdentity,
  callback: CallbackRequest,
  found: UserRow | undefined,
): Promise<Response> {
  let user = found
  let created = false
  if (!user) {
    const signedUp = await signUp(c, identity)
    user = signedUp.user
    created = signedUp.created
  }
  if (user.loginType !== identity.loginType) throw wrongLoginType(user.loginType, identity)
  await activateIfDormant(c, user)
  rejectInactive(user)
  await saveUserLink(c.var.db, {
    userId: user.id,
    loginType: identity.loginType,
    linkedId: identity.linkedId,
    oauthExpiry: null,
    now: now(),
  })
  const cookie = await openSession(c, user, identity, created ? 'register' : 'login')
  return redirectWithCookies(callback.redirect, [cookie])
}

/**
 * Completes a conversion: checks the state, then switches the login type, records the link,
 * ends the user's password sessions and the session the callback carried, and writes the audit
 * entry in one conditional batch. As in Coder, a callback that carried a valid session gets no
 * new session: its cookie is cleared, so the user signs in again with the provider. A callback
 * without a session gets a new session of the provider's login type.
 */
async function completeConversion(
  c: Context<AppEnv>,
  identity: ExternalIdentity,
  callback: CallbackRequest,
  found: UserRow | undefined,
): Promise<Response> {
  const { db, logger } = c.var
  const state: ConversionState = await verifyConversion({
    kv: c.env.KV,
    stateString: callback.state,
    cookieValue: getCookie(c, CONVERT_COOKIE),
    user: found,
    email: identity.email,
    provider: identity.loginType,
    now: now(),
  })
  const user = found as UserRow
  const callbackKey = await findCallbackKey(c)
  const switched = await convertUserLogin(db, {
    userId: user.id,
    toLoginType: identity.loginType,
    linkedId: identity.linkedId,
    callbackKeyId: callbackKey?.id ?? null,
    audit: buildAuditEntry(c, {
      action: 'write',
      resourceType: 'user',
      resourceId: user.id,
      userId: user.id,
      statusCode: 307,
      additionalFields: {
        from_login_type: state.fromLoginType,
        to_login_type: state.toLoginType,
      },
    }),
    now: now(),
  })
  if (!switched) {
    // Another request with the same state won the conditional update (or the login type changed).
    const current = await findUserById(db, user.id)
    throw conversionAlreadyUsed(current?.loginType ?? 'unknown')
  }
  logger.log('info', 'login_type_converted', {
    user_id: user.id,
    from_login_type: state.fromLoginType,
    to_login_type: identity.loginType,
    deleted_key_id: callbackKey?.id ?? null,
  })
  // Best effort: the state can no longer switch anything, so a failed delete only leaves a
  // harmless entry that expires with its TTL.
  await c.env.KV.delete(callback.state).catch((error: unknown) => {
    logger.log('warn', 'conversion_state_delete_failed', {
      user_id: user.id,
      error: describeError(error),
    })
  })

  const cookies = [clearConversionCookie()]
  if (callbackKey) {
    const secure = isSecureRequest(c) ? '; Secure' : ''
    cookies.push(`${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly${secure}`)
    return redirectWithCookies(callback.redirect, cookies)
  }
  const converted: UserRow = { ...user, loginType: identity.loginType, hashedPassword: '' }
  await activateIfDormant(c, converted)
  rejectInactive(converted)
  cookies.push(await openSession(c, converted, identity, 'login'))
  return redirectWithCookies(callback.redirect, cookies)
}

/**
 * Returns the API key the callback request carried when its id and secret check out. Expiry is
 * not checked, as in Coder: an expired session is deleted as well.
 */
async function findCallbackKey(c: Context<AppEnv>): Promise<ApiKeyRow | null> {
  const parsed = parseSessionToken(findSessionToken(c))
  if (!parsed.ok) return null
  const found = await getApiKeyWithUser(c.var.db, parsed.id)
  if (!found) return null
  const secretHash = await sha256Hex(parsed.secret)
  return constantTimeEqual(secretHash, found.key.hashedSecret) ? found.key : null
}

/**
 * Rejects a suspended user. Coder's OAuth login issues the session and lets the session
 * middleware reject it; edgeauth does not create a session that cannot be used.
 */
function rejectInactive(user: UserRow): void {
  if (user.status !== 'active') {
    throw new ApiError(
      401,
      'Your account is suspended. Contact an admin to reactivate your account.',
      { reason: 'user_suspended' },
    )
  }
}

/** Coder's "Incorrect login type" error; for password users it points to the conversion. */
function wrongLoginType(userLoginType: string, identity: ExternalIdentity): ApiError {
  const hint =
    userLoginType === 'password'
      ? ' You can convert your account to use this login type by visiting your account settings.'
      : ''
  return new ApiError(403, 'Incorrect login type', {
    detail: `Attempting to use login type "${identity.loginType}", but the user has the login type "${userLoginType}".${hint}`,
    reason: 'wrong_login_type',
  })
}

/** Creates a session of the provider's login type and returns its cookie. */
async function openSession(
  c: Context<AppEnv>,
  user: UserRow,
  identity: ExternalIdentity,
  auditAction: 'login' | 'register',
): Promise<string> {
  const session = await issueSession(c, user.id, identity.loginType, {
    action: auditAction,
    statusCode: 307,
  })
  return session.cookie
}

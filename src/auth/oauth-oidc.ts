/**
 * OpenID Connect sign-in with oauth4webapi: discovery, the authorization request and the code
 * exchange. The ID token is validated for issuer, audience, expiry, nonce, and its signature
 * against the provider's JWKS. The claims Coder reads are merged with the UserInfo response, as
 * Coder does by default.
 */
import * as oauth from 'oauth4webapi'
import type { Context } from 'hono'
import type { OidcConfig } from '../config'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { isValidUsername } from '../http/go-validate'
import type { CallbackRequest, PendingAuthorization } from './oauth-flow'
import { callbackUri } from './oauth-flow'
import {
  codeExchangeError,
  describeError,
  providerRequestOptions,
  type ExternalIdentity,
} from './oauth-provider'
import { normalizeRealName, usernameFrom } from './oauth-username'

export const OIDC_CALLBACK_PATH = '/users/oidc/callback'
/** Coder's default `--oidc-scopes`. */
const OIDC_SCOPES = 'openid profile email'
/** Coder's default `--oidc-username-field`. */
const USERNAME_CLAIM = 'preferred_username'
/** Coder's default `--oidc-name-field`. */
const NAME_CLAIM = 'name'

const VERIFY_FAILED = 'Failed to verify OIDC token.'

// Provider metadata, fetched once per isolate and issuer; a failed discovery is forgotten so
// that the next request tries again. oauth4webapi keeps the signing keys (JWKS) with each
// metadata object and fetches them again after 5 minutes or for an unknown key id.
const discoveries = new Map<string, Promise<oauth.AuthorizationServer>>()

/** Builds the provider's authorization URL for a pending sign-in. */
export async function oidcAuthorizationUrl(
  c: Context<AppEnv>,
  config: OidcConfig,
  pending: PendingAuthorization,
): Promise<URL> {
  const as = await discover(config)
  if (!as.authorization_endpoint) {
    throw new ApiError(500, 'The OpenID Provider has no authorization endpoint.', {
      detail: `The discovery document of ${config.issuerUrl} lacks "authorization_endpoint".`,
    })
  }
  const url = new URL(as.authorization_endpoint)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', config.clientId)
  url.searchParams.set('redirect_uri', callbackUri(c, OIDC_CALLBACK_PATH))
  url.searchParams.set('scope', OIDC_SCOPES)
  url.searchParams.set('state', pending.state)
  url.searchParams.set(
    'code_challenge',
    await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
  )
  url.searchParams.set('code_challenge_method', 'S256')
  if (pending.nonce) url.searchParams.set('nonce', pending.nonce)
  return url
}

/**
 * Exchanges the authorization code, validates the ID token and returns the identity it names.
 * Errors use Coder's messages: 400 for a token that fails validation or claims that cannot be
 * used, 403 for an unverified email, 500 when the provider cannot be reached or misbehaves.
 */
export async function exchangeOidcCode(
  c: Context<AppEnv>,
  config: OidcConfig,
  callback: CallbackRequest,
): Promise<ExternalIdentity> {
  if (!callback.nonce) throw new ApiError(401, 'Cookie "oauth_nonce" must be provided.')
  const as = await discover(config)
  const client: oauth.Client = { client_id: config.clientId }
  const options = providerRequestOptions(config.issuerUrl)

  let parameters: URLSearchParams
  try {
    // Checks the `iss` response parameter (RFC 9207) when the provider sends one.
    parameters = oauth.validateAuthResponse(as, client, callback.url, callback.state)
  } catch (error) {
    throw new ApiError(400, 'Invalid authorization response.', {
      detail: error instanceof Error ? error.message : undefined,
      reason: describeError(error),
    })
  }

  let response: Response
  let tokens: oauth.TokenEndpointResponse
  try {
    response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuthentication(as, config.clientSecret),
      parameters,
      callbackUri(c, OIDC_CALLBACK_PATH),
      callback.codeVerifier,
      options,
    )
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: callback.nonce,
      requireIdToken: true,
    })
  } catch (error) {
    throw tokenResponseError(error)
  }

  try {
    await oauth.validateApplicationLevelSignature(as, response, options)
  } catch (error) {
    throw new ApiError(400, VERIFY_FAILED, {
      detail: 'The ID token signature does not verify with the provider keys.',
      reason: describeError(error),
    })
  }

  const idClaims = oauth.getValidatedIdTokenClaims(tokens)
  if (!idClaims?.sub) {
    throw new ApiError(400, "OIDC token missing 'sub' claim field or 'sub' claim field is empty.")
  }
  const userInfo = await fetchUserInfo(as, client, tokens.access_token, idClaims.sub, options)
  // UserInfo claims win over ID token claims, as in Coder.
  const claims: Record<string, unknown> = { ...idClaims, ...userInfo }
  return identityFromClaims(config, `${idClaims.iss}||${idClaims.sub}`, claims)
}

/** Reads Coder's claims: email (configurable claim), `email_verified`, username and name. */
function identityFromClaims(
  config: OidcConfig,
  linkedId: string,
  claims: Record<string, unknown>,
): ExternalIdentity {
  const usernameClaim = claims[USERNAME_CLAIM]
  let username = typeof usernameClaim === 'string' ? usernameClaim : ''

  let emailClaim = claims[config.emailField]
  if (emailClaim === undefined) {
    // Providers often send the email only as the preferred username.
    if (!looksLikeEmailAddress(username)) {
      throw new ApiError(400, 'No email found in OIDC payload!')
    }
    emailClaim = username
  }
  if (typeof emailClaim !== 'string') {
    throw new ApiError(
      400,
      `Email in OIDC payload isn't a string. Got: ${JSON.stringify(emailClaim)}`,
    )
  }
  const email = emailClaim
  if (claims.email_verified === false) {
    throw new ApiError(
      403,
      `Verify the ${JSON.stringify(email)} email address on your OIDC provider to authenticate!`,
    )
  }
  if (!isValidUsername(username)) username = usernameFrom(username || email)
  const nameClaim = claims[NAME_CLAIM]
  return {
    loginType: 'oidc',
    linkedId,
    email,
    username,
    name: typeof nameClaim === 'string' ? normalizeRealName(nameClaim) : '',
    allowSignups: config.allowSignups,
  }
}

/**
 * Fetches UserInfo claims when the provider has the endpoint. A failure is a 500, as in Coder,
 * because the claims may be needed and the provider is at fault.
 */
async function fetchUserInfo(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  accessToken: string,
  subject: string,
  options: ReturnType<typeof providerRequestOptions>,
): Promise<Record<string, unknown>> {
  if (!as.userinfo_endpoint) return {}
  try {
    const response = await oauth.userInfoRequest(as, client, accessToken, options)
    return { ...(await oauth.processUserInfoResponse(as, client, subject, response)) }
  } catch (error) {
    throw new ApiError(500, 'Failed to obtain user information claims.', {
      detail: 'The attempt to fetch claims via the UserInfo endpoint failed.',
      reason: describeError(error),
    })
  }
}

/**
 * Converts a failure of the token request into Coder's errors. A missing ID token and an ID
 * token that fails a claim check are 400s, and the rest is a failed exchange.
 * NOTE: oauth4webapi reports both kinds with the same error class, so the JWT errors are
 * distinguished by their code and message.
 */
function tokenResponseError(error: unknown): ApiError {
  if (error instanceof oauth.OperationProcessingError) {
    if (error.message.includes('"id_token"')) {
      return new ApiError(
        400,
        'id_token not found in response payload. Ensure your OIDC callback is configured correctly!',
      )
    }
    const jwtCheck =
      error.code === oauth.JWT_CLAIM_COMPARISON ||
      error.code === oauth.JWT_TIMESTAMP_CHECK ||
      error.code === oauth.PARSE_ERROR ||
      /JWT|ID Token/.test(error.message)
    if (jwtCheck) {
      return new ApiError(400, VERIFY_FAILED, {
        detail: error.message,
        reason: describeError(error),
      })
    }
  }
  if (error instanceof oauth.UnsupportedOperationError) {
    return new ApiError(400, VERIFY_FAILED, { detail: error.message, reason: describeError(error) })
  }
  return codeExchangeError(error)
}

/** Client authentication the provider supports; RFC 8414 makes Basic the default. */
function clientAuthentication(as: oauth.AuthorizationServer, secret: string): oauth.ClientAuth {
  const methods = as.token_endpoint_auth_methods_supported
  if (!secret) return oauth.None()
  if (
    methods &&
    !methods.includes('client_secret_basic') &&
    methods.includes('client_secret_post')
  ) {
    return oauth.ClientSecretPost(secret)
  }
  return oauth.ClientSecretBasic(secret)
}

async function discover(config: OidcConfig): Promise<oauth.AuthorizationServer> {
  let pending = discoveries.get(config.issuerUrl)
  if (!pending) {
    pending = fetchDiscovery(config.issuerUrl)
    discoveries.set(config.issuerUrl, pending)
    const started = pending
    started.catch(() => {
      if (discoveries.get(config.issuerUrl) === started) discoveries.delete(config.issuerUrl)
    })
  }
  try {
    return await pending
  } catch (error) {
    throw new ApiError(500, 'Failed to load the OpenID Provider configuration.', {
      detail: `GET ${config.issuerUrl}/.well-known/openid-configuration failed; check OIDC_ISSUER_URL.`,
      reason: describeError(error),
    })
  }
}

async function fetchDiscovery(issuerUrl: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(issuerUrl)
  const response = await oauth.discoveryRequest(issuer, {
    ...providerRequestOptions(issuerUrl),
    algorithm: 'oidc',
  })
  return oauth.processDiscoveryResponse(issuer, response)
}

/**
 * Approximates Go's `mail.ParseAddress` for a bare address: one `@` with text on both sides
 * and no white space.
 */
function looksLikeEmailAddress(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value)
}

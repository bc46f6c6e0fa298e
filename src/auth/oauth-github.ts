/**
 * GitHub sign-in: OAuth 2.0 authorization code flow with PKCE through oauth4webapi, then the
 * REST API for the account (`GET /user`) and its verified primary email (`GET /user/emails`).
 * GitHub is not an OpenID Provider, so there is no ID token and no nonce.
 */
import * as oauth from 'oauth4webapi'
import type { Context } from 'hono'
import { array, boolean, nullish, number, object, string, type ZodType } from 'zod'
import type { GithubConfig } from '../config'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import type { CallbackRequest, PendingAuthorization } from './oauth-flow'
import { callbackUri } from './oauth-flow'
import {
  codeExchangeError,
  describeError,
  PROVIDER_REQUEST_TIMEOUT_MS,
  providerRequestOptions,
  type ExternalIdentity,
  type OAuthErrorBody,
} from './oauth-provider'
import { normalizeRealName, usernameFrom } from './oauth-username'

export const GITHUB_CALLBACK_PATH = '/users/oauth2/github/callback'
/**
 * Coder also requests `read:org`, which only its organization and team allow-lists use.
 * edgeauth has no such lists.
 */
const GITHUB_SCOPES = 'read:user user:email'
/** The REST API version whose response shapes this module reads. */
const GITHUB_API_VERSION = '2022-11-28'

const githubUserSchema = object({
  id: number(),
  login: string(),
  name: nullish(string()),
})
const githubEmailsSchema = array(
  object({ email: string(), primary: boolean(), verified: boolean() }),
)

/** Builds GitHub's authorization URL for a pending sign-in. */
export async function githubAuthorizationUrl(
  c: Context<AppEnv>,
  config: GithubConfig,
  pending: PendingAuthorization,
): Promise<URL> {
  const url = new URL(authorizationServer(config).authorization_endpoint as string)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set('client_id', config.clientId)
  url.searchParams.set('redirect_uri', callbackUri(c, GITHUB_CALLBACK_PATH))
  url.searchParams.set('scope', GITHUB_SCOPES)
  url.searchParams.set('state', pending.state)
  url.searchParams.set(
    'code_challenge',
    await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
  )
  url.searchParams.set('code_challenge_method', 'S256')
  return url
}

/**
 * Exchanges the authorization code and returns the GitHub account with its verified primary
 * email. Errors use Coder's messages: 400 without a verified primary email, 500 when GitHub
 * cannot be reached or returns an unexpected response.
 */
export async function exchangeGithubCode(
  c: Context<AppEnv>,
  config: GithubConfig,
  callback: CallbackRequest,
): Promise<ExternalIdentity> {
  const as = authorizationServer(config)
  const client: oauth.Client = { client_id: config.clientId }
  let parameters: URLSearchParams
  try {
    parameters = oauth.validateAuthResponse(as, client, callback.url, callback.state)
  } catch (error) {
    throw new ApiError(400, 'Invalid authorization response.', {
      detail: error instanceof Error ? error.message : undefined,
      reason: describeError(error),
    })
  }

  let tokens: oauth.TokenEndpointResponse
  try {
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(config.clientSecret),
      parameters,
      callbackUri(c, GITHUB_CALLBACK_PATH),
      callback.codeVerifier,
      providerRequestOptions(config.webUrl),
    )
    // GitHub returns 200 with an OAuth error body for a rejected code, not a 400.
    const errorBody = await readErrorBody(response)
    if (errorBody) throw codeExchangeError(undefined, errorBody)
    tokens = await oauth.processAuthorizationCodeResponse(as, client, response)
  } catch (error) {
    throw error instanceof ApiError ? error : codeExchangeError(error)
  }

  const user = await fetchGithub(config, tokens.access_token, '/user', githubUserSchema).catch(
    (error: unknown) => {
      throw new ApiError(500, 'Internal error fetching authenticated Github user.', {
        reason: describeError(error),
      })
    },
  )
  const emails = await fetchGithub(
    config,
    tokens.access_token,
    '/user/emails',
    githubEmailsSchema,
  ).catch((error: unknown) => {
    throw new ApiError(500, 'Internal error fetching personal Github user.', {
      reason: describeError(error),
    })
  })
  const primary = emails.find((email) => email.verified && email.primary)
  if (!primary) throw new ApiError(400, 'Your primary email must be verified on GitHub!')
  if (user.id === 0) {
    // A zero id would link every such account to the same user.
    throw new ApiError(
      500,
      'The GitHub user ID is missing, this should never happen. Please report this error.',
    )
  }
  // GitHub Enterprise allows `_` in logins; Coder replaces it with `-`.
  const login = user.login.replaceAll('_', '-')
  return {
    loginType: 'github',
    linkedId: String(user.id),
    email: primary.email,
    username: usernameFrom(login),
    name: normalizeRealName(user.name ?? ''),
    allowSignups: config.allowSignups,
  }
}

function authorizationServer(config: GithubConfig): oauth.AuthorizationServer {
  return {
    issuer: config.webUrl,
    authorization_endpoint: `${config.webUrl}/login/oauth/authorize`,
    token_endpoint: `${config.webUrl}/login/oauth/access_token`,
  }
}

/** Returns the OAuth error in a token response body, if it has one, without consuming it. */
async function readErrorBody(response: Response): Promise<OAuthErrorBody | null> {
  if (!response.ok) return null
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null)
  if (typeof body !== 'object' || body === null || !('error' in body)) return null
  if (typeof body.error !== 'string') return null
  const description =
    'error_description' in body && typeof body.error_description === 'string'
      ? body.error_description
      : undefined
  return { error: body.error, error_description: description }
}

/** Calls the GitHub REST API with the user's access token and parses the JSON response. */
async function fetchGithub<T>(
  config: GithubConfig,
  accessToken: string,
  path: string,
  schema: ZodType<T>,
): Promise<T> {
  const response = await fetch(`${config.apiUrl}${path}`, {
    headers: {
      Authorization: `Bearer ${accessToken}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': GITHUB_API_VERSION,
      // GitHub rejects API requests without a User-Agent.
      'User-Agent': 'edgeauth',
    },
    signal: AbortSignal.timeout(PROVIDER_REQUEST_TIMEOUT_MS),
  })
  if (!response.ok) throw new Error(`GET ${path} returned ${response.status}`)
  return schema.parse(await response.json())
}

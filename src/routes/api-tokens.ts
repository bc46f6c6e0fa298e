/**
 * Long-lived API tokens and CLI session keys of a user (`/users/{user}/keys/…`). Tokens go
 * through the same session middleware as browser sessions, and their scopes limit every
 * authorization check the caller makes.
 */
import type { ApiRouter } from '../http/route'
import type { Context } from 'hono'
import { boolean, object, optional, string } from 'zod'
import { requireSession } from '../auth/session'
import { issueApiKey } from '../auth/issue-key'
import { randomAlphanumeric } from '../auth/session-token'
import { authorizeRequest } from '../auth/subject'
import {
  deleteUserKey,
  findUserKey,
  findUserTokenByName,
  isDuplicateTokenName,
  listAllTokens,
  listUserTokens,
  type ApiKeyRow,
} from '../db/api-keys'
import { auditInBackground } from '../db/audit-request'
import { jsonBody, type BodyOf } from '../http/body'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { goQuote } from '../http/go-quote'
import { finishGoJson, JSON_CONTENT_TYPE, jsonResponse } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { normalizeScope, SCOPE_ALL } from '../rbac'
import { formatGoDuration, formatRfc3339 } from '../time'
import {
  ApiKey,
  ApiKeyWithOwner,
  CREATE_TOKEN_BODY,
  CreateTokenRequest,
  GenerateApiKeyResponse,
  TokenConfig,
} from './api-token-schemas'
import { CoderResponse } from './schemas'
import { resolveUserParam } from './user-param'

/** Coder's default token lifetime when the request gives none: 7 days, in seconds. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 7 * 24 * 60 * 60
/** Lifetime of a session key created for the CLI (`POST /users/{user}/keys`): 7 days, as Coder. */
export const CLI_KEY_LIFETIME_SECONDS = 7 * 24 * 60 * 60
/** Maximum token name length in bytes. Coder sets none; this keeps rows small. */
export const MAX_TOKEN_NAME_BYTES = 128

const NANOSECONDS_PER_SECOND = 1_000_000_000n
const VALIDATION_FAILED = 'Failed to validate create API key request.'
const RESOURCE_NOT_FOUND = 'Resource not found or you do not have access to this resource'

const userParam = object({ user: string().meta({ description: 'A user id, username or `me`.' }) })
const keyParams = userParam.extend({ keyid: string() })

export function mountApiTokenRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/{user}/keys/tokens/tokenconfig',
      tags: ['Users'],
      summary: 'Get the longest lifetime a token may have',
      security: SESSION_SECURITY,
      request: { params: userParam },
      responses: { 200: { description: 'Token settings.', content: json(TokenConfig) } },
    },
    requireSession,
    async (c) => {
      await resolveUserParam(c, c.req.param('user') ?? '')
      const maxNanoseconds = BigInt(c.var.config.maxTokenLifetimeSeconds) * NANOSECONDS_PER_SECOND
      return rawJson(`{"max_token_lifetime":${maxNanoseconds}}`)
    },
  )

  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/{user}/keys/tokens',
      tags: ['Users'],
      summary: 'Create a long-lived API token',
      description:
        "The lifetime is in nanoseconds, as Coder's SDK sends it; 0 means 7 days. Scopes are " +
        'names from GET /auth/scopes (`all` and `application_connect` are accepted too); the ' +
        'default is `coder:all`.',
      security: SESSION_SECURITY,
      request: {
        params: userParam,
        body: { content: json(CreateTokenRequest), required: true },
      },
      responses: {
        201: { description: 'Created.', content: json(GenerateApiKeyResponse) },
        400: { description: 'Invalid request.', content: json(CoderResponse) },
        403: { description: 'Not allowed.', content: json(CoderResponse) },
        409: { description: 'Name already used.', content: json(CoderResponse) },
      },
    },
    requireSession,
    jsonBody(CREATE_TOKEN_BODY),
    async (c) => {
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      if (!authorizeRequest(c, 'create', { type: 'api_key', owner: user.id })) throw forbidden()
      const body = c.var.body as BodyOf<typeof CREATE_TOKEN_BODY>
      const lifetimeSeconds = validateLifetime(c, body.lifetime)
      const scopes = validateScopes(body.scopes.length > 0 ? body.scopes : [body.scope])
      const tokenName = body.token_name || `token-${randomAlphanumeric(8).toLowerCase()}`
      if (new TextEncoder().encode(tokenName).length > MAX_TOKEN_NAME_BYTES) {
        throw new ApiError(400, VALIDATION_FAILED, {
          detail: `token name must be at most ${MAX_TOKEN_NAME_BYTES} bytes`,
        })
      }
      const token = await createKey(c, user.id, 'token', lifetimeSeconds, scopes, tokenName)
      return jsonResponse(201, { key: token })
    },
  )

  mountRoute(
    api,
    {
      method: 'post',
      path: '/users/{user}/keys',
      tags: ['Users'],
      summary: 'Create a session key for the CLI',
      description: 'A 7-day key with the `all` scope; no cookie is set.',
      security: SESSION_SECURITY,
      request: { params: userParam },
      responses: {
        201: { description: 'Created.', content: json(GenerateApiKeyResponse) },
        403: { description: 'Not allowed.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      if (!authorizeRequest(c, 'create', { type: 'api_key', owner: user.id })) throw forbidden()
      const token = await createKey(c, user.id, 'password', CLI_KEY_LIFETIME_SECONDS, ['all'], '')
      return jsonResponse(201, { key: token })
    },
  )

  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/{user}/keys/tokens',
      tags: ['Users'],
      summary: "List a user's API tokens",
      description: '`include_all=true` lists the tokens of every user the caller may read.',
      security: SESSION_SECURITY,
      request: { params: userParam, query: object({ include_all: optional(boolean()) }) },
      responses: { 200: { description: 'Tokens.', content: json(ApiKeyWithOwner.array()) } },
    },
    requireSession,
    async (c) => {
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      const includeAll = parseGoBool(c.req.query('include_all'))
      const rows = includeAll
        ? await listAllTokens(c.var.db)
        : (await listUserTokens(c.var.db, user.id)).map((key) => ({
            key,
            username: user.username,
          }))
      const readable = rows.filter(({ key }) =>
        authorizeRequest(c, 'read', { type: 'api_key', id: key.id, owner: key.userId }),
      )
      return jsonResponse(
        200,
        readable.map(({ key, username }) => ({
          ...toApiKeyResponse(key),
          username: username ?? '',
        })),
      )
    },
  )

  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/{user}/keys/tokens/{keyname}',
      tags: ['Users'],
      summary: 'Get an API token by name',
      security: SESSION_SECURITY,
      request: { params: userParam.extend({ keyname: string() }) },
      responses: {
        200: { description: 'The token.', content: json(ApiKey) },
        404: { description: 'Not found.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      const key = await findUserTokenByName(c.var.db, user.id, c.req.param('keyname') ?? '')
      return jsonResponse(200, toApiKeyResponse(requireReadable(c, key)))
    },
  )

  mountRoute(
    api,
    {
      method: 'get',
      path: '/users/{user}/keys/{keyid}',
      tags: ['Users'],
      summary: 'Get an API key by id',
      security: SESSION_SECURITY,
      request: { params: keyParams },
      responses: {
        200: { description: 'The key.', content: json(ApiKey) },
        404: { description: 'Not found.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      const key = await findUserKey(c.var.db, user.id, c.req.param('keyid') ?? '')
      return jsonResponse(200, toApiKeyResponse(requireReadable(c, key)))
    },
  )

  mountRoute(
    api,
    {
      method: 'delete',
      path: '/users/{user}/keys/{keyid}',
      tags: ['Users'],
      summary: 'Delete an API key',
      description: 'Revokes a token or session at once.',
      security: SESSION_SECURITY,
      request: { params: keyParams },
      responses: {
        204: { description: 'Deleted.' },
        404: { description: 'Not found.', content: json(CoderResponse) },
      },
    },
    requireSession,
    async (c) => {
      const user = await resolveUserParam(c, c.req.param('user') ?? '')
      const keyId = c.req.param('keyid') ?? ''
      const object = { type: 'api_key', id: keyId, owner: user.id }
      if (!authorizeRequest(c, 'delete', object)) throw notFound()
      if (!(await deleteUserKey(c.var.db, user.id, keyId))) throw notFound()
      auditInBackground(c, {
        action: 'delete',
        resourceType: 'api_key',
        resourceId: keyId,
        userId: c.var.session.user.id,
        statusCode: 204,
      })
      c.var.logger.log('info', 'api_key_deleted', { key_id: keyId, user_id: user.id })
      return c.body(null, 204)
    },
  )
}

/** Returns the lifetime in whole seconds, or throws Coder's 400. */
function validateLifetime(c: Context<AppEnv>, lifetimeNanoseconds: bigint): number {
  if (lifetimeNanoseconds === 0n) return DEFAULT_TOKEN_LIFETIME_SECONDS
  const max = c.var.config.maxTokenLifetimeSeconds
  if (lifetimeNanoseconds < 0n) {
    throw new ApiError(400, VALIDATION_FAILED, {
      detail: 'lifetime must be positive number greater than 0',
    })
  }
  if (lifetimeNanoseconds > BigInt(max) * NANOSECONDS_PER_SECOND) {
    throw new ApiError(400, VALIDATION_FAILED, {
      detail: `lifetime must be less than ${formatGoDuration(max)}`,
    })
  }
  // Coder stores whole seconds and computes the expiry from them too.
  return Math.max(1, Number(lifetimeNanoseconds / NANOSECONDS_PER_SECOND))
}

/** Normalises scope names against the catalog; an empty name means `coder:all`. */
function validateScopes(names: readonly string[]): string[] {
  const scopes: string[] = []
  for (const name of names) {
    const scope = name === '' ? SCOPE_ALL : normalizeScope(name)
    if (scope === undefined) {
      throw new ApiError(400, VALIDATION_FAILED, {
        detail: `invalid API key scope ${JSON.stringify(name)}`,
        validations: [{ field: 'scopes', detail: `unknown scope ${JSON.stringify(name)}` }],
      })
    }
    if (!scopes.includes(scope)) scopes.push(scope)
  }
  return scopes
}

/** Issues a key, turning a duplicate token name into Coder's 409. */
async function createKey(
  c: Context<AppEnv>,
  userId: string,
  loginType: 'token' | 'password',
  lifetimeSeconds: number,
  scopes: string[],
  tokenName: string,
): Promise<string> {
  try {
    return await issueApiKey(c, {
      userId,
      loginType,
      lifetimeSeconds,
      scopes,
      tokenName,
      audit: { action: 'create', statusCode: 201, actorId: c.var.session.user.id },
    })
  } catch (error) {
    if (tokenName !== '' && isDuplicateTokenName(error)) {
      throw new ApiError(409, `A token with name ${goQuote(tokenName)} already exists.`, {
        validations: [
          { field: 'name', detail: 'This value is already in use and should be unique.' },
        ],
      })
    }
    throw error
  }
}

function requireReadable(c: Context<AppEnv>, key: ApiKeyRow | undefined): ApiKeyRow {
  if (!key || !authorizeRequest(c, 'read', { type: 'api_key', id: key.id, owner: key.userId })) {
    throw notFound()
  }
  return key
}

/** Renders a key as Coder's `codersdk.APIKey`, never with its secret or hash. */
function toApiKeyResponse(key: ApiKeyRow) {
  return {
    id: key.id,
    user_id: key.userId,
    last_used: formatRfc3339(key.lastUsed),
    expires_at: formatRfc3339(key.expiresAt),
    created_at: formatRfc3339(key.createdAt),
    updated_at: formatRfc3339(key.updatedAt),
    login_type: key.loginType,
    scope: key.scopes[0] ?? SCOPE_ALL,
    scopes: key.scopes,
    token_name: key.tokenName,
    lifetime_seconds: key.lifetimeSeconds,
  }
}

/** Parses a query flag like Go's `strconv.ParseBool`; anything else is false, as in Coder. */
function parseGoBool(value: string | undefined): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value ?? '')
}

function rawJson(json: string): Response {
  return new Response(finishGoJson(json), { headers: { 'Content-Type': JSON_CONTENT_TYPE } })
}

function forbidden(): ApiError {
  return new ApiError(403, 'Forbidden.')
}

function notFound(): ApiError {
  return new ApiError(404, RESOURCE_NOT_FOUND)
}

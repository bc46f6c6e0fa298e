/** `POST /authcheck`: which of a list of actions the caller may perform. */
import type { ApiRouter } from '../http/route'
import type { Context } from 'hono'
import { getSubject } from '../auth/subject'
import { requireSession } from '../auth/session'
import { findUsersByIds } from '../db/user-batches'
import { jsonBody, type BodyOf } from '../http/body'
import type { AppEnv } from '../http/context'
import { ApiError } from '../http/errors'
import { finishGoJson, JSON_CONTENT_TYPE } from '../http/response'
import { jsonContent as json, mountRoute, SESSION_SECURITY } from '../http/route'
import { authorize, parseUuid, type AuthzObject } from '../rbac'
import {
  AUTHORIZATION_REQUEST_BODY,
  AuthorizationRequest,
  AuthorizationResponse,
} from './authorization-schemas'
import { CoderResponse } from './schemas'

/** Coder's cap on checks that name a `resource_id`, since each one costs a database read. */
export const MAX_RESOURCE_ID_CHECKS = 10

/** Resource types whose `resource_id` Coder loads from the database. */
const TYPES_WITH_RESOURCE_ID = new Set(['workspace', 'template', 'user', 'group'])

type AuthorizationBody = BodyOf<typeof AUTHORIZATION_REQUEST_BODY>
type AuthorizationCheckValue =
  AuthorizationBody['checks'] extends ReadonlyMap<string, infer V> ? V : never

export function mountAuthorizationRoutes(api: ApiRouter): void {
  mountRoute(
    api,
    {
      method: 'post',
      path: '/authcheck',
      tags: ['Authorization'],
      summary: 'Check which actions the caller may perform',
      description:
        "Answers each check with the caller's roles and API-key scopes. A `resource_id` loads " +
        'the object: users are stored here, while workspaces, templates and groups are not, so ' +
        'checks naming one of those by id are `false`.',
      security: SESSION_SECURITY,
      request: { body: { content: json(AuthorizationRequest), required: true } },
      responses: {
        200: { description: 'One boolean per check key.', content: json(AuthorizationResponse) },
        400: { description: 'Invalid checks.', content: json(CoderResponse) },
        401: { description: 'Not signed in.', content: json(CoderResponse) },
      },
    },
    requireSession,
    jsonBody(AUTHORIZATION_REQUEST_BODY),
    async (c) => {
      const checks = (c.var.body as AuthorizationBody).checks
      const entries = [...checks.entries()]
      const objects = buildObjects(c, entries)
      const loaded = await loadUserObjects(c, objects)
      const subject = getSubject(c.var.session)
      const results = entries.map(([key, check], index) => {
        const object = loaded[index]
        return [key, object !== undefined && authorize(subject, check.action, object)] as const
      })
      return new Response(encodeAuthorizationResponse(results), {
        status: 200,
        headers: { 'Content-Type': JSON_CONTENT_TYPE },
      })
    },
  )
}

/** An object to authorize, or a user row still to be loaded by id. */
type PendingObject = AuthzObject | { loadUserId: string } | null

/**
 * Validates every check in Coder's order and builds its object. Throws Coder's 400s. A check
 * whose object can never be loaded here (a workspace, template or group id) becomes `null`.
 */
function buildObjects(
  c: Context<AppEnv>,
  entries: [string, AuthorizationCheckValue][],
): PendingObject[] {
  const withResourceId = entries.filter(([, check]) => check.object.resource_id !== '').length
  if (withResourceId > MAX_RESOURCE_ID_CHECKS) {
    throw new ApiError(
      400,
      `Endpoint only supports using "resource_id" field ${MAX_RESOURCE_ID_CHECKS} times, found ${withResourceId} usages. Remove ${withResourceId - MAX_RESOURCE_ID_CHECKS} objects with this field set.`,
    )
  }
  const callerId = c.var.session.user.id
  return entries.map(([key, check]) => {
    const object = check.object
    if (object.resource_type === '') {
      throw new ApiError(400, `Object's "resource_type" field must be defined for key "${key}".`)
    }
    if (object.resource_id === '') {
      return {
        type: object.resource_type,
        owner: object.owner_id === 'me' ? callerId : object.owner_id,
        orgOwner: object.organization_id,
        anyOrg: object.any_org,
      }
    }
    const uuidError = goUuidParseError(object.resource_id)
    if (uuidError !== undefined) {
      throw new ApiError(400, `Object "${object.resource_id}" id is not a valid uuid.`, {
        validations: [{ field: 'resource_id', detail: uuidError }],
      })
    }
    if (!TYPES_WITH_RESOURCE_ID.has(object.resource_type)) {
      const message = `Object type "${object.resource_type}" does not support "resource_id" field.`
      throw new ApiError(400, message, {
        validations: [{ field: 'resource_type', detail: message }],
      })
    }
    if (object.resource_type !== 'user') return null
    return { loadUserId: parseUuid(object.resource_id) ?? '' }
  })
}

/**
 * Replaces each pending user id by the user's own object, in one query. A user that does not
 * exist or that the caller may not read yields no object, so its check is `false`, as in Coder.
 */
async function loadUserObjects(
  c: Context<AppEnv>,
  objects: PendingObject[],
): Promise<(AuthzObject | undefined)[]> {
  const ids = objects.flatMap((object) =>
    object !== null && 'loadUserId' in object ? [object.loadUserId] : [],
  )
  const found = ids.length > 0 ? await findUsersByIds(c.var.db, ids) : []
  const existing = new Set(found.map((user) => user.id))
  const subject = getSubject(c.var.session)
  return objects.map((object) => {
    if (object === null) return undefined
    if (!('loadUserId' in object)) return object
    const id = object.loadUserId
    const userObject = { type: 'user', id, owner: id }
    if (!existing.has(id) || !authorize(subject, 'read', userObject)) return undefined
    return userObject
  })
}

/**
 * Returns the error text of Go's github.com/google/uuid `Parse` for an invalid UUID, or
 * `undefined` when it parses. Like Go, a 38-character input is accepted without checking that
 * its first and last characters are braces.
 */
export function goUuidParseError(input: string): string | undefined {
  let text = input
  switch (input.length) {
    case 36:
      break
    case 45:
      if (input.slice(0, 9).toLowerCase() !== 'urn:uuid:') {
        return `invalid urn prefix: ${JSON.stringify(input.slice(0, 9))}`
      }
      text = input.slice(9)
      break
    case 38:
      text = input.slice(1, 37)
      break
    case 32:
      return /^[0-9a-fA-F]{32}$/.test(input) ? undefined : 'invalid UUID format'
    default:
      return `invalid UUID length: ${new TextEncoder().encode(input).length}`
  }
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text)) {
    return 'invalid UUID format'
  }
  return undefined
}

/**
 * Serialises the results as Go serialises a `map[string]bool`: keys sorted by their UTF-8 bytes
 * and written from a list, so keys such as `__proto__` or `10` keep their place and meaning.
 */
function encodeAuthorizationResponse(results: (readonly [string, boolean])[]): string {
  const encoder = new TextEncoder()
  const sorted = results
    .map(([key, allowed]) => ({ key, allowed, bytes: encoder.encode(key) }))
    .sort((a, b) => compareBytes(a.bytes, b.bytes))
  const members = sorted.map(({ key, allowed }) => `${JSON.stringify(key)}:${allowed}`)
  return finishGoJson(`{${members.join(',')}}`)
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i += 1) {
    const difference = (a[i] as number) - (b[i] as number)
    if (difference !== 0) return difference
  }
  return a.length - b.length
}

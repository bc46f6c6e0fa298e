/**
 * The Go structs that Coder decodes user-management bodies into, with their `validate` tags, and
 * the text errors of github.com/google/uuid that a bad organization id produces.
 */
import { goQuote } from '../http/go-quote'
import type { Context } from 'hono'
import { defineBody, jsonBody, type BodyDefinition, type BodyOf } from '../http/body'
import type { AppEnv } from '../http/context'
import { goField, goSlice, goString, goStruct } from '../http/go-json'
import {
  CreateUserRequestWithOrgs,
  UpdateRoles,
  UpdateUserPasswordRequest,
} from './user-admin-schemas'

/**
 * codersdk.CreateUserRequestWithOrgs. Its UnmarshalJSON decodes into a local struct named
 * DeprecatedCreateUserRequest that adds the older single `organization_id`, so that is the
 * struct name Go's type errors show.
 */
export const CREATE_USER_BODY = defineBody(
  goStruct('codersdk.DeprecatedCreateUserRequest', [
    goField('email', 'string', 'required,email'),
    goField('username', 'string', 'required,username'),
    goField('name', 'string', 'user_real_name'),
    goField('password', 'string'),
    goField('login_type', goString('codersdk.LoginType')),
    goField('user_status', goString('codersdk.UserStatus')),
    goField('organization_ids', goSlice(goString('uuid.UUID'))),
    goField('organization_id', goString('uuid.UUID')),
  ]),
  CreateUserRequestWithOrgs,
)

export const UPDATE_ROLES_BODY = defineBody(
  goStruct('codersdk.UpdateRoles', [goField('roles', goSlice(goString()))]),
  UpdateRoles,
)

export const UPDATE_PASSWORD_BODY = defineBody(
  goStruct('codersdk.UpdateUserPasswordRequest', [
    goField('old_password', 'string'),
    goField('password', 'string', 'required'),
  ]),
  UpdateUserPasswordRequest,
)

/**
 * Decodes the body inside a handler, for routes where Coder checks the caller's permission (or
 * refuses a change to oneself) before it reads the body.
 */
export async function readBody<D extends BodyDefinition>(
  c: Context<AppEnv>,
  definition: D,
): Promise<BodyOf<D>> {
  await jsonBody(definition)(c, async () => {})
  return c.var.body as BodyOf<D>
}

export type GoUuidResult = { ok: true; uuid: string } | { ok: false; error: string }

const HEX_PAIR = /^[0-9a-f]{2}$/i
// Byte offsets where each of the 16 bytes starts in the 36-character form.
const BYTE_OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
const UTF8 = new TextEncoder()

/**
 * Parses a UUID as github.com/google/uuid's `ParseBytes` (used by `UnmarshalText`) does, with
 * its error texts: `invalid UUID length: N` (N in bytes), `invalid urn prefix: "…"` and
 * `invalid UUID format`. Like Go, the 38-byte form drops its first and last byte without
 * checking that they are braces. Returns the canonical lower-case form.
 */
export function parseGoUuid(text: string): GoUuidResult {
  const bytes = UTF8.encode(text)
  let body: string
  switch (bytes.length) {
    case 36:
      body = text
      break
    case 45: {
      const prefix = new TextDecoder().decode(bytes.slice(0, 9))
      if (prefix.toLowerCase() !== 'urn:uuid:') {
        return { ok: false, error: `invalid urn prefix: ${goQuote(prefix)}` }
      }
      body = text.slice(9)
      break
    }
    case 38:
      body = new TextDecoder().decode(bytes.slice(1, 37))
      break
    case 32:
      return parseHexPairs(text, (i) => i * 2)
    default:
      return { ok: false, error: `invalid UUID length: ${bytes.length}` }
  }
  if (body.length !== 36 || [8, 13, 18, 23].some((i) => body[i] !== '-')) {
    return { ok: false, error: 'invalid UUID format' }
  }
  return parseHexPairs(body, (i) => BYTE_OFFSETS[i] as number)
}

function parseHexPairs(text: string, offsetOf: (byteIndex: number) => number): GoUuidResult {
  let hex = ''
  for (let i = 0; i < 16; i += 1) {
    const pair = text.slice(offsetOf(i), offsetOf(i) + 2)
    if (!HEX_PAIR.test(pair)) return { ok: false, error: 'invalid UUID format' }
    hex += pair.toLowerCase()
  }
  return {
    ok: true,
    uuid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
  }
}

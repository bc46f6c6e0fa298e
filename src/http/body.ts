/**
 * Request bodies read the way Coder's Go server reads them: the first JSON value of the body,
 * whatever the Content-Type, decoded into a Go struct (keys matched ignoring case, unknown keys
 * ignored, `null` giving zero values), then checked with Coder's validation tags. Failures get
 * Coder's 400 messages; the decoded body is finally parsed by the route's zod schema, the same
 * one the OpenAPI document shows.
 */
import type { MiddlewareHandler } from 'hono'
import type { ZodType } from 'zod'
import type { AppEnv } from './context'
import { ApiError } from './errors'
import { decodeGoJson, type GoStruct, type GoValue } from './go-json'
import { validateStruct } from './go-validate'
import { decodeUtf8KeepingInvalidBytes } from './utf8'

export interface BodyDefinition<Struct extends GoStruct = GoStruct> {
  /** The Go struct Coder decodes into, with its validation tags. */
  struct: Struct
  /** The schema of the decoded body, shared with the OpenAPI document. */
  schema: ZodType
  /**
   * Whether the decoded body is parsed by `schema` too. Off for bodies with Go maps or int64
   * fields, which decode to `Map` and `bigint`: their JSON schema documents the wire form.
   */
  checkSchema: boolean
}

/** The type of a body after `jsonBody` has decoded and validated it. */
export type BodyOf<D extends BodyDefinition> = GoValue<D['struct']>

/** Pairs a Go struct with the zod schema of the same body. */
export function defineBody<Struct extends GoStruct>(
  struct: Struct,
  schema: ZodType,
  options: { checkSchema?: boolean } = {},
): BodyDefinition<Struct> {
  return { struct, schema, checkSchema: options.checkSchema ?? true }
}

/** Decodes and validates the body, storing the result in `c.var.body`. */
export function jsonBody(definition: BodyDefinition): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // Go's decoder neither skips a byte order mark nor hides which byte was invalid.
    const text = decodeUtf8KeepingInvalidBytes(new Uint8Array(await c.req.arrayBuffer()))
    const fields = decodeGoJson(text, definition.struct)
    if (!fields.ok) throw invalidJson(fields.detail)
    const validations = validateStruct(fields.fields, definition.struct)
    if (validations.length > 0) throw new ApiError(400, 'Validation failed.', { validations })
    if (definition.checkSchema) {
      const parsed = definition.schema.safeParse(fields.fields)
      if (!parsed.success) {
        // The Go decoder already produced the schema's types, so this means the two disagree.
        throw new ApiError(500, 'Internal error validating request body payload.', {
          reason: parsed.error.message,
        })
      }
    }
    c.set('body', fields.fields)
    await next()
  }
}

function invalidJson(detail: string): ApiError {
  return new ApiError(400, 'Request body must be valid JSON.', { detail })
}

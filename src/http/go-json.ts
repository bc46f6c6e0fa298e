/**
 * Decodes a request body into a Go struct descriptor the way Coder's `httpapi.Read` does with
 * `json.NewDecoder(r.Body).Decode(&req)` (encoding/json decode.go, Go 1.24):
 *
 * - keys match field names exactly first, then case-insensitively; unknown keys are ignored;
 * - a repeated key is decoded again into the same field, so the last one wins, and for a nested
 *   struct or a map the members of both merge;
 * - JSON `null` leaves a string, bool, int64 or struct as it was and sets a slice or map to nil;
 * - a value of the wrong JSON type is skipped and decoding goes on. The first such error is
 *   returned, and then no fields are returned.
 *
 * Type errors use Go's `UnmarshalTypeError` text. Its struct name is the innermost struct that
 * contains the failing field while its path starts at the request root, so a nested error reads
 * `Go struct field CreateFirstUserTrialInfo.trial_info.first_name`. Map keys and array indexes
 * are not part of the path.
 */
import { decodeFirstJsonValue, type JsonValue } from './go-json-scanner'
import {
  foldGoFieldName,
  goTypeShortName,
  goZeroValue,
  type GoStruct,
  type GoType,
  type GoValue,
} from './go-struct'

export {
  decodeFirstJsonValue,
  MAX_NESTING_DEPTH,
  type JsonDecodeResult,
  type JsonNumber,
  type JsonObject,
  type JsonValue,
} from './go-json-scanner'
export * from './go-struct'

export type GoDecodeResult<T> = { ok: true; fields: T } | { ok: false; detail: string }

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Decodes the first JSON value of a request body into `struct`. A syntax error gives the
 * decoder's message (e.g. `unexpected EOF`) and a type error Go's `json: cannot unmarshal …`.
 *
 * @example
 * const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await request.arrayBuffer())
 * const decoded = decodeGoJson(body, LOGIN_WITH_PASSWORD_REQUEST)
 * if (!decoded.ok) {
 *   throw new ApiError(400, 'Request body must be valid JSON.', { detail: decoded.detail })
 * }
 */
export function decodeGoJson<S extends GoStruct>(
  text: string,
  struct: S,
): GoDecodeResult<GoValue<S>> {
  const parsed = decodeFirstJsonValue(text)
  if (!parsed.ok) return parsed
  return decodeStruct(parsed.value, struct)
}

/**
 * Unmarshals an already parsed JSON value into `struct`, as `json.Unmarshal` does into a Go
 * struct value. A top-level `null` gives the zero struct.
 */
export function decodeStruct<S extends GoStruct>(
  value: JsonValue,
  struct: S,
): GoDecodeResult<GoValue<S>> {
  const decoder = new StructDecoder()
  const fields = decoder.decode(value, struct, goZeroValue(struct))
  if (decoder.firstError !== undefined) return { ok: false, detail: decoder.firstError }
  return { ok: true, fields: fields as GoValue<S> }
}

/** Returns the JSON kind name that Go's `UnmarshalTypeError.Value` uses for `value`. */
function jsonKind(value: Exclude<JsonValue, null>): string {
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  if (isJsonArray(value)) return 'array'
  return value.kind
}

function isJsonArray(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value)
}

class StructDecoder {
  firstError: string | undefined
  /** Go's errorContext.Struct: the innermost struct whose field is being decoded. */
  private struct: GoStruct | undefined
  /** Go's errorContext.FieldStack: JSON field names from the root. */
  private readonly fieldStack: string[] = []

  /** Decodes `value` into `current` (a value of `type`) and returns the result. */
  decode(value: JsonValue, type: GoType, current: unknown): unknown {
    if (value === null) {
      // Go sets maps and slices to nil and leaves every other kind untouched.
      return type.kind === 'slice' || type.kind === 'map' ? goZeroValue(type) : current
    }
    switch (type.kind) {
      case 'string':
        return typeof value === 'string' ? value : this.mismatch(jsonKind(value), type, current)
      case 'bool':
        return typeof value === 'boolean' ? value : this.mismatch(jsonKind(value), type, current)
      case 'int64':
        return this.decodeInt64(value, type, current)
      case 'slice':
        if (!isJsonArray(value)) return this.mismatch(jsonKind(value), type, current)
        // Elements are scalars, which Go overwrites, so the old slice contents do not matter.
        return value.map((item) => this.decode(item, type.elem, goZeroValue(type.elem)))
      case 'map':
        if (typeof value !== 'object' || isJsonArray(value) || value.kind !== 'object') {
          return this.mismatch(jsonKind(value), type, current)
        }
        return this.decodeMap(value.entries, type.elem, current as Map<string, unknown>)
      case 'struct':
        if (typeof value !== 'object' || isJsonArray(value) || value.kind !== 'object') {
          return this.mismatch(jsonKind(value), type, current)
        }
        return this.decodeFields(value.entries, type, current as Record<string, unknown>)
    }
  }

  private decodeInt64(value: Exclude<JsonValue, null>, type: GoType, current: unknown): unknown {
    if (typeof value !== 'object' || isJsonArray(value) || value.kind !== 'number') {
      return this.mismatch(jsonKind(value), type, current)
    }
    // strconv.ParseInt(literal, 10, 64): no fraction, no exponent, within int64.
    const literal = value.literal
    if (/^-?\d+$/.test(literal)) {
      const parsed = BigInt(literal)
      if (parsed >= INT64_MIN && parsed <= INT64_MAX) return parsed
    }
    return this.mismatch(`number ${literal}`, type, current)
  }

  /** Go reuses a non-nil map, so a repeated key adds to the entries of the first. */
  private decodeMap(
    entries: JsonObjectEntries,
    elemType: GoType,
    current: Map<string, unknown>,
  ): Map<string, unknown> {
    const map = new Map(current)
    for (const [key, item] of entries) {
      map.set(key, this.decode(item, elemType, goZeroValue(elemType)))
    }
    return map
  }

  private decodeFields(
    entries: JsonObjectEntries,
    struct: GoStruct,
    current: Record<string, unknown>,
  ): Record<string, unknown> {
    const result = { ...current }
    const outerStruct = this.struct
    const outerDepth = this.fieldStack.length
    for (const [key, item] of entries) {
      const field = struct.byExactName.get(key) ?? struct.byFoldedName.get(foldGoFieldName(key))
      if (field === undefined) continue
      this.struct = struct
      this.fieldStack.push(field.name)
      result[field.name] = this.decode(item, field.type, result[field.name])
      this.struct = outerStruct
      this.fieldStack.length = outerDepth
    }
    return result
  }

  /** Records Go's UnmarshalTypeError (only the first one is kept) and keeps the old value. */
  private mismatch(jsonValue: string, type: GoType, current: unknown): unknown {
    if (this.firstError === undefined) {
      const target =
        this.struct === undefined && this.fieldStack.length === 0
          ? 'Go value'
          : `Go struct field ${this.struct === undefined ? '' : goTypeShortName(this.struct)}.${this.fieldStack.join('.')}`
      this.firstError = `json: cannot unmarshal ${jsonValue} into ${target} of type ${type.name}`
    }
    return current
  }
}

type JsonObjectEntries = ReadonlyArray<readonly [string, JsonValue]>

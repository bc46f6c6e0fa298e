/**
 * Struct-tag validation as Coder runs it after decoding a request body: go-playground/validator
 * v10 `Validate.Struct`, with Coder's custom `username` and `user_real_name` tags
 * (coderd/httpapi/httpapi.go, codersdk/name.go).
 *
 * Fields are checked in declaration order, and nested struct fields in place (validator descends
 * into struct fields but not into map or slice elements without `dive`). A field's tags run in
 * order and the first failing one is reported, as `httpapi.Read` formats it:
 * `Validation failed for tag "email" with value: "not-an-email"`, with `field` the JSON name.
 */
import { isGoPlaygroundEmail } from './go-email'
import {
  goTypeShortName,
  isGoNil,
  type GoField,
  type GoStruct,
  type GoValidationTag,
  type GoValue,
} from './go-struct'
import type { ValidationError } from './response'

/** codersdk.NameValid limits usernames to 32 bytes. */
export const USERNAME_MAX_BYTES = 32
/** codersdk.UserRealNameValid limits real names to 128 bytes. */
export const USER_REAL_NAME_MAX_BYTES = 128

const USERNAME_PATTERN = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/
// codersdk.NameValid rejects these to keep routes such as /templates/new and /groups/create free.
const RESERVED_NAMES = new Set(['new', 'create'])

const UTF8 = new TextEncoder()

/**
 * Validates decoded fields against the struct's `validate` tags and returns one entry per
 * failing field, in struct order. An empty array means that the body is valid.
 *
 * @example
 * validateStruct({ email: 'bob', password: '' }, LOGIN_WITH_PASSWORD_REQUEST)
 * // [{ field: 'email', detail: 'Validation failed for tag "email" with value: "bob"' },
 * //  { field: 'password', detail: 'Validation failed for tag "required" with value: ""' }]
 */
export function validateStruct<S extends GoStruct>(
  fields: GoValue<S>,
  struct: S,
): ValidationError[] {
  const errors: ValidationError[] = []
  collectStructErrors(fields as Record<string, unknown>, struct, errors)
  return errors
}

function collectStructErrors(
  fields: Record<string, unknown>,
  struct: GoStruct,
  errors: ValidationError[],
): void {
  for (const field of struct.fields) {
    const value = fields[field.name]
    if (field.type.kind === 'struct') {
      collectStructErrors(value as Record<string, unknown>, field.type, errors)
      continue
    }
    const failedTag = firstFailingTag(field, value)
    if (failedTag !== undefined) {
      errors.push({
        field: field.name,
        detail: `Validation failed for tag "${failedTag}" with value: "${formatGoValue(value)}"`,
      })
    }
  }
}

function firstFailingTag(field: GoField, value: unknown): GoValidationTag | undefined {
  for (const tag of field.tags) {
    if (tag === 'omitempty') {
      if (!hasValue(value)) return undefined
      continue
    }
    if (!passesTag(tag, field, value)) return tag
  }
  return undefined
}

function passesTag(
  tag: Exclude<GoValidationTag, 'omitempty'>,
  field: GoField,
  value: unknown,
): boolean {
  switch (tag) {
    case 'required':
      return hasValue(value)
    case 'email':
      return isGoPlaygroundEmail(value as string)
    case 'username':
      // Coder's tag functions assert `.(string)`, which fails for a named string type.
      return isPlainString(field) && isValidUsername(value as string)
    case 'user_real_name':
      return isPlainString(field) && isValidUserRealName(value as string)
  }
}

function isPlainString(field: GoField): boolean {
  return field.type.kind === 'string' && goTypeShortName(field.type) === field.type.name
}

/** validator's `hasValue`: nil slices and maps and zero scalars fail `required`. */
function hasValue(value: unknown): boolean {
  if (typeof value === 'string') return value !== ''
  if (typeof value === 'boolean') return value
  if (typeof value === 'bigint') return value !== 0n
  return !isGoNil(value)
}

/**
 * Checks codersdk.NameValid: 1–32 bytes of ASCII letters and digits in groups joined by single
 * hyphens, and not `new` or `create`.
 */
export function isValidUsername(name: string): boolean {
  const bytes = utf8ByteLength(name)
  if (bytes < 1 || bytes > USERNAME_MAX_BYTES) return false
  if (RESERVED_NAMES.has(name)) return false
  return USERNAME_PATTERN.test(name)
}

/**
 * Checks codersdk.UserRealNameValid: at most 128 bytes, and no leading or trailing white space
 * that Go's `strings.TrimSpace` would remove. The empty name is valid.
 */
export function isValidUserRealName(name: string): boolean {
  if (utf8ByteLength(name) > USER_REAL_NAME_MAX_BYTES) return false
  if (name === '') return true
  return !isGoSpace(name.codePointAt(0) as number) && !isGoSpace(lastCodePoint(name))
}

/** Implements Go's `unicode.IsSpace`: \t \n \v \f \r, space, U+0085, U+00A0 and category Z. */
export function isGoSpace(cp: number): boolean {
  if (cp <= 0xff) {
    return (cp >= 0x09 && cp <= 0x0d) || cp === 0x20 || cp === 0x85 || cp === 0xa0
  }
  return (
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  )
}

function lastCodePoint(text: string): number {
  const last = text.charCodeAt(text.length - 1)
  const isLowSurrogate = last >= 0xdc00 && last <= 0xdfff
  return text.length > 1 && isLowSurrogate ? (text.codePointAt(text.length - 2) as number) : last
}

/** Returns the length of `text` in UTF-8 bytes, which is what Go's `len` counts. */
export function utf8ByteLength(text: string): number {
  // Pure ASCII is the common case and needs no encoding.
  if (/^[\x00-\x7f]*$/.test(text)) return text.length
  return UTF8.encode(text).length
}

/** Formats a field value as Go's `%v` does for the kinds a validation error can carry. */
function formatGoValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`
  if (value instanceof Map) {
    // fmt sorts map keys. In practice only a nil map gets here, from a failed `required`.
    const keys = [...value.keys()].sort()
    return `map[${keys.map((key) => `${key}:${formatGoValue(value.get(key))}`).join(' ')}]`
  }
  return String(value)
}

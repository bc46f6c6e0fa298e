/**
 * Descriptors of the Go request structs that Coder decodes with encoding/json and validates with
 * go-playground/validator. A descriptor carries what both libraries read from the Go type: the
 * JSON field names, each field's Go type (its name appears in error texts), and the `validate`
 * tags. The decoded TypeScript value type is inferred from the descriptor.
 *
 * @example
 * export const LOGIN_WITH_PASSWORD_REQUEST = goStruct('codersdk.LoginWithPasswordRequest', [
 *   goField('email', 'string', 'required,email'),
 *   goField('password', 'string', 'required'),
 * ])
 * type LoginWithPasswordRequest = GoValue<typeof LOGIN_WITH_PASSWORD_REQUEST>
 * // { email: string; password: string }
 */

export type GoScalarKind = 'string' | 'bool' | 'int64'

/** A string, bool or int64 Go type, where `name` is its Go name, e.g. `codersdk.LoginType`. */
export interface GoScalarType<K extends GoScalarKind = GoScalarKind> {
  readonly kind: K
  readonly name: string
}

/** A slice of scalars, e.g. `[]string`. */
export interface GoSliceType<E extends GoScalarType = GoScalarType> {
  readonly kind: 'slice'
  readonly name: string
  readonly elem: E
}

/** A `map[string]T`. */
export interface GoMapType<E extends GoType = GoType> {
  readonly kind: 'map'
  readonly name: string
  readonly elem: E
}

export interface GoField<N extends string = string, T extends GoType = GoType> {
  /** The JSON name from the `json` struct tag; validation errors report it as `field`. */
  readonly name: N
  readonly type: T
  /** The `validate` tags in order, e.g. `['required', 'email']`. */
  readonly tags: readonly GoValidationTag[]
}

export interface GoStruct<F extends readonly GoField[] = readonly GoField[]> {
  readonly kind: 'struct'
  /** The package-qualified Go name, e.g. `codersdk.LoginWithPasswordRequest`. */
  readonly name: string
  readonly fields: F
  /** Fields by exact JSON name. */
  readonly byExactName: ReadonlyMap<string, GoField>
  /** Fields by JSON name folded with {@link foldGoFieldName}. */
  readonly byFoldedName: ReadonlyMap<string, GoField>
}

export type GoType = GoScalarType | GoSliceType | GoMapType | GoStruct

/** The TypeScript value that a Go type decodes to. int64 decodes to bigint to keep all 64 bits. */
export type GoValue<T> =
  T extends GoScalarType<'string'>
    ? string
    : T extends GoScalarType<'bool'>
      ? boolean
      : T extends GoScalarType<'int64'>
        ? bigint
        : T extends GoSliceType<infer E>
          ? Array<GoValue<E>>
          : T extends GoMapType<infer E>
            ? Map<string, GoValue<E>>
            : T extends GoStruct<infer F>
              ? { [P in F[number] as P['name']]: GoValue<P['type']> }
              : never

/** The go-playground/validator tags this port implements. goField rejects any other tag. */
export const GO_VALIDATION_TAGS = [
  'omitempty',
  'required',
  'email',
  'username',
  'user_real_name',
] as const
export type GoValidationTag = (typeof GO_VALIDATION_TAGS)[number]

const SCALARS: { readonly [K in GoScalarKind]: GoScalarType<K> } = {
  string: { kind: 'string', name: 'string' },
  bool: { kind: 'bool', name: 'bool' },
  int64: { kind: 'int64', name: 'int64' },
}

/** Creates a string type. Pass the Go name for a named type such as `codersdk.LoginType`. */
export function goString(name = 'string'): GoScalarType<'string'> {
  return { kind: 'string', name }
}

export function goBool(name = 'bool'): GoScalarType<'bool'> {
  return { kind: 'bool', name }
}

export function goInt64(name = 'int64'): GoScalarType<'int64'> {
  return { kind: 'int64', name }
}

/**
 * Creates a slice type. Elements must be scalars, because Go decodes a repeated key into the
 * slice's old backing array, which leaves a visible trace only when the elements are structs.
 */
export function goSlice<E extends GoScalarType>(elem: E): GoSliceType<E> {
  return { kind: 'slice', name: `[]${elem.name}`, elem }
}

export function goMap<E extends GoType>(elem: E): GoMapType<E> {
  return { kind: 'map', name: `map[string]${elem.name}`, elem }
}

type ResolveType<T extends GoType | GoScalarKind> = T extends GoScalarKind ? GoScalarType<T> : T

/**
 * Declares a struct field. `validate` is the Go `validate` tag text, e.g. `'required,email'`.
 * Throws for a tag this port does not implement or one that does not fit the field's type.
 */
export function goField<N extends string, T extends GoType | GoScalarKind>(
  name: N,
  type: T,
  validate = '',
): GoField<N, ResolveType<T>> {
  const resolved = (
    typeof type === 'string' ? SCALARS[type as GoScalarKind] : type
  ) as ResolveType<T>
  if (!/^[\x21-\x7e]+$/.test(name)) {
    // foldGoFieldName matches keys exactly as Go does only against printable ASCII names.
    throw new Error(`goField: JSON name ${JSON.stringify(name)} must be printable ASCII`)
  }
  const tags = validate === '' ? [] : validate.split(',')
  for (const tag of tags) checkTag(name, resolved, tag)
  return { name, type: resolved, tags: tags as GoValidationTag[] }
}

/** Declares a struct type. `name` is the package-qualified Go name used in error texts. */
export function goStruct<const F extends readonly GoField[]>(name: string, fields: F): GoStruct<F> {
  const byExactName = new Map<string, GoField>()
  const byFoldedName = new Map<string, GoField>()
  for (const field of fields) {
    if (byExactName.has(field.name)) {
      throw new Error(`goStruct ${name}: duplicate JSON name ${JSON.stringify(field.name)}`)
    }
    byExactName.set(field.name, field)
    // Go keeps the first field when two names fold to the same key.
    const folded = foldGoFieldName(field.name)
    if (!byFoldedName.has(folded)) byFoldedName.set(folded, field)
  }
  return { kind: 'struct', name, fields, byExactName, byFoldedName }
}

/**
 * Folds a JSON key as Go's encoding/json `foldName` does, for comparison with ASCII field names.
 * ASCII letters are upper-cased. U+212A KELVIN SIGN and U+017F LATIN SMALL LETTER LONG S become
 * `K` and `S`, because they are the only non-ASCII runes whose simple case folding in Go's
 * unicode tables reaches an ASCII letter (U+0130 and U+0131 fold to themselves there). Other
 * non-ASCII runes are kept as they are: they fold to non-ASCII runes and never match anyway.
 */
export function foldGoFieldName(key: string): string {
  let out = ''
  for (const ch of key) {
    if (ch === '\u212a') out += 'K'
    else if (ch === '\u017f') out += 'S'
    else if (ch >= 'a' && ch <= 'z') out += ch.toUpperCase()
    else out += ch
  }
  return out
}

/** Returns the Go `Name()` of a type, its name without the package: `LoginWithPasswordRequest`. */
export function goTypeShortName(type: GoType): string {
  return type.name.slice(type.name.lastIndexOf('.') + 1)
}

// Slices and maps that are Go's nil rather than empty. JSON `[]` gives a non-nil empty slice,
// while `null` or a missing key leaves nil, and validator's `required` fails only for nil.
const GO_NIL_VALUES = new WeakSet<object>()

/** Reports whether a decoded slice or map is Go's nil (JSON `null` or absent). */
export function isGoNil(value: unknown): boolean {
  return typeof value === 'object' && value !== null && GO_NIL_VALUES.has(value)
}

/** Returns a fresh Go zero value: `''`, `false`, `0n`, nil slice or map, or a zeroed struct. */
export function goZeroValue<T extends GoType>(type: T): GoValue<T>
export function goZeroValue(type: GoType): unknown {
  switch (type.kind) {
    case 'string':
      return ''
    case 'bool':
      return false
    case 'int64':
      return 0n
    case 'slice':
      return goNil([])
    case 'map':
      return goNil(new Map())
    case 'struct': {
      const value: Record<string, unknown> = {}
      for (const field of type.fields) value[field.name] = goZeroValue(field.type)
      return value
    }
  }
}

function goNil<T extends object>(value: T): T {
  GO_NIL_VALUES.add(value)
  return value
}

function checkTag(field: string, type: GoType, tag: string): void {
  if (!(GO_VALIDATION_TAGS as readonly string[]).includes(tag)) {
    throw new Error(`goField ${field}: validate tag ${JSON.stringify(tag)} is not implemented`)
  }
  const isStringTag = tag === 'email' || tag === 'username' || tag === 'user_real_name'
  if (isStringTag && type.kind !== 'string') {
    throw new Error(`goField ${field}: tag ${tag} needs a string field, not ${type.name}`)
  }
  if (type.kind === 'struct') {
    // validator v10 ignores such tags on struct fields unless WithRequiredStructEnabled is set.
    throw new Error(`goField ${field}: tag ${tag} on a struct field has no effect in validator v10`)
  }
}

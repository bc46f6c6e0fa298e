/**
 * The `q` search query and the pagination parameters of `GET /users`, parsed as Coder's
 * `searchquery.Users`, `httpapi.QueryParamParser` and `parsePagination` do (Coder v2, 2025-09),
 * with their validation texts.
 */
import { goQuote } from '../http/go-quote'
import type { UserListFilter } from '../db/user-list'
import type { ValidationError } from '../http/response'
import { parseGoUuid } from './user-admin-bodies'

export type UserSearch = Omit<UserListFilter, 'afterId' | 'readableIds' | 'limit' | 'offset'>
export type Pagination = Pick<UserListFilter, 'afterId' | 'limit' | 'offset'>
export type Parsed<T> = { ok: true; value: T } | { ok: false; validations: ValidationError[] }

const USER_STATUSES = ['active', 'suspended', 'dormant']
// Coder's database.LoginType values.
const LOGIN_TYPES = ['password', 'github', 'oidc', 'token', 'none', 'oauth2_provider_app']
const RFC3339_NANO_LAYOUT = '2006-01-02T15:04:05.999999999Z07:00'
const RFC3339_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/
const INT32_MAX = 2 ** 31 - 1

/**
 * Parses `q`: space-separated terms, where `key:value` sets a filter and a bare term searches
 * email and username. Double quotes keep spaces inside one term. The whole query is lower-cased
 * first, as Coder does.
 */
export function parseUserSearch(query: string): Parsed<UserSearch> {
  const values = new Map<string, string[]>()
  for (const element of splitFields(query.toLowerCase(), ' ', true)) {
    if (element.startsWith(':') || element.endsWith(':')) {
      return invalid('q', `Query element ${goQuote(element)} cannot start or end with ':'`)
    }
    const parts = splitFields(element, ':', false)
    if (parts.length > 2) {
      return invalid('q', `Query element ${goQuote(element)} can only contain 1 ':'`)
    }
    const [key, value] = parts.length === 2 ? parts : ['search', element]
    const list = values.get((key as string).toLowerCase()) ?? []
    list.push(value as string)
    values.set((key as string).toLowerCase(), list)
  }

  const parser = new QueryParser(values)
  const search: UserSearch = {
    search: parser.text('search'),
    name: parser.text('name'),
    statuses: parser.enumList('status', USER_STATUSES),
    roles: parser.list('role'),
    lastSeenAfter: parser.time('last_seen_after'),
    lastSeenBefore: parser.time('last_seen_before'),
    createdAfter: parser.time('created_after'),
    createdBefore: parser.time('created_before'),
    loginTypes: parser.enumList('login_type', LOGIN_TYPES),
  }
  parser.rejectUnparsed()
  return parser.errors.length > 0
    ? { ok: false, validations: parser.errors }
    : { ok: true, value: search }
}

/** Parses `after_id`, `limit` and `offset`. A limit of 0 means no limit. */
export function parsePagination(query: URLSearchParams): Parsed<Pagination> {
  const errors: ValidationError[] = []
  const afterIdText = query.get('after_id') ?? ''
  let afterId: string | null = null
  if (afterIdText !== '') {
    const parsed = parseGoUuid(afterIdText)
    if (parsed.ok) afterId = parsed.uuid
    else errors.push({ field: 'after_id', detail: 'Query param "after_id" must be a valid uuid' })
  }
  const limit = parsePositiveInt32(query, 'limit', errors)
  const offset = parsePositiveInt32(query, 'offset', errors)
  return errors.length > 0
    ? { ok: false, validations: errors }
    : { ok: true, value: { afterId, limit, offset } }
}

// Coder's PositiveInt32: strconv.ParseInt(v, 10, 32), then a check against negative values.
function parsePositiveInt32(query: URLSearchParams, name: string, errors: ValidationError[]) {
  const text = query.get(name) ?? ''
  if (text === '') return 0
  let problem: string | undefined
  if (!/^[+-]?\d+$/.test(text))
    problem = `strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`
  else if (Math.abs(Number(text)) > INT32_MAX + (text.startsWith('-') ? 1 : 0)) {
    problem = `strconv.ParseInt: parsing ${goQuote(text)}: value out of range`
  } else if (Number(text) < 0) problem = 'value is negative'
  if (problem === undefined) return Number(text)
  errors.push({
    field: name,
    detail: `Query param ${goQuote(name)} must be a valid 32-bit positive integer: ${problem}`,
  })
  return 0
}

/** Go's `strings.FieldsFunc` on `delimiter`, where a delimiter inside double quotes does not split. */
function splitFields(text: string, delimiter: string, keepQuotes: boolean): string[] {
  const fields: string[] = []
  let quoted = false
  let field = ''
  for (const ch of text) {
    if (ch === '"') quoted = !quoted
    if (!quoted && ch === delimiter) {
      if (field !== '') fields.push(field)
      field = ''
      continue
    }
    field += ch
  }
  if (field !== '') fields.push(field)
  return keepQuotes ? fields : fields.map((part) => part.replace(/^"+|"+$/g, ''))
}

function invalid(field: string, detail: string): Parsed<never> {
  return { ok: false, validations: [{ field, detail }] }
}

/** The parts of Coder's QueryParamParser that user search uses: first value wins, errors pile up. */
class QueryParser {
  readonly errors: ValidationError[] = []
  private readonly parsed = new Set<string>()

  constructor(private readonly values: ReadonlyMap<string, string[]>) {}

  text(name: string): string {
    this.parsed.add(name)
    return this.values.get(name)?.[0] ?? ''
  }

  list(name: string): string[] {
    const text = this.text(name)
    return text === '' ? [] : text.split(',')
  }

  enumList(name: string, allowed: readonly string[]): string[] {
    const terms = this.list(name)
    const bad = terms.filter((term) => !allowed.includes(term))
    if (bad.length === 0) return terms
    this.errors.push({
      field: name,
      detail: `Query param ${goQuote(name)} has invalid values: ${bad.join(',')}`,
    })
    return []
  }

  // Coder upper-cases the term again before parsing, since the query was lower-cased.
  time(name: string): number | null {
    const text = this.text(name)
    if (text === '') return null
    const parsed = parseRfc3339(text.toUpperCase())
    if (parsed !== null) return parsed
    // NOTE: Go's time.Parse error names the part of the layout that failed, and this one does not.
    this.errors.push({
      field: name,
      detail: `Query param ${goQuote(name)} must be a valid date format (${RFC3339_NANO_LAYOUT}): parsing time ${goQuote(text.toUpperCase())}: not an RFC 3339 time`,
    })
    return null
  }

  rejectUnparsed(): void {
    for (const name of this.values.keys()) {
      if (this.parsed.has(name)) continue
      this.errors.push({
        field: name,
        detail: `Query param ${goQuote(name)} is not a valid query param`,
      })
    }
  }
}

/** Parses an RFC 3339 time as UTC milliseconds (fractions past milliseconds are cut), or null. */
function parseRfc3339(text: string): number | null {
  const match = RFC3339_PATTERN.exec(text)
  if (match === null) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  if (hour > 23 || minute > 59 || second > 59) return null
  const time = new Date(0)
  time.setUTCFullYear(year, month - 1, day)
  // A day or month out of range rolls over into the next one, which Go rejects.
  if (time.getUTCMonth() !== month - 1 || time.getUTCDate() !== day) return null
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3))
  time.setUTCHours(hour, minute, second, milliseconds)
  if (match[8] === 'Z') return time.getTime()
  const offsetHours = Number(match[10])
  const offsetMinutes = Number(match[11])
  if (offsetHours > 23 || offsetMinutes > 59) return null
  const sign = match[9] === '-' ? -1 : 1
  return time.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000
}

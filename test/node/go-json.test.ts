import { describe, expect, it } from 'vitest'

import {
  decodeFirstJsonValue,
  decodeGoJson,
  foldGoFieldName,
  goBool,
  goField,
  goInt64,
  goMap,
  goSlice,
  goString,
  goStruct,
  isGoNil,
  MAX_NESTING_DEPTH,
  type GoStruct,
  type GoValue,
  type JsonValue,
} from '../../src/http/go-json'
import { quoteChar } from '../../src/http/go-json-syntax-error'

const LOGIN = goStruct('codersdk.LoginWithPasswordRequest', [
  goField('email', 'string', 'required,email'),
  goField('password', 'string', 'required'),
])

const TRIAL_INFO = goStruct('codersdk.CreateFirstUserTrialInfo', [
  goField('first_name', 'string'),
  goField('last_name', 'string'),
])

const FIRST_USER = goStruct('codersdk.CreateFirstUserRequest', [
  goField('email', 'string', 'required,email'),
  goField('username', 'string', 'required,username'),
  goField('name', 'string', 'user_real_name'),
  goField('password', 'string', 'required'),
  goField('trial', 'bool'),
  goField('trial_info', TRIAL_INFO),
])

const AUTHORIZATION_OBJECT = goStruct('codersdk.AuthorizationObject', [
  goField('resource_type', goString('codersdk.RBACResource')),
  goField('owner_id', 'string'),
  goField('any_org', goBool()),
])

const AUTHORIZATION_CHECK = goStruct('codersdk.AuthorizationCheck', [
  goField('object', AUTHORIZATION_OBJECT),
  goField('action', goString('codersdk.RBACAction')),
])

const AUTHORIZATION_REQUEST = goStruct('codersdk.AuthorizationRequest', [
  goField('checks', goMap(AUTHORIZATION_CHECK)),
])

const EXAMPLE = goStruct('codersdk.Example', [
  goField('tags', goSlice(goString())),
  goField('count', 'int64'),
  goField('lifetime', goInt64('time.Duration')),
  goField('kind', 'string'),
])

function detailOf(text: string): string | undefined {
  const result = decodeFirstJsonValue(text)
  return result.ok ? undefined : result.detail
}

function fieldsOf<S extends GoStruct>(text: string, struct: S): GoValue<S> {
  const result = decodeGoJson(text, struct)
  if (!result.ok) throw new Error(`unexpected decode error: ${result.detail}`)
  return result.fields
}

function valueOf(text: string): JsonValue {
  const result = decodeFirstJsonValue(text)
  if (!result.ok) throw new Error(`unexpected decode error: ${result.detail}`)
  return result.value
}

describe('decodeFirstJsonValue', () => {
  it.each([
    ['', 'EOF'],
    [' \n\t\r ', 'EOF'],
    ['{', 'unexpected EOF'],
    ['{"email":', 'unexpected EOF'],
    ['{"email":"a', 'unexpected EOF'],
    ['{"email" ', 'unexpected EOF'],
    ['{"email":1', 'unexpected EOF'],
    ['[1,2', 'unexpected EOF'],
    ['[1,', 'unexpected EOF'],
    ['tru', 'unexpected EOF'],
    ['nul', 'unexpected EOF'],
    ['-', 'unexpected EOF'],
    ['1.', 'unexpected EOF'],
    ['1e', 'unexpected EOF'],
    ['1e+', 'unexpected EOF'],
    ['"abc\\', 'unexpected EOF'],
    ['"\\u12', 'unexpected EOF'],
  ])('returns %j for truncated input', (text, detail) => {
    expect(detailOf(text)).toBe(detail)
  })

  it.each([
    ['x', "invalid character 'x' looking for beginning of value"],
    ['garbage', "invalid character 'g' looking for beginning of value"],
    ['{x', "invalid character 'x' looking for beginning of object key string"],
    ['{"a" 1', "invalid character '1' after object key"],
    ['{"a":1 "b"', `invalid character '"' after object key:value pair`],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['{,}', "invalid character ',' looking for beginning of object key string"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[01]', "invalid character '1' after array element"],
    ['[1}', "invalid character '}' after array element"],
    ['{"a":1]', "invalid character ']' after object key:value pair"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"\u0000"', "invalid character '\\x00' in string literal"],
    ['"\u001f"', "invalid character '\\x1f' in string literal"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    [`"\\'"`, "invalid character '\\'' in string escape code"],
    ['"\\u12G4"', "invalid character 'G' in \\u hexadecimal character escape"],
    ['"\\ud83d\\uZ"', "invalid character 'Z' in \\u hexadecimal character escape"],
    ['trx', "invalid character 'x' in literal true (expecting 'u')"],
    ['tx', "invalid character 'x' in literal true (expecting 'r')"],
    ['fals0', "invalid character '0' in literal false (expecting 'e')"],
    ['nulx', "invalid character 'x' in literal null (expecting 'l')"],
    ['nx', "invalid character 'x' in literal null (expecting 'u')"],
    ['-a', "invalid character 'a' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['1e+x', "invalid character 'x' in exponent of numeric literal"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['\\', "invalid character '\\\\' looking for beginning of value"],
    ['\f{}', "invalid character '\\f' looking for beginning of value"],
    ['\v{}', "invalid character '\\v' looking for beginning of value"],
    ['\u007f', "invalid character '\\x7f' looking for beginning of value"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['\u00a0{}', "invalid character 'Â' looking for beginning of value"],
    ['😀', "invalid character 'ð' looking for beginning of value"],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value"],
    ['{"a":1é}', "invalid character 'Ã' after object key:value pair"],
  ])('returns Go syntax error for %j', (text, detail) => {
    expect(detailOf(text)).toBe(detail)
  })

  it.each([
    ['null', null],
    ['  true', true],
    ['false', false],
    ['"x"', 'x'],
    ['[]', []],
    ['[] ]', []],
    ['{}garbage', { kind: 'object', entries: [] }],
  ])('decodes %j', (text, value) => {
    expect(valueOf(text)).toEqual(value)
  })

  it.each([
    ['123abc', '123'],
    ['1 2', '1'],
    ['01', '0'],
    ['-0.5e+10', '-0.5e+10'],
    ['1E3', '1E3'],
    ['7', '7'],
  ])('keeps the literal of top-level number %j', (text, literal) => {
    expect(valueOf(text)).toEqual({ kind: 'number', literal })
  })

  it('ignores data after the first object', () => {
    expect(valueOf('{"a":1}garbage')).toEqual({
      kind: 'object',
      entries: [['a', { kind: 'number', literal: '1' }]],
    })
  })

  it('keeps duplicate keys in input order', () => {
    expect(valueOf('{"b":1,"a":2,"b":3,"1":4}')).toEqual({
      kind: 'object',
      entries: [
        ['b', { kind: 'number', literal: '1' }],
        ['a', { kind: 'number', literal: '2' }],
        ['b', { kind: 'number', literal: '3' }],
        ['1', { kind: 'number', literal: '4' }],
      ],
    })
  })

  it.each([
    ['"\\u00e9\\n\\/\\b\\f\\r\\t\\"\\\\"', 'é\n/\b\f\r\t"\\'],
    ['"\\ud83d\\ude00"', '😀'],
    ['"\\uD83D\\uDE00"', '😀'],
    ['"\\ud83d"', '\ufffd'],
    ['"\\ude00"', '\ufffd'],
    ['"\\ud83d\\u0041"', '\ufffdA'],
    ['"\\ude00\\ud83d"', '\ufffd\ufffd'],
    ['"\\ud83d\\ud83d\\ude00"', '\ufffd😀'],
    ['"\\ud83dx"', '\ufffdx'],
    ['"\ud800"', '\ufffd'],
    ['"日本語 😀"', '日本語 😀'],
  ])('decodes string escapes in %j', (text, value) => {
    expect(valueOf(text)).toBe(value)
  })

  it('accepts nesting up to the max depth', () => {
    const text = '['.repeat(MAX_NESTING_DEPTH) + ']'.repeat(MAX_NESTING_DEPTH)
    expect(decodeFirstJsonValue(text).ok).toBe(true)
  })

  it('rejects an array one level past the max depth', () => {
    const text = '['.repeat(MAX_NESTING_DEPTH + 1) + ']'.repeat(MAX_NESTING_DEPTH + 1)
    expect(detailOf(text)).toBe("invalid character '[' exceeded max depth")
  })

  it('rejects an object one level past the max depth', () => {
    const text = '{"a":'.repeat(MAX_NESTING_DEPTH + 1) + '0' + '}'.repeat(MAX_NESTING_DEPTH + 1)
    expect(detailOf(text)).toBe("invalid character '{' exceeded max depth")
  })

  it('rejects three million open brackets without a stack overflow', () => {
    expect(detailOf('['.repeat(3_000_000))).toBe("invalid character '[' exceeded max depth")
  })
})

describe('quoteChar', () => {
  it.each([
    [0x27, "'\\''"],
    [0x22, `'"'`],
    [0x5c, "'\\\\'"],
    [0x07, "'\\a'"],
    [0x0b, "'\\v'"],
    [0x01, "'\\x01'"],
    [0x7f, "'\\x7f'"],
    [0x80, "'\\u0080'"],
    [0xa0, "'\\u00a0'"],
    [0xad, "'\\u00ad'"],
    [0xa1, "'¡'"],
    [0xff, "'ÿ'"],
    [0x41, "'A'"],
  ])('formats byte %i as Go does', (byte, quoted) => {
    expect(quoteChar(byte)).toBe(quoted)
  })
})

describe('decodeGoJson', () => {
  it.each([
    ['[]', 'array'],
    ['"x"', 'string'],
    ['1', 'number'],
    ['true', 'bool'],
  ])('rejects top-level %j', (text, kind) => {
    expect(decodeGoJson(text, LOGIN)).toEqual({
      ok: false,
      detail: `json: cannot unmarshal ${kind} into Go value of type codersdk.LoginWithPasswordRequest`,
    })
  })

  it('decodes top-level null to the zero struct', () => {
    expect(decodeGoJson('null', LOGIN)).toEqual({ ok: true, fields: { email: '', password: '' } })
  })

  it('returns the syntax error before any type error', () => {
    expect(decodeGoJson('{"email":1,', LOGIN)).toEqual({ ok: false, detail: 'unexpected EOF' })
  })

  it.each([
    ['{"email":1}', 'number'],
    ['{"email":1.5}', 'number'],
    ['{"email":true}', 'bool'],
    ['{"email":{}}', 'object'],
    ['{"email":[]}', 'array'],
    ['{"email":1,"password":true}', 'number'],
    ['{"password":"x","email":[1],"password":2}', 'array'],
  ])('reports the first type error in %j', (text, kind) => {
    expect(decodeGoJson(text, LOGIN)).toEqual({
      ok: false,
      detail: `json: cannot unmarshal ${kind} into Go struct field LoginWithPasswordRequest.email of type string`,
    })
  })

  it('matches keys case-insensitively', () => {
    const result = decodeGoJson('{"EMAIL":"a@b.co","PassWord":"x"}', LOGIN)
    expect(result).toEqual({ ok: true, fields: { email: 'a@b.co', password: 'x' } })
  })

  it('folds KELVIN SIGN like Go', () => {
    expect(fieldsOf('{"\u212Aind":"k"}', EXAMPLE).kind).toBe('k')
    expect(foldGoFieldName('\u212Aey')).toBe('KEY')
  })

  it('folds LONG S like Go', () => {
    expect(fieldsOf('{"pa\u017fsword":"s"}', LOGIN).password).toBe('s')
    expect(foldGoFieldName('\u017fs')).toBe('SS')
  })

  it('does not fold other non-ASCII letters', () => {
    expect(decodeGoJson('{"emaıl":"x","emaİl":"y"}', LOGIN)).toEqual({
      ok: true,
      fields: { email: '', password: '' },
    })
  })

  it('prefers an exact match over a folded one', () => {
    const pair = goStruct('codersdk.Pair', [goField('a', 'string'), goField('A', 'string')])
    expect(decodeGoJson('{"A":"upper","a":"lower"}', pair)).toEqual({
      ok: true,
      fields: { a: 'lower', A: 'upper' },
    })
    // A key that matches neither exactly goes to the first field with the same folding.
    const kelvin = goStruct('codersdk.K', [goField('k', 'string'), goField('K', 'string')])
    expect(decodeGoJson('{"\u212A":"x"}', kelvin)).toEqual({
      ok: true,
      fields: { k: 'x', K: '' },
    })
  })

  it('keeps the last of duplicate keys', () => {
    expect(decodeGoJson('{"email":"a","Email":"b"}', LOGIN)).toEqual({
      ok: true,
      fields: { email: 'b', password: '' },
    })
  })

  it('leaves a field unchanged for null', () => {
    expect(decodeGoJson('{"email":"a","email":null,"password":null}', LOGIN)).toEqual({
      ok: true,
      fields: { email: 'a', password: '' },
    })
  })

  it('ignores unknown keys of any type', () => {
    const text = '{"unknown":[1,{"x":[true,null]}],"email":"a@b.co","extra":{"email":1}}'
    expect(decodeGoJson(text, LOGIN)).toEqual({
      ok: true,
      fields: { email: 'a@b.co', password: '' },
    })
  })

  it('skips deep nesting under an unknown key', () => {
    const deep = '['.repeat(9_999) + ']'.repeat(9_999)
    const result = decodeGoJson(`{"x":${deep},"email":"a@b.co"}`, LOGIN)
    expect(result).toEqual({ ok: true, fields: { email: 'a@b.co', password: '' } })
  })

  it('reports deep nesting in a string field as one array error', () => {
    const deep = '['.repeat(9_999) + ']'.repeat(9_999)
    expect(decodeGoJson(`{"email":${deep}}`, LOGIN)).toEqual({
      ok: false,
      detail:
        'json: cannot unmarshal array into Go struct field LoginWithPasswordRequest.email of type string',
    })
  })

  it('decodes a nested struct', () => {
    const result = decodeGoJson('{"trial":true,"trial_info":{"first_name":"Ada"}}', FIRST_USER)
    expect(result).toEqual({
      ok: true,
      fields: {
        email: '',
        username: '',
        name: '',
        password: '',
        trial: true,
        trial_info: { first_name: 'Ada', last_name: '' },
      },
    })
  })

  it('merges a repeated nested struct', () => {
    const text =
      '{"trial_info":{"first_name":"a"},"trial_info":{"last_name":"b"},"trial_info":null}'
    expect(fieldsOf(text, FIRST_USER).trial_info).toEqual({ first_name: 'a', last_name: 'b' })
  })

  it.each([
    [
      '{"trial_info":{"first_name":1}}',
      'json: cannot unmarshal number into Go struct field CreateFirstUserTrialInfo.trial_info.first_name of type string',
    ],
    [
      '{"trial_info":"x"}',
      'json: cannot unmarshal string into Go struct field CreateFirstUserRequest.trial_info of type codersdk.CreateFirstUserTrialInfo',
    ],
    [
      '{"trial":"yes"}',
      'json: cannot unmarshal string into Go struct field CreateFirstUserRequest.trial of type bool',
    ],
    [
      '{"trial_info":{},"email":1}',
      'json: cannot unmarshal number into Go struct field CreateFirstUserRequest.email of type string',
    ],
    [
      '{"TRIAL_INFO":{"First_Name":[]}}',
      'json: cannot unmarshal array into Go struct field CreateFirstUserTrialInfo.trial_info.first_name of type string',
    ],
  ])('reports nested type errors with Go path for %j', (text, detail) => {
    expect(decodeGoJson(text, FIRST_USER)).toEqual({ ok: false, detail })
  })

  it('decodes a map of structs', () => {
    const text =
      '{"checks":{"b":{"action":"read","object":{"resource_type":"workspace","any_org":true}},"a":null}}'
    expect([...fieldsOf(text, AUTHORIZATION_REQUEST).checks.entries()]).toEqual([
      [
        'b',
        { action: 'read', object: { resource_type: 'workspace', owner_id: '', any_org: true } },
      ],
      ['a', { action: '', object: { resource_type: '', owner_id: '', any_org: false } }],
    ])
  })

  it('merges repeated map keys and stores __proto__ as a key', () => {
    const text = '{"checks":{"a":{}},"checks":{"__proto__":{"action":"x"}}}'
    const fields = fieldsOf(text, AUTHORIZATION_REQUEST)
    expect([...fields.checks.keys()]).toEqual(['a', '__proto__'])
    expect(fields.checks.get('__proto__')?.action).toBe('x')
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
  })

  it('tells a nil map from an empty one', () => {
    const missing = fieldsOf('{}', AUTHORIZATION_REQUEST).checks
    const nulled = fieldsOf('{"checks":{},"checks":null}', AUTHORIZATION_REQUEST).checks
    const empty = fieldsOf('{"checks":{}}', AUTHORIZATION_REQUEST).checks
    expect(isGoNil(missing)).toBe(true)
    expect(isGoNil(nulled)).toBe(true)
    expect(isGoNil(empty)).toBe(false)
    expect(empty.size).toBe(0)
  })

  it.each([
    [
      '{"checks":[]}',
      'json: cannot unmarshal array into Go struct field AuthorizationRequest.checks of type map[string]codersdk.AuthorizationCheck',
    ],
    [
      '{"checks":{"a":1}}',
      'json: cannot unmarshal number into Go struct field AuthorizationRequest.checks of type codersdk.AuthorizationCheck',
    ],
    [
      '{"checks":{"a":{"action":1}}}',
      'json: cannot unmarshal number into Go struct field AuthorizationCheck.checks.action of type codersdk.RBACAction',
    ],
    [
      '{"checks":{"a":{"object":{"any_org":"x"}}}}',
      'json: cannot unmarshal string into Go struct field AuthorizationObject.checks.object.any_org of type bool',
    ],
    [
      '{"checks":{"a":{"object":[]}}}',
      'json: cannot unmarshal array into Go struct field AuthorizationCheck.checks.object of type codersdk.AuthorizationObject',
    ],
    [
      '{"checks":{"b":{"action":true},"a":{"action":1}}}',
      'json: cannot unmarshal bool into Go struct field AuthorizationCheck.checks.action of type codersdk.RBACAction',
    ],
  ])('reports map type errors for %j', (text, detail) => {
    expect(decodeGoJson(text, AUTHORIZATION_REQUEST)).toEqual({ ok: false, detail })
  })

  it('decodes a string slice', () => {
    expect(fieldsOf('{"tags":["a",null,"b"]}', EXAMPLE).tags).toEqual(['a', '', 'b'])
  })

  it('tells a nil slice from an empty one', () => {
    const nulled = fieldsOf('{"tags":["a"],"tags":null}', EXAMPLE).tags
    const empty = fieldsOf('{"tags":["a"],"tags":[]}', EXAMPLE).tags
    expect(isGoNil(nulled)).toBe(true)
    expect(empty).toEqual([])
    expect(isGoNil(empty)).toBe(false)
  })

  it.each([
    [
      '{"tags":[1]}',
      'json: cannot unmarshal number into Go struct field Example.tags of type string',
    ],
    [
      '{"tags":"a"}',
      'json: cannot unmarshal string into Go struct field Example.tags of type []string',
    ],
    [
      '{"tags":{}}',
      'json: cannot unmarshal object into Go struct field Example.tags of type []string',
    ],
  ])('reports slice type errors for %j', (text, detail) => {
    expect(decodeGoJson(text, EXAMPLE)).toEqual({ ok: false, detail })
  })

  it.each([
    ['42', 42n],
    ['-0', 0n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775807', 9223372036854775807n],
  ])('decodes int64 %s', (literal, value) => {
    expect(fieldsOf(`{"count":${literal}}`, EXAMPLE).count).toBe(value)
  })

  it.each([
    ['1.5', 'number 1.5', 'int64'],
    ['1e3', 'number 1e3', 'int64'],
    ['1.0', 'number 1.0', 'int64'],
    ['9223372036854775808', 'number 9223372036854775808', 'int64'],
    ['-9223372036854775809', 'number -9223372036854775809', 'int64'],
    ['"1"', 'string', 'int64'],
    ['true', 'bool', 'int64'],
    ['[]', 'array', 'int64'],
  ])('rejects int64 value %s', (literal, jsonValue, type) => {
    expect(decodeGoJson(`{"count":${literal}}`, EXAMPLE)).toEqual({
      ok: false,
      detail: `json: cannot unmarshal ${jsonValue} into Go struct field Example.count of type ${type}`,
    })
  })

  it('names a named int64 type in errors', () => {
    expect(decodeGoJson('{"lifetime":0.5}', EXAMPLE)).toEqual({
      ok: false,
      detail:
        'json: cannot unmarshal number 0.5 into Go struct field Example.lifetime of type time.Duration',
    })
  })

  it('gives int64 and slice zero values when absent', () => {
    const fields = fieldsOf('{}', EXAMPLE)
    expect(fields).toEqual({ tags: [], count: 0n, lifetime: 0n, kind: '' })
    expect(isGoNil(fields.tags)).toBe(true)
  })
})

describe('goStruct declarations', () => {
  it('rejects an unimplemented validate tag', () => {
    expect(() => goField('x', 'string', 'min=3')).toThrow('not implemented')
  })

  it('rejects a string tag on a bool field', () => {
    expect(() => goField('x', 'bool', 'email')).toThrow('needs a string field')
  })

  it('rejects a tag on a struct field', () => {
    expect(() => goField('x', TRIAL_INFO, 'required')).toThrow('no effect')
  })

  it('rejects duplicate JSON names', () => {
    expect(() => goStruct('codersdk.X', [goField('a', 'string'), goField('a', 'bool')])).toThrow(
      'duplicate',
    )
  })

  it('rejects a non-ASCII JSON name', () => {
    expect(() => goField('naïve', 'string')).toThrow('printable ASCII')
  })
})

/**
 * Request bodies are read as Coder's Go server reads them: one JSON value decoded with
 * encoding/json into the request struct, whatever the Content-Type, then struct-tag validation.
 */
import { describe, expect, it } from 'vitest'
import { api, createOwner, OWNER, query } from './helpers/api'

const INVALID_JSON = 'Request body must be valid JSON.'
const TOO_LARGE = {
  message: 'Request body is too large.',
  detail: 'The limit is 1048576 bytes.',
}
const REQUIRED = (field: string) => ({
  field,
  detail: 'Validation failed for tag "required" with value: ""',
})
const LOGIN_JSON = JSON.stringify({ email: OWNER.email, password: OWNER.password })
/** Go's `maxNestingDepth` in encoding/json: objects and arrays together may nest 10000 deep. */
const GO_MAX_NESTING_DEPTH = 10000
const UTF8 = new TextEncoder()

/** Sends `body` unchanged, with `Content-Type: application/json` unless `headers` sets another. */
function post(path: string, body: string | Uint8Array, headers: HeadersInit = {}) {
  const sent = new Headers(headers)
  if (!sent.has('Content-Type')) sent.set('Content-Type', 'application/json')
  return api(path, { method: 'POST', body, headers: sent })
}

/** Concatenates text and raw bytes into one body. */
function bytes(...parts: (string | number[])[]): Uint8Array {
  const chunks = parts.map((part) => (typeof part === 'string' ? UTF8.encode(part) : part))
  const out = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

async function expectInvalidJson(response: Response, detail: string) {
  expect(response.status).toBe(400)
  expect(await response.json()).toEqual({ message: INVALID_JSON, detail })
}

async function expectLoggedIn(response: Response) {
  expect(response.status).toBe(201)
  const body = (await response.json()) as { session_token: string }
  expect(body.session_token).toMatch(/^[0-9A-Za-z]{10}-[0-9A-Za-z]{22}$/)
}

describe('POST /api/v2/users/login body decoding', () => {
  it.each([
    ['empty body', '', 'EOF'],
    ['only whitespace', ' \n\t\r ', 'EOF'],
    [
      'array',
      '[]',
      'json: cannot unmarshal array into Go value of type codersdk.LoginWithPasswordRequest',
    ],
    [
      'string',
      '"x"',
      'json: cannot unmarshal string into Go value of type codersdk.LoginWithPasswordRequest',
    ],
    [
      'number',
      '1',
      'json: cannot unmarshal number into Go value of type codersdk.LoginWithPasswordRequest',
    ],
    [
      'bool',
      'true',
      'json: cannot unmarshal bool into Go value of type codersdk.LoginWithPasswordRequest',
    ],
    ['truncated object', '{"email":', 'unexpected EOF'],
    ['truncated string', '{"email":"owner@exam', 'unexpected EOF'],
    ['garbage', 'x', "invalid character 'x' looking for beginning of value"],
    ['form encoding', 'email=a&password=b', "invalid character 'e' looking for beginning of value"],
    [
      'single quotes',
      "{'email':'a'}",
      "invalid character '\\'' looking for beginning of object key string",
    ],
    [
      'trailing comma',
      '{"email":"a",}',
      "invalid character '}' looking for beginning of object key string",
    ],
    ['missing colon', '{"email" "a"}', "invalid character '\"' after object key"],
    ['bare word value', '{"email":nope}', "invalid character 'o' in literal null (expecting 'u')"],
  ])('rejects %s with Go decoder text', async (_, body, detail) => {
    await expectInvalidJson(await post('/users/login', body), detail)
  })

  it.each([
    ['a number', '1', 'number'],
    ['a bool', 'true', 'bool'],
    ['an object', '{}', 'object'],
    ['an array', '[]', 'array'],
    ['a float', '1.5', 'number'],
  ])('rejects %s as the email', async (_, value, kind) => {
    const response = await post('/users/login', `{"email":${value},"password":"x"}`)
    await expectInvalidJson(
      response,
      `json: cannot unmarshal ${kind} into Go struct field LoginWithPasswordRequest.email of type string`,
    )
  })

  it('rejects a number as the password', async () => {
    const response = await post('/users/login', '{"email":"a@example.com","password":123}')
    await expectInvalidJson(
      response,
      'json: cannot unmarshal number into Go struct field LoginWithPasswordRequest.password of type string',
    )
  })

  it('reports the first of several type errors', async () => {
    const response = await post('/users/login', '{"password":false,"email":1}')
    await expectInvalidJson(
      response,
      'json: cannot unmarshal bool into Go struct field LoginWithPasswordRequest.password of type string',
    )
  })

  it('treats null as an empty struct', async () => {
    const response = await post('/users/login', 'null')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [REQUIRED('email'), REQUIRED('password')],
    })
  })

  it('treats null fields as missing', async () => {
    const response = await post('/users/login', '{"email":null,"password":null}')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [REQUIRED('email'), REQUIRED('password')],
    })
  })

  it('matches keys ignoring case', async () => {
    await createOwner()
    const body = JSON.stringify({ EMAIL: OWNER.email, Password: OWNER.password })
    await expectLoggedIn(await post('/users/login', body))
  })

  it('ignores unknown keys', async () => {
    await createOwner()
    const body = JSON.stringify({
      email: OWNER.email,
      password: OWNER.password,
      remember_me: true,
      extra: { nested: [1, 'two', null] },
    })
    await expectLoggedIn(await post('/users/login', body))
  })

  it('keeps the last of repeated keys', async () => {
    await createOwner()
    const body = `{"email":"nobody@example.com","password":"x","email":"${OWNER.email}","password":"${OWNER.password}"}`
    await expectLoggedIn(await post('/users/login', body))
  })

  it('decodes string escapes', async () => {
    await createOwner()
    // "\u006f" is "o" and "\u0021" is "!", so these decode to the owner's credentials.
    const body = `{"email":"\\u006fwner@example.com","password":"${OWNER.password.replace('!', '\\u0021')}"}`
    await expectLoggedIn(await post('/users/login', body))
  })

  it.each([
    ['garbage', `${LOGIN_JSON} garbage`],
    ['a second object', `${LOGIN_JSON}{"email":1}`],
    ['an unclosed bracket', `${LOGIN_JSON}]]]`],
  ])('ignores %s after the first value', async (_, body) => {
    await createOwner()
    await expectLoggedIn(await post('/users/login', body))
  })

  it('ignores invalid UTF-8 after the first value', async () => {
    await createOwner()
    await expectLoggedIn(await post('/users/login', bytes(LOGIN_JSON, [0xff, 0xfe, 0xc3])))
  })

  it('parses a body without Content-Type', async () => {
    await createOwner()
    // A byte body gets no Content-Type from fetch, unlike a string body.
    const response = await api('/users/login', { method: 'POST', body: UTF8.encode(LOGIN_JSON) })
    await expectLoggedIn(response)
  })

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'parses a body sent as %s',
    async (contentType) => {
      await createOwner()
      await expectLoggedIn(await post('/users/login', LOGIN_JSON, { 'Content-Type': contentType }))
    },
  )

  it('rejects a byte order mark as Go does', async () => {
    const response = await post('/users/login', bytes([0xef, 0xbb, 0xbf], LOGIN_JSON))
    await expectInvalidJson(response, "invalid character 'ï' looking for beginning of value")
  })

  // Go's scanner reports the invalid byte itself, printed by strconv.Quote as the Latin-1
  // character of that value, not the U+FFFD that a UTF-8 decoder puts in its place.
  it.each([
    [
      '0xFF first',
      bytes([0xff], LOGIN_JSON),
      "invalid character 'ÿ' looking for beginning of value",
    ],
    [
      '0xC3 as a value',
      bytes('{"email":', [0xc3], '}'),
      "invalid character 'Ã' looking for beginning of value",
    ],
    [
      '0x80 after a value',
      bytes('{"email":"a"', [0x80], '}'),
      "invalid character '\\u0080' after object key:value pair",
    ],
  ])('names the invalid byte %s as Go does', async (_, body, detail) => {
    await expectInvalidJson(await post('/users/login', body), detail)
  })

  it('reads invalid UTF-8 in a string as U+FFFD', async () => {
    await createOwner()
    const body = bytes(`{"email":"${OWNER.email}","password":"`, [0xff, 0xc3], '"}')
    const response = await post('/users/login', body)
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'Incorrect email or password.' })
  })

  it('accepts nesting up to the Go limit', async () => {
    await createOwner()
    // The object itself is one level, so the unknown key contains 9999 more.
    const depth = GO_MAX_NESTING_DEPTH - 1
    const body = `${LOGIN_JSON.slice(0, -1)},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`
    await expectLoggedIn(await post('/users/login', body))
  })

  it('rejects nesting past the Go limit', async () => {
    const depth = GO_MAX_NESTING_DEPTH
    const body = `${LOGIN_JSON.slice(0, -1)},"x":${'['.repeat(depth)}${']'.repeat(depth)}}`
    await expectInvalidJson(
      await post('/users/login', body),
      "invalid character '[' exceeded max depth",
    )
  })

  it.each([
    ['arrays', '['],
    ['objects', '{"a":'],
  ])(
    'rejects 100k nested %s quickly',
    async (_, opener) => {
      const response = await post('/users/login', opener.repeat(100_000))
      await expectInvalidJson(response, `invalid character '${opener[0]}' exceeded max depth`)
    },
    5000,
  )

  it('rejects a 200 KB password quickly', async () => {
    await createOwner()
    const response = await post(
      '/users/login',
      JSON.stringify({ email: OWNER.email, password: 'Aa1!'.repeat(50_000) }),
    )
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ message: 'Incorrect email or password.' })
    expect(await query('SELECT id FROM api_keys')).toHaveLength(0)
  }, 5000)
})

describe('request body size limit', () => {
  const TEN_MB = 10 * 1024 * 1024

  it('returns 413 for a 10 MB login body and creates no session', async () => {
    await createOwner()
    const body = `${LOGIN_JSON.slice(0, -1)},"pad":"${'x'.repeat(TEN_MB)}"}`
    const response = await post('/users/login', body)
    expect(response.status).toBe(413)
    expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
    expect(await response.json()).toEqual(TOO_LARGE)
    expect(await query('SELECT id FROM api_keys')).toHaveLength(0)
  })

  it('returns 413 for a 10 MB first-user body and creates no user', async () => {
    const body = JSON.stringify({ ...OWNER, pad: 'x'.repeat(TEN_MB) })
    const response = await post('/users/first', body)
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual(TOO_LARGE)
    expect(await query('SELECT id FROM users')).toHaveLength(0)
  })

  it('returns 413 for a streamed body without Content-Length', async () => {
    const chunk = UTF8.encode('x'.repeat(256 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(UTF8.encode('{"email":"a@example.com","pad":"'))
        if (sent >= 8) controller.close()
        else controller.enqueue(chunk)
        sent += 1
      },
    })
    const response = await api('/users/validate-password', { method: 'POST', body: stream })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual(TOO_LARGE)
  })

  it('accepts a body of exactly 1 MiB', async () => {
    const prefix = '{"password":"CoderRocks!","pad":"'
    const body = `${prefix}${'x'.repeat(1024 * 1024 - prefix.length - 2)}"}`
    expect(UTF8.encode(body).length).toBe(1024 * 1024)
    const response = await post('/users/validate-password', body)
    expect(response.status).toBe(200)
  })
})

describe('POST /api/v2/users/first body decoding', () => {
  it('treats null as an empty struct', async () => {
    const response = await post('/users/first', 'null')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [REQUIRED('email'), REQUIRED('username'), REQUIRED('password')],
    })
  })

  it.each([
    [
      'a string as trial',
      { trial: 'yes' },
      'json: cannot unmarshal string into Go struct field CreateFirstUserRequest.trial of type bool',
    ],
    [
      'a number in trial_info',
      { trial_info: { first_name: 1 } },
      'json: cannot unmarshal number into Go struct field CreateFirstUserTrialInfo.trial_info.first_name of type string',
    ],
    [
      'an array as trial_info',
      { trial_info: [] },
      'json: cannot unmarshal array into Go struct field CreateFirstUserRequest.trial_info of type codersdk.CreateFirstUserTrialInfo',
    ],
  ])('rejects %s', async (_, extra, detail) => {
    const response = await post('/users/first', JSON.stringify({ ...OWNER, ...extra }))
    await expectInvalidJson(response, detail)
    expect(await query('SELECT id FROM users')).toHaveLength(0)
  })

  it('matches nested keys ignoring case', async () => {
    const body = JSON.stringify({
      Email: OWNER.email,
      USERNAME: OWNER.username,
      passWORD: OWNER.password,
      Trial_Info: { FIRST_NAME: 'Ada' },
    })
    const response = await post('/users/first', body)
    expect(response.status).toBe(201)
    const users = await query<{ username: string }>('SELECT username FROM users')
    expect(users).toEqual([{ username: OWNER.username }])
  })
})

describe('POST /api/v2/users/validate-password body decoding', () => {
  it.each([
    ['empty body', '', 'EOF'],
    [
      'array',
      '[]',
      'json: cannot unmarshal array into Go value of type codersdk.ValidateUserPasswordRequest',
    ],
    [
      'number password',
      '{"password":1}',
      'json: cannot unmarshal number into Go struct field ValidateUserPasswordRequest.password of type string',
    ],
  ])('rejects %s', async (_, body, detail) => {
    await expectInvalidJson(await post('/users/validate-password', body), detail)
  })

  it('treats null as an empty struct', async () => {
    const response = await post('/users/validate-password', 'null')
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      message: 'Validation failed.',
      validations: [REQUIRED('password')],
    })
  })
})

/** Bodies that must never produce a server error, whatever the endpoint. */
const HOSTILE_BODIES: [string, string | Uint8Array][] = [
  ['empty', ''],
  ['NUL byte', '\u0000'],
  ['NaN', 'NaN'],
  ['Infinity', 'Infinity'],
  ['undefined', 'undefined'],
  ['minus sign', '-'],
  ['negative zero', '-0'],
  ['huge exponent', '1e999999999'],
  ['cut exponent', '1.5e'],
  ['500k digits', '9'.repeat(500_000)],
  ['lone surrogate escape', '{"email":"\\ud800@example.com","password":"\\udfff"}'],
  ['cut unicode escape', '{"email":"\\u00'],
  ['bad escape', '{"email":"\\x41"}'],
  ['raw control character', '{"email":"a\u0001b@example.com","password":"x"}'],
  ['NUL in password', '{"email":"a@example.com","password":"\\u0000"}'],
  ['__proto__ key', '{"__proto__":{"admin":true},"email":"a@example.com","password":"x"}'],
  ['constructor key', '{"constructor":{"prototype":{"polluted":1}},"password":"x"}'],
  ['toString key', '{"toString":1,"hasOwnProperty":"x","valueOf":[]}'],
  ['100k-character email', `{"email":"${'a'.repeat(100_000)}@example.com","password":"x"}`],
  ['email with newline', '{"email":"a@example.com\\n","password":"x"}'],
  ['NoSQL operator', '{"email":"a@example.com","password":{"$ne":null}}'],
  ['email as array', '{"email":["a@example.com"],"password":"x"}'],
  ['big integer email', '{"email":123456789012345678901234567890,"password":"x"}'],
  ['20k nested objects', '{"a":'.repeat(20_000)],
  ['50k unclosed strings', '["'.repeat(50_000)],
  ['50k keys', `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":0`).join(',')}}`],
  ['line separators', '{"email":"\u2028\u2029@example.com","password":"\u2028"}'],
  ['invalid UTF-8 only', bytes([0xff, 0xfe, 0xfd])],
  ['truncated UTF-8 in key', bytes('{"', [0xe6, 0x97], '":1}')],
  ['UTF-16 encoded JSON', bytes([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])],
  ['two values', 'true false'],
  [
    'emoji in password',
    '{"email":"a@example.com","password":"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀"}',
  ],
]

describe.each(['/users/login', '/users/validate-password', '/users/first'])(
  'POST /api/v2%s with hostile bodies',
  (path) => {
    it.each(HOSTILE_BODIES)('answers %s without a server error', async (_, body) => {
      const response = await post(path, body)
      expect(response.status).toBeLessThan(500)
      expect(response.headers.get('Content-Type')).toBe('application/json; charset=utf-8')
      const parsed = (await response.json()) as Record<string, unknown>
      if (response.status >= 400) expect(typeof parsed.message).toBe('string')
    })
  },
)

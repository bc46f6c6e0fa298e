import { describe, expect, it } from 'vitest'

import { GO_PLAYGROUND_EMAIL_REGEX, isGoPlaygroundEmail } from '../../src/http/go-email'
import {
  decodeGoJson,
  goField,
  goInt64,
  goMap,
  goSlice,
  goString,
  goStruct,
  goZeroValue,
  type GoStruct,
  type GoValue,
} from '../../src/http/go-json'
import {
  isGoSpace,
  isValidUserRealName,
  isValidUsername,
  utf8ByteLength,
  validateStruct,
} from '../../src/http/go-validate'

const LOGIN = goStruct('codersdk.LoginWithPasswordRequest', [
  goField('email', 'string', 'required,email'),
  goField('password', 'string', 'required'),
])

const FIRST_USER = goStruct('codersdk.CreateFirstUserRequest', [
  goField('email', 'string', 'required,email'),
  goField('username', 'string', 'required,username'),
  goField('name', 'string', 'user_real_name'),
  goField('password', 'string', 'required'),
])

function fieldsOf<S extends GoStruct>(text: string, struct: S): GoValue<S> {
  const decoded = decodeGoJson(text, struct)
  if (!decoded.ok) throw new Error(decoded.detail)
  return decoded.fields
}

function failure(field: string, tag: string, value: string) {
  return { field, detail: `Validation failed for tag "${tag}" with value: "${value}"` }
}

describe('validateStruct', () => {
  it('accepts a valid login body', () => {
    expect(validateStruct(fieldsOf('{"email":"a@b.co","password":"x"}', LOGIN), LOGIN)).toEqual([])
  })

  it('reports every failing field in struct order', () => {
    expect(validateStruct(fieldsOf('{"password":"","email":""}', LOGIN), LOGIN)).toEqual([
      failure('email', 'required', ''),
      failure('password', 'required', ''),
    ])
  })

  it('reports only the first failing tag of a field', () => {
    expect(
      validateStruct(fieldsOf('{"email":"not-an-email","password":"x"}', LOGIN), LOGIN),
    ).toEqual([failure('email', 'email', 'not-an-email')])
  })

  it('prints the value raw, without escaping', () => {
    const fields = fieldsOf('{"email":"a\\"b\\\\c","password":"x"}', LOGIN)
    expect(validateStruct(fields, LOGIN)).toEqual([failure('email', 'email', 'a"b\\c')])
  })

  it('validates a zero struct from a null body', () => {
    expect(validateStruct(goZeroValue(LOGIN), LOGIN)).toEqual([
      failure('email', 'required', ''),
      failure('password', 'required', ''),
    ])
  })

  it('checks first-user fields with Coder tags', () => {
    const fields = fieldsOf(
      '{"email":"admin@coder.com","username":"new","name":" Ada","password":""}',
      FIRST_USER,
    )
    expect(validateStruct(fields, FIRST_USER)).toEqual([
      failure('username', 'username', 'new'),
      failure('name', 'user_real_name', ' Ada'),
      failure('password', 'required', ''),
    ])
  })

  it('validates nested struct fields in place with their own name', () => {
    const inner = goStruct('codersdk.Inner', [goField('c', 'string', 'required')])
    const outer = goStruct('codersdk.Outer', [
      goField('a', 'string', 'required'),
      goField('inner', inner),
      goField('b', 'string', 'required'),
    ])
    expect(validateStruct(goZeroValue(outer), outer)).toEqual([
      failure('a', 'required', ''),
      failure('c', 'required', ''),
      failure('b', 'required', ''),
    ])
  })

  it('applies required to each Go kind', () => {
    const kinds = goStruct('codersdk.Kinds', [
      goField('flag', 'bool', 'required'),
      goField('count', goInt64(), 'required'),
      goField('tags', goSlice(goString()), 'required'),
      goField('labels', goMap(goString()), 'required'),
    ])
    expect(validateStruct(fieldsOf('{}', kinds), kinds)).toEqual([
      failure('flag', 'required', 'false'),
      failure('count', 'required', '0'),
      failure('tags', 'required', '[]'),
      failure('labels', 'required', 'map[]'),
    ])
    const present = fieldsOf('{"flag":true,"count":-1,"tags":[],"labels":{}}', kinds)
    expect(validateStruct(present, kinds)).toEqual([])
  })

  it('skips later tags of an empty omitempty field', () => {
    const optional = goStruct('codersdk.Optional', [goField('email', 'string', 'omitempty,email')])
    expect(validateStruct(fieldsOf('{}', optional), optional)).toEqual([])
    expect(validateStruct(fieldsOf('{"email":"x"}', optional), optional)).toEqual([
      failure('email', 'email', 'x'),
    ])
  })

  it('fails Coder tags on a named string type', () => {
    const named = goStruct('codersdk.Named', [
      goField('name', goString('codersdk.Name'), 'username'),
    ])
    expect(validateStruct(fieldsOf('{"name":"alice"}', named), named)).toEqual([
      failure('name', 'username', 'alice'),
    ])
  })

  it('prints a 1 MB email value without delay', () => {
    const email = 'a'.repeat(1_000_000)
    const started = performance.now()
    const errors = validateStruct({ email, password: 'x' }, LOGIN)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(errors).toEqual([failure('email', 'email', email)])
  })
})

describe('isValidUsername', () => {
  it.each([
    ['a', true],
    ['alice', true],
    ['Alice-Bob-9', true],
    ['a'.repeat(32), true],
    ['a'.repeat(33), false],
    ['', false],
    ['new', false],
    ['create', false],
    ['New', true],
    ['-alice', false],
    ['alice-', false],
    ['al--ice', false],
    ['al_ice', false],
    ['al ice', false],
    ['alicé', false],
  ])('returns %s for %j', (name, valid) => {
    expect(isValidUsername(name as string)).toBe(valid)
  })
})

describe('isValidUserRealName', () => {
  it.each([
    ['', true],
    ['Ada Lovelace', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['é'.repeat(64), true],
    ['é'.repeat(64) + 'a', false],
    [' Ada', false],
    ['Ada ', false],
    ['\tAda', false],
    ['Ada\n', false],
    ['\u00a0Ada', false],
    ['Ada\u0085', false],
    ['\u3000Ada', false],
    ['Ada\u2028', false],
    ['\u200bAda', true],
    ['\ufeffAda', true],
    ['Ada 😀', true],
  ])('returns %s for %j', (name, valid) => {
    expect(isValidUserRealName(name as string)).toBe(valid)
  })

  it('counts UTF-8 bytes like Go len', () => {
    expect(utf8ByteLength('aé日😀')).toBe(1 + 2 + 3 + 4)
  })

  it.each([
    [true, 0x1680],
    [true, 0x202f],
    [true, 0x0b],
    [false, 0x180e],
    [false, 0x200b],
    [false, 0xfeff],
  ])('returns %s from isGoSpace for code point %i', (isSpace, codePoint) => {
    expect(isGoSpace(codePoint)).toBe(isSpace)
  })
})

describe('isGoPlaygroundEmail', () => {
  it.each([
    'user@example.com',
    'USER@EXAMPLE.COM',
    'a.b+c@sub.example.co.uk',
    'user@example.com.',
    "!#$%&'*+-/=?^_`{|}~@example.com",
    '"quoted"@example.com',
    '"a b"@example.com',
    '"a@b"@example.com',
    '"a\\"b"@example.com',
    '""@example.com',
    '"a\r\n b"@example.com',
    'ü@exämple.com',
    '用户@例子.广告',
    'user@xn--bcher-kva.example',
    'user@ex-ample.com',
    'user@1.example.com',
    'user@a..b.com',
    'user@example.c0m',
    'a@b.c',
  ])('accepts %j', (email) => {
    expect(isGoPlaygroundEmail(email)).toBe(true)
    expect(GO_PLAYGROUND_EMAIL_REGEX.test(email)).toBe(true)
  })

  it.each([
    'a@b',
    'user@localhost',
    'user@example.123',
    'user@example.com1',
    'user@example.com..',
    'user@example..com',
    'user@-example.com',
    'user@example-.com',
    'user@exam_ple.com',
    'user@[127.0.0.1]',
    '@example.com',
    'user@',
    'user',
    '',
    'user@@example.com',
    'us er@example.com',
    '.user@example.com',
    'user.@example.com',
    'us..er@example.com',
    'user@example.com ',
    '"unterminated@example.com',
    '"a\r\nb"@example.com',
    '"a\nb"@example.com',
    'Foo <foo@example.com>',
    '😀@example.com',
    'user@😀.com',
  ])('rejects %j', (email) => {
    expect(isGoPlaygroundEmail(email)).toBe(false)
    expect(GO_PLAYGROUND_EMAIL_REGEX.test(email)).toBe(false)
  })

  it('agrees with the verbatim expression on generated addresses', () => {
    // Parts are drawn from characters that hit every branch of the expression. They stay short
    // because the verbatim expression backtracks exponentially on long near-misses.
    const random = seededRandom(42)
    const pick = (chars: string[], min: number, max: number) => {
      let out = ''
      for (let k = min + random(max - min + 1); k > 0; k--) out += chars[random(chars.length)]
      return out
    }
    const atom = ['a', 'a', '7', '.', '!', '~', 'é', '\ufffe', ' ', '\ud7ff', '@', '😀']
    const quoted = ['a', ' ', '\t', '\r', '\n', '"', '\\', '@', '\u0001', '\u007f', '\u0000']
    quoted.push('é', '\ue000', ' \r\n ', '\r\n\t', '\r\n')
    const label = ['a', 'a', 'Z', 'Z', 'é', '\ue000', '7', '7', '-', '~', '_', '.', '\ufff0', '😀']
    const generate = () => {
      const local =
        random(2) === 0 ? pick(atom, 1, 4) : '"' + pick(quoted, 0, 4) + (random(8) ? '"' : '')
      const labels: string[] = []
      for (let k = 2 + random(2); k > 0; k--) labels.push(pick(label, 1, 2))
      return `${local}@${labels.join('.')}${random(4) ? '' : '.'}`
    }
    const mismatches: string[] = []
    let accepted = 0
    for (let k = 0; k < 30_000; k++) {
      const email = generate()
      const linear = isGoPlaygroundEmail(email)
      if (linear !== GO_PLAYGROUND_EMAIL_REGEX.test(email)) mismatches.push(email)
      if (linear) accepted++
    }
    expect(mismatches).toEqual([])
    // Both outcomes must be well represented for the comparison to mean anything.
    expect(accepted).toBeGreaterThan(500)
  })

  it.each([
    ['a 1 MB run of letters', 'a'.repeat(1_000_000), false],
    ['an unterminated quoted part', '"' + 'a'.repeat(1_000_000), false],
    ['a long domain with a bad end', 'a@' + 'a.'.repeat(500_000) + '!', false],
    ['a long valid domain', 'a@' + 'a.'.repeat(500_000) + 'b', true],
    ['folded white space', '"' + ' \r\n '.repeat(250_000) + 'x"@a.b', true],
    ['folded white space with a bare LF', '"' + ' \r\n '.repeat(250_000) + '\n"@a.b', false],
  ])('checks %s in linear time', (_name, email, valid) => {
    const started = performance.now()
    expect(isGoPlaygroundEmail(email)).toBe(valid)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

/** mulberry32: a small seeded generator, so a failure reproduces. Returns an int in [0, n). */
function seededRandom(seed: number): (n: number) => number {
  let state = seed
  return (n) => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
  }
}

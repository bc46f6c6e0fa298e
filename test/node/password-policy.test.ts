import { dictionary } from '@zxcvbn-ts/language-common'
import languageCommonPackage from '@zxcvbn-ts/language-common/package.json'
import { describe, expect, it } from 'vitest'
import {
  formatInsecurePasswordMessage,
  getBase,
  getEntropy,
  getLength,
  getUtf8ByteLength,
  removeMoreThanTwoFromSequence,
  removeMoreThanTwoRepeatingChars,
} from '../../src/auth/password-entropy'
import {
  COMMON_PASSWORD_MESSAGE,
  MIN_ENTROPY_BITS,
  TOO_LONG_PASSWORD_MESSAGE,
  checkPassword,
} from '../../src/auth/password-policy'

const COMMON_PASSWORDS_MODULE_PATH = '../../src/auth/common-passwords.ts'
const PACKAGE_PASSWORDS = dictionary['passwords-common']

const MESSAGE_SPECIAL_UPPER_DIGIT =
  'insecure password, try including more special characters, using uppercase letters, ' +
  'using numbers or using a longer password'
const MESSAGE_SPECIAL_UPPER =
  'insecure password, try including more special characters, using uppercase letters ' +
  'or using a longer password'
const MESSAGE_SPECIAL =
  'insecure password, try including more special characters or using a longer password'

// The table vectors come from go-password-validator v0.3.0's own tests.
describe('go-password-validator v0.3.0 port', () => {
  it.each([
    ['aaaa', 'aa'],
    ['bbbbbbbaaaaaaaaa', 'bbaa'],
  ])('removeMoreThanTwoRepeatingChars(%j) is %j', (input, expected) => {
    expect(removeMoreThanTwoRepeatingChars(input)).toBe(expected)
  })

  it.each([
    ['12345678', '0123456789', '12'],
    ['abcqwertyabc', 'qwertyuiop', 'abcqwabc'],
    ['', '', ''],
    ['', '12345', ''],
  ])('removeMoreThanTwoFromSequence(%j, %j) is %j', (input, sequence, expected) => {
    expect(removeMoreThanTwoFromSequence(input, sequence)).toBe(expected)
  })

  it.each([
    ['aaaa', 2],
    ['11112222', 4],
    ['aa123456', 4],
    ['876543', 2],
    ['qwerty123456z', 5],
  ])('getLength(%j) is %i', (password, expected) => {
    expect(getLength(password)).toBe(expected)
  })

  it.each([
    ['abcd', 26],
    ['abcdA', 52],
    ['^_', 27],
    ['!', 5],
    ['123', 10],
    ['123ü', 11],
  ])('getBase(%j) is %i', (password, expected) => {
    expect(getBase(password)).toBe(expected)
  })

  it.each([
    ['mypass', MESSAGE_SPECIAL_UPPER_DIGIT],
    [
      'MYPASS',
      'insecure password, try including more special characters, using lowercase letters, ' +
        'using numbers or using a longer password',
    ],
    [
      '123',
      'insecure password, try including more special characters, using lowercase letters, ' +
        'using uppercase letters or using a longer password',
    ],
    ['aA1!_#', 'insecure password, try using a longer password'],
  ])('formatInsecurePasswordMessage(%j)', (password, expected) => {
    expect(formatInsecurePasswordMessage(password)).toBe(expected)
  })

  it('matches the in-place loops on random input', () => {
    const sequences = [
      '0123456789',
      'qwertyuiop',
      'asdfghjkl',
      'zxcvbnm',
      'abcdefghijklmnopqrstuvwxyz',
    ]
    const random = createRandom(52)
    for (let run = 0; run < 5000; run++) {
      const text = createRandomText(random, 'abcdeqwertyzxc0123456789aaa111A!ü\u0000', 30)
      expect(removeMoreThanTwoRepeatingChars(text), text).toBe(removeRepeatsInPlace(text))
      for (const sequence of sequences) {
        const reversed = Array.from(sequence).reverse().join('')
        expect(removeMoreThanTwoFromSequence(text, sequence), text).toBe(
          removeFromSequenceInPlace(text, sequence),
        )
        expect(removeMoreThanTwoFromSequence(text, reversed), text).toBe(
          removeFromSequenceInPlace(text, reversed),
        )
      }
    }
  })

  it('removes leading U+0000 like Go', () => {
    // Both previous runes start as Go's zero rune, so leading U+0000 counts as a run already.
    expect(removeMoreThanTwoRepeatingChars('\u0000\u0000a')).toBe('a')
  })
})

// Coder's results for POST /api/v2/users/validate-password, computed with a line-by-line port of
// go-password-validator v0.3.0. `details` is '' when the password is valid.
const CODER_VECTORS: [
  password: string,
  bytes: number,
  base: number,
  length: number,
  entropy: string,
  details: string,
][] = [
  ['pass', 4, 26, 4, '18.80', MESSAGE_SPECIAL_UPPER_DIGIT],
  ['password', 8, 26, 8, '37.60', MESSAGE_SPECIAL_UPPER_DIGIT],
  ['notstrong', 9, 26, 9, '42.30', MESSAGE_SPECIAL_UPPER_DIGIT],
  ['hunter2', 7, 36, 7, '36.19', MESSAGE_SPECIAL_UPPER],
  ['Passw0rd', 8, 62, 8, '47.63', MESSAGE_SPECIAL],
  ['P@ssw0rd', 8, 67, 8, '48.53', MESSAGE_SPECIAL],
  ['Coder123', 8, 62, 7, '41.68', MESSAGE_SPECIAL],
  ['abcdefgh12345678', 16, 36, 4, '20.68', MESSAGE_SPECIAL_UPPER],
  ['qwertyuiopasdf', 14, 26, 4, '18.80', MESSAGE_SPECIAL_UPPER_DIGIT],
  ['a'.repeat(20), 20, 26, 2, '9.40', MESSAGE_SPECIAL_UPPER_DIGIT],
  // The entropy rule fires before the length rule.
  ['a'.repeat(65), 65, 26, 2, '9.40', MESSAGE_SPECIAL_UPPER_DIGIT],
  ['Password1!', 10, 67, 10, '60.66', ''],
  ['password1!', 10, 41, 10, '53.58', ''],
  ['CoderRocks!', 11, 57, 11, '64.16', ''],
  ['Tr0ub4dor&3', 11, 67, 11, '66.73', ''],
  ['SomeSecurePassword!', 19, 57, 19, '110.82', ''],
  ['MySecurePassword!', 17, 57, 17, '99.16', ''],
  ['PasswordSecured123!', 19, 67, 18, '109.19', ''],
  ['correct horse battery staple', 28, 31, 28, '138.72', ''],
  // 11 characters, but the byte length inflates the length.
  ['日本語のパスワードです', 33, 11, 33, '114.16', ''],
  ['Aa1!'.repeat(17), 68, 67, 68, '412.49', TOO_LONG_PASSWORD_MESSAGE],
]

describe('checkPassword without blocklist', () => {
  it.each(CODER_VECTORS)('%j', (password, bytes, base, length, entropy, details) => {
    expect(getUtf8ByteLength(password)).toBe(bytes)
    expect(getBase(password)).toBe(base)
    expect(getLength(password)).toBe(length)
    expect(getEntropy(password).toFixed(2)).toBe(entropy)

    const expected = details === '' ? { valid: true } : { valid: false, details }
    expect(checkPassword(password, { blocklist: false })).toEqual(expected)
  })

  it('counts UTF-8 bytes against the 64 limit', () => {
    // 24 characters, 64 bytes: 4 ASCII plus 20 three-byte characters.
    const atLimit = 'Aa1!日本語のパスワードですあいうえおかきくけ'
    expect(atLimit.length).toBe(24)
    expect(getUtf8ByteLength(atLimit)).toBe(64)
    expect(checkPassword(atLimit, { blocklist: false })).toEqual({ valid: true })

    const overLimit = `${atLimit}x`
    expect(checkPassword(overLimit, { blocklist: false })).toEqual({
      valid: false,
      details: TOO_LONG_PASSWORD_MESSAGE,
    })
  })

  it('counts four bytes for an astral character', () => {
    const password = 'Aa1!' + '😀🎉'.repeat(15)
    expect(getUtf8ByteLength(password)).toBe(124)
    expect(checkPassword(password, { blocklist: false })).toEqual({
      valid: false,
      details: TOO_LONG_PASSWORD_MESSAGE,
    })
  })

  it('checks a 200 KB password in linear time', () => {
    // Deleting in place, as the library does, takes several seconds here.
    const password = '0123456789'.repeat(20_000)
    const started = Date.now()
    expect(checkPassword(password, { blocklist: true }).valid).toBe(false)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('treats unpaired surrogates as U+FFFD like Go', () => {
    // Seven distinct lone surrogates would give base 7 and 21 bytes, about 59 bits. Go's JSON
    // decoder produces seven U+FFFD instead: base 1, so 0 bits.
    const password = '\uD800\uD801\uD802\uD803\uD804\uD805\uD806'
    expect(getEntropy(password)).toBeGreaterThan(MIN_ENTROPY_BITS)
    expect(checkPassword(password, { blocklist: false })).toEqual({
      valid: false,
      details: formatInsecurePasswordMessage('\uFFFD'),
    })
  })
})

describe('checkPassword with blocklist', () => {
  it.each(['Password123', 'PassWord123', 'administrator', 'ADMINISTRATOR', 'Iloveyou!'])(
    'rejects common %j',
    (password) => {
      expect(checkPassword(password, { blocklist: false })).toEqual({ valid: true })
      expect(checkPassword(password, { blocklist: true })).toEqual({
        valid: false,
        details: COMMON_PASSWORD_MESSAGE,
      })
    },
  )

  it.each(['Password1!', 'SomeSecurePassword!', 'correct horse battery staple', 'Tr0ub4dor&3'])(
    'accepts uncommon %j',
    (password) => {
      expect(checkPassword(password, { blocklist: true })).toEqual({ valid: true })
    },
  )

  it('reports entropy before the blocklist', () => {
    expect(checkPassword('password', { blocklist: true })).toEqual({
      valid: false,
      details: MESSAGE_SPECIAL_UPPER_DIGIT,
    })
  })

  it('folds only ASCII case', () => {
    // U+212A KELVIN SIGN lowercases to an ASCII `k`, but the password is not the list entry.
    expect(PACKAGE_PASSWORDS).toContain('kryptonite')
    expect(checkPassword('Kryptonite', { blocklist: true }).valid).toBe(false)
    expect(checkPassword('\u212Aryptonite', { blocklist: true })).toEqual({ valid: true })
  })

  it('rejects every package entry variant that passes entropy', () => {
    let checked = 0
    const accepted: string[] = []
    for (const entry of PACKAGE_PASSWORDS) {
      for (const variant of listCaseVariants(entry)) {
        if (!checkPassword(variant, { blocklist: false }).valid) continue
        checked++
        if (checkPassword(variant, { blocklist: true }).valid) accepted.push(variant)
      }
    }
    expect(accepted).toEqual([])
    expect(checked).toBeGreaterThan(1000)
  })

  it('common-passwords.ts matches the package', async () => {
    // The lookup folds ASCII case only, so an entry outside lowercase ASCII could never match.
    expect(PACKAGE_PASSWORDS.filter((entry) => !/^[\x20-\x40\x5b-\x7e]*$/.test(entry))).toEqual([])
    await expect(renderCommonPasswordsModule()).toMatchFileSnapshot(COMMON_PASSWORDS_MODULE_PATH)
  })
})

// go-password-validator v0.3.0's removeMoreThanTwoRepeatingChars, line by line, deleting in place.
function removeRepeatsInPlace(text: string): string {
  const runes = Array.from(text)
  let prevPrev = '\u0000'
  let prev = '\u0000'
  for (let i = 0; i < runes.length; i++) {
    const r = runes[i] ?? ''
    if (r === prev && r === prevPrev) {
      runes.splice(i, 1)
      i--
    }
    prevPrev = prev
    prev = r
  }
  return runes.join('')
}

// go-password-validator v0.3.0's removeMoreThanTwoFromSequence, line by line, deleting in place.
function removeFromSequenceInPlace(text: string, sequence: string): string {
  const seqRunes = Array.from(sequence)
  const runes = Array.from(text)
  let matches = 0
  for (let i = 0; i < runes.length; i++) {
    for (let j = 0; j < seqRunes.length; j++) {
      if (i >= runes.length) {
        break
      }
      if (runes[i] !== seqRunes[j]) {
        matches = 0
        continue
      }
      matches++
      if (matches > 2) {
        runes.splice(i, 1)
      } else {
        i++
      }
    }
  }
  return runes.join('')
}

// mulberry32, so that a failure on random input can be replayed.
function createRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function createRandomText(random: () => number, alphabet: string, maxLength: number): string {
  const characters = Array.from(alphabet)
  const length = Math.floor(random() * (maxLength + 1))
  let text = ''
  for (let i = 0; i < length; i++) {
    text += characters[Math.floor(random() * characters.length)] ?? ''
  }
  return text
}

function listCaseVariants(entry: string): Set<string> {
  const capitalized = entry.charAt(0).toUpperCase() + entry.slice(1)
  const alternating = Array.from(entry, (character, i) =>
    i % 2 === 0 ? character.toUpperCase() : character,
  ).join('')
  return new Set([entry, capitalized, entry.toUpperCase(), alternating])
}

/**
 * Computes an upper bound on the entropy of any password whose ASCII-lowercased form is `entry`.
 * Reductions only shorten the length, so the byte length bounds it. Mixing case adds the
 * uppercase class, which needs two letters. The sum runs like getEntropy's, so it rounds alike.
 */
function getMaxCaseVariantEntropyBits(entry: string): number {
  const letterCount = entry.replace(/[^a-z]/g, '').length
  const base = getBase(entry) + (letterCount >= 2 ? 26 : 0)
  let entropyBits = 0
  for (let i = 0; i < getUtf8ByteLength(entry); i++) {
    entropyBits += Math.log2(base)
  }
  return entropyBits
}

/** Renders src/auth/common-passwords.ts from the installed @zxcvbn-ts/language-common. */
function renderCommonPasswordsModule(): string {
  const blocklistEntries = PACKAGE_PASSWORDS.filter(
    (entry) => getMaxCaseVariantEntropyBits(entry) >= MIN_ENTROPY_BITS,
  )
  const body = blocklistEntries.map(escapeTemplateLiteral).join('\n')
  const kept = blocklistEntries.length
  const total = PACKAGE_PASSWORDS.length
  const version = languageCommonPackage.version
  const header = [
    `Generated from the 'passwords-common' list of @zxcvbn-ts/language-common ${version}`,
    'by test/node/password-policy.test.ts. Do not edit by hand. After upgrading the',
    'package, regenerate with:',
    '  npx vitest run --project node test/node/password-policy.test.ts -u',
    '',
    `The list is ordered by frequency. This file keeps, in order, the ${kept} of its ${total}`,
    `entries for which some ASCII-case variant could reach ${MIN_ENTROPY_BITS} bits of entropy. A`,
    "password below that fails Coder's entropy rule before the blocklist is consulted, so",
    'the other entries can never match. The bound takes the UTF-8 byte length as the',
    'length, and adds 26 to the base for an entry with two or more letters because mixing',
    'case adds the uppercase class.',
  ]
  const comment = header.map((line) => `// ${line}`.trimEnd()).join('\n')
  return `${comment}

/** Common passwords, lowercase ASCII, one per line. */
export const COMMON_PASSWORDS = \`${body}\`
`
}

function escapeTemplateLiteral(text: string): string {
  return text.replace(/[\\`]/g, '\\$&').replace(/\$\{/g, '\\${')
}

/**
 * Password entropy as computed by go-password-validator v0.3.0, the library behind Coder's
 * userpassword.Validate. The port keeps every quirk of the library, so that every password gets
 * the same valid/invalid result and the same hint text as from Coder's API.
 */

// Character classes of go-password-validator v0.3.0, in its order. Each class present adds its
// size to the base once, so `a` and `abc` both count 26.
const CHARACTER_CLASSES = {
  replace: '!@$&*',
  separator: '_-., ',
  otherSpecial: '"#%\'()+/:;<=>?[\\]^{|}~',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digit: '0123456789',
} as const

type CharacterClass = keyof typeof CHARACTER_CLASSES

const CHARACTER_CLASS_BY_CODE_POINT = new Map<string, CharacterClass>(
  (Object.keys(CHARACTER_CLASSES) as CharacterClass[]).flatMap((characterClass) =>
    Array.from(CHARACTER_CLASSES[characterClass], (member) => [member, characterClass] as const),
  ),
)

// Sequences whose runs the length pass shortens, as code points in the library's order: all five
// forwards, and then all five reversed.
const FORWARD_SEQUENCES = [
  '0123456789',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  CHARACTER_CLASSES.lower,
].map((sequence) => Array.from(sequence))
const SEQUENCES = [
  ...FORWARD_SEQUENCES,
  ...FORWARD_SEQUENCES.map((sequence) => [...sequence].reverse()),
]

// Go's zero rune. The library starts its run detection with both previous runes set to it, so
// every U+0000 at the start of a password is removed as if it continued a run.
const GO_ZERO_RUNE = '\u0000'

/**
 * Computes the entropy in bits, `length × log2(base)`, summed once per length unit as the
 * library's logPow does. Go's math.Log2 and Math.log2 may differ in the last bit. That cannot flip
 * Coder's 52-bit check: for bases up to 100,000 and lengths up to 400, every product is either
 * exactly 52 (a power-of-two base, where both are exact) or at least 0.0007 bits away from it.
 */
export function getEntropy(password: string): number {
  const base = getBase(password)
  const length = getLength(password)
  let entropyBits = 0
  for (let i = 0; i < length; i++) {
    entropyBits += Math.log2(base)
  }
  return entropyBits
}

/**
 * Computes the size of the alphabet over the distinct code points of `password`. Each class
 * present adds its size, and every code point outside the six classes adds 1.
 */
export function getBase(password: string): number {
  const classes = new Set<CharacterClass>()
  let base = 0
  for (const codePoint of new Set(password)) {
    const characterClass = CHARACTER_CLASS_BY_CODE_POINT.get(codePoint)
    if (characterClass === undefined) {
      base++
    } else {
      classes.add(characterClass)
    }
  }
  for (const characterClass of classes) {
    base += CHARACTER_CLASSES[characterClass].length
  }
  return base
}

/**
 * Computes the effective length: the UTF-8 byte length of `password` after runs of one code point
 * are cut to two and runs from the keyboard, digit and alphabet sequences are trimmed. A
 * multi-byte character therefore counts 2 to 4.
 */
export function getLength(password: string): number {
  let codePoints = trimRepeatingCodePoints(Array.from(password))
  for (const sequence of SEQUENCES) {
    codePoints = trimSequence(codePoints, sequence)
  }
  return getUtf8ByteLength(codePoints.join(''))
}

/** Cuts every run of one code point to two (`aaaa` → `aa`). */
export function removeMoreThanTwoRepeatingChars(text: string): string {
  return trimRepeatingCodePoints(Array.from(text)).join('')
}

/**
 * Applies the library's sequence-trimming pass of `sequence` to `text`. The result is not simply
 * "keep two of each run": it mostly keeps the first two characters of an ascending run found in
 * `sequence` and deletes the rest.
 */
export function removeMoreThanTwoFromSequence(text: string, sequence: string): string {
  return trimSequence(Array.from(text), Array.from(sequence)).join('')
}

/**
 * Builds go-password-validator v0.3.0's message for a password below the entropy threshold. The
 * hints look at the whole password, not the reduced copy used for the length.
 */
export function formatInsecurePasswordMessage(password: string): string {
  const classes = new Set<CharacterClass>()
  for (const codePoint of password) {
    const characterClass = CHARACTER_CLASS_BY_CODE_POINT.get(codePoint)
    if (characterClass !== undefined) {
      classes.add(characterClass)
    }
  }

  const hints: string[] = []
  if (!classes.has('replace') || !classes.has('separator') || !classes.has('otherSpecial')) {
    hints.push('including more special characters')
  }
  if (!classes.has('lower')) hints.push('using lowercase letters')
  if (!classes.has('upper')) hints.push('using uppercase letters')
  if (!classes.has('digit')) hints.push('using numbers')

  if (hints.length === 0) {
    return 'insecure password, try using a longer password'
  }
  return `insecure password, try ${hints.join(', ')} or using a longer password`
}

/**
 * Counts the UTF-8 bytes of `text`, as Go's `len` does for a string. A lone surrogate counts 3,
 * the size of the U+FFFD that an encoder writes in its place.
 */
export function getUtf8ByteLength(text: string): number {
  let bytes = 0
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0
    if (codePoint < 0x80) bytes += 1
    else if (codePoint < 0x800) bytes += 2
    else if (codePoint < 0x10000) bytes += 3
    else bytes += 4
  }
  return bytes
}

// The library deletes from a rune slice in place, which takes time quadratic in the length: about
// 2 s for a 100 KB password when ported that way to Node 20. The two passes below read their
// input once and copy what the library keeps, with the same results.
// test/node/password-policy.test.ts compares them with the in-place loops on random input.

function trimRepeatingCodePoints(codePoints: readonly string[]): string[] {
  const keptCodePoints: string[] = []
  let previous = GO_ZERO_RUNE
  let beforePrevious = GO_ZERO_RUNE
  for (const current of codePoints) {
    if (current !== previous || current !== beforePrevious) {
      keptCodePoints.push(current)
    }
    beforePrevious = previous
    previous = current
  }
  return keptCodePoints
}

// `next` is the library's `runes[i]`: everything before it is kept, and a deletion moves on to
// the following input. The match counter is never reset between outer positions, and a mismatch
// moves on in the sequence while the position in the password stays. Keep these quirks: any
// change alters which passwords Coder accepts.
function trimSequence(codePoints: readonly string[], sequence: readonly string[]): string[] {
  const keptCodePoints: string[] = []
  let next = 0
  let matches = 0
  while (next < codePoints.length) {
    for (const expected of sequence) {
      const current = codePoints[next]
      if (current === undefined) {
        break
      }
      if (current !== expected) {
        matches = 0
        continue
      }
      matches++
      if (matches <= 2) {
        keptCodePoints.push(current)
      }
      next++
    }
    // The library's outer `i++` steps over one code point without comparing it.
    const skipped = codePoints[next]
    if (skipped !== undefined) {
      keptCodePoints.push(skipped)
      next++
    }
  }
  return keptCodePoints
}

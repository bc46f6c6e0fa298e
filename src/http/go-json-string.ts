/**
 * JSON string literals as Go's encoding/json scans and unquotes them (scanner.go, decode.go
 * `unquoteBytes`): raw control characters and unknown escapes are syntax errors, and surrogates
 * that do not form a pair decode to U+FFFD instead of failing.
 */
import { invalidCharacterAt, JsonSyntaxError, UNEXPECTED_EOF } from './go-json-syntax-error'

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

/**
 * Reads the string literal whose opening quote is at `start` and returns its decoded value and
 * the index after its closing quote. Throws JsonSyntaxError as Go's scanner fails.
 */
export function readJsonString(text: string, start: number): { value: string; end: number } {
  let pos = start + 1
  let segmentStart = pos
  let value = ''
  for (;;) {
    if (pos >= text.length) throw new JsonSyntaxError(UNEXPECTED_EOF)
    const c = text.charCodeAt(pos)
    if (c === 0x22 /* " */) {
      value += wellFormed(text.slice(segmentStart, pos))
      return { value, end: pos + 1 }
    }
    if (c < 0x20) throw invalidCharacterAt(text, pos, 'in string literal')
    if (c !== 0x5c /* \ */) {
      pos++
      continue
    }

    value += wellFormed(text.slice(segmentStart, pos))
    pos++
    if (pos >= text.length) throw new JsonSyntaxError(UNEXPECTED_EOF)
    const escaped = SIMPLE_ESCAPES[text[pos] as string]
    if (escaped !== undefined) {
      value += escaped
      pos++
    } else if (text.charCodeAt(pos) === 0x75 /* u */) {
      const decoded = readUnicodeEscape(text, pos + 1)
      value += decoded.value
      pos = decoded.end
    } else {
      throw invalidCharacterAt(text, pos, 'in string escape code')
    }
    segmentStart = pos
  }
}

/**
 * Reads the four hex digits of a `\u` escape starting at `start`. A surrogate pair written as two
 * escapes decodes to one character, and any other surrogate becomes U+FFFD, as in Go's `unquote`.
 */
function readUnicodeEscape(text: string, start: number): { value: string; end: number } {
  const unit = readHex4(text, start)
  const end = start + 4
  if (unit < 0xd800 || unit > 0xdfff) return { value: String.fromCharCode(unit), end }
  if (unit <= 0xdbff && text.startsWith('\\u', end)) {
    const low = parseHex4(text, end + 2)
    if (low >= 0xdc00 && low <= 0xdfff)
      return { value: String.fromCharCode(unit, low), end: end + 6 }
  }
  // A following escape, if any, is read and syntax-checked by the caller's loop.
  return { value: '\uFFFD', end }
}

function readHex4(text: string, start: number): number {
  let value = 0
  for (let pos = start; pos < start + 4; pos++) {
    if (pos >= text.length) throw new JsonSyntaxError(UNEXPECTED_EOF)
    const digit = hexDigitValue(text.charCodeAt(pos))
    if (digit < 0) throw invalidCharacterAt(text, pos, 'in \\u hexadecimal character escape')
    value = value * 16 + digit
  }
  return value
}

/** Returns the value of four hex digits at `start`, or -1 where there are none. */
function parseHex4(text: string, start: number): number {
  if (start + 4 > text.length) return -1
  let value = 0
  for (let pos = start; pos < start + 4; pos++) {
    const digit = hexDigitValue(text.charCodeAt(pos))
    if (digit < 0) return -1
    value = value * 16 + digit
  }
  return value
}

function hexDigitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10
  return -1
}

/** Replaces lone surrogates with U+FFFD, as Go does with bytes that are not valid UTF-8. */
function wellFormed(segment: string): string {
  return segment.isWellFormed() ? segment : segment.toWellFormed()
}

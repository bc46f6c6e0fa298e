/** Go's `%q` formatting of strings, which Coder uses in several error details. */
import { escapedByte } from './utf8'

const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x5c: '\\\\',
  0x22: '\\"',
}

// Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u

/**
 * Quotes a string as Go's `strconv.Quote` (`%q`) does: printable characters stay, the usual
 * escapes are short, other ASCII controls become `\xNN`, other characters `\uNNNN` or
 * `\UNNNNNNNN`, and invalid bytes (surrogate escapes or lone surrogates) `\xNN` or U+FFFD.
 */
export function goQuote(value: string): string {
  let out = '"'
  for (const char of value) {
    const codePoint = char.codePointAt(0) as number
    const short = SHORT_ESCAPES[codePoint]
    if (short !== undefined) {
      out += short
      continue
    }
    const byte = escapedByte(codePoint)
    if (byte !== undefined) {
      out += `\\x${byte.toString(16).padStart(2, '0')}`
    } else if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      out += '\\ufffd'
    } else if (PRINTABLE.test(char)) {
      out += char
    } else if (codePoint < 0x80) {
      out += `\\x${codePoint.toString(16).padStart(2, '0')}`
    } else if (codePoint < 0x10000) {
      out += `\\u${codePoint.toString(16).padStart(4, '0')}`
    } else {
      out += `\\U${codePoint.toString(16).padStart(8, '0')}`
    }
  }
  return `${out}"`
}

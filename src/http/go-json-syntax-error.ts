/**
 * Go's JSON syntax errors. The message names the offending character, e.g. `invalid character
 * 'x' after object key`. Go's scanner works on bytes, so a non-ASCII character is reported by its
 * first UTF-8 byte, which Go prints as the Latin-1 character of that value (`é` becomes `'Ã'`).
 */

import { escapedByte } from './utf8'

/** A syntax error raised while parsing, which decodeFirstJsonValue returns as a result. */
export class JsonSyntaxError {
  constructor(readonly detail: string) {}
}

/** Go's `io.ErrUnexpectedEOF` text, for input that ends inside a value. */
export const UNEXPECTED_EOF = 'unexpected EOF'

/** Builds Go's SyntaxError for the character at `pos`, e.g. `invalid character 'x' <context>`. */
export function invalidCharacterAt(text: string, pos: number, context: string): JsonSyntaxError {
  const codePoint = text.codePointAt(pos) ?? 0
  return new JsonSyntaxError(`invalid character ${quoteChar(firstUtf8Byte(codePoint))} ${context}`)
}

/**
 * Formats one input byte as Go's scanner `quoteChar` does: `strconv.Quote` of the byte taken as
 * a Latin-1 rune, in single quotes, with `'` and `"` special-cased.
 */
export function quoteChar(byte: number): string {
  if (byte === 0x27) return `'\\''`
  if (byte === 0x22) return `'"'`
  return `'${goQuoteRune(byte)}'`
}

/** Returns the text between the quotes of `strconv.Quote(string(rune(b)))` for a rune below U+0100. */
function goQuoteRune(rune: number): string {
  switch (rune) {
    case 0x07:
      return '\\a'
    case 0x08:
      return '\\b'
    case 0x09:
      return '\\t'
    case 0x0a:
      return '\\n'
    case 0x0b:
      return '\\v'
    case 0x0c:
      return '\\f'
    case 0x0d:
      return '\\r'
    case 0x5c:
      return '\\\\'
  }
  if (rune < 0x20 || rune === 0x7f) return `\\x${rune.toString(16).padStart(2, '0')}`
  // U+0080–U+00A0 and the soft hyphen U+00AD are not graphic, so strconv.IsPrint rejects them.
  if ((rune >= 0x80 && rune <= 0xa0) || rune === 0xad) {
    return `\\u${rune.toString(16).padStart(4, '0')}`
  }
  return String.fromCharCode(rune)
}

/** Returns the first UTF-8 byte of a code point, the byte that Go's scanner reports. */
function firstUtf8Byte(codePoint: number): number {
  // An invalid input byte arrives as a surrogate escape (see utf8.ts) and is reported as itself.
  const escaped = escapedByte(codePoint)
  if (escaped !== undefined) return escaped
  // Other lone surrogates only come from callers that pass JS strings; U+FFFD starts with 0xEF.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 0xef
  if (codePoint < 0x80) return codePoint
  if (codePoint < 0x800) return 0xc0 | (codePoint >> 6)
  if (codePoint < 0x10000) return 0xe0 | (codePoint >> 12)
  return 0xf0 | (codePoint >> 18)
}

/**
 * UTF-8 decoding that keeps invalid bytes distinguishable. Go's JSON scanner reads bytes and
 * names an invalid byte in its error, so each byte that is not part of valid UTF-8 becomes the
 * lone surrogate U+DC00 + byte ("surrogate escape"). Valid UTF-8 never decodes to a lone
 * surrogate, so these cannot be confused with real text.
 */

const STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** First code unit of the escapes: a byte b decodes to U+DC00 + b. */
export const BYTE_ESCAPE_BASE = 0xdc00

/** Decodes UTF-8, turning each invalid byte into a surrogate escape; a BOM is kept. */
export function decodeUtf8KeepingInvalidBytes(bytes: Uint8Array): string {
  try {
    return STRICT.decode(bytes)
  } catch {
    return decodeSlowly(bytes)
  }
}

/** Returns the byte that a surrogate escape stands for, or undefined for any other code unit. */
export function escapedByte(codeUnit: number): number | undefined {
  return codeUnit >= BYTE_ESCAPE_BASE + 0x80 && codeUnit <= BYTE_ESCAPE_BASE + 0xff
    ? codeUnit - BYTE_ESCAPE_BASE
    : undefined
}

function decodeSlowly(bytes: Uint8Array): string {
  const parts: string[] = []
  let i = 0
  while (i < bytes.length) {
    const length = validSequenceLength(bytes, i)
    if (length === 0) {
      parts.push(String.fromCharCode(BYTE_ESCAPE_BASE + (bytes[i] as number)))
      i += 1
    } else {
      parts.push(STRICT.decode(bytes.subarray(i, i + length)))
      i += length
    }
  }
  return parts.join('')
}

/**
 * Returns the length of the valid UTF-8 sequence at `i` (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
 */
function validSequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number
  if (b0 < 0x80) return 1
  const continuation = (offset: number, low = 0x80, high = 0xbf) => {
    const b = bytes[i + offset]
    return b !== undefined && b >= low && b <= high
  }
  if (b0 >= 0xc2 && b0 <= 0xdf) return continuation(1) ? 2 : 0
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80
    const high = b0 === 0xed ? 0x9f : 0xbf
    return continuation(1, low, high) && continuation(2) ? 3 : 0
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80
    const high = b0 === 0xf4 ? 0x8f : 0xbf
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0
  }
  return 0
}

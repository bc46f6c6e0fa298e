/**
 * Session tokens in Coder's shape `<id>-<secret>`: a 10-character id stored in clear and a
 * 22-character secret of which only the SHA-256 is stored.
 */

export const TOKEN_ID_LENGTH = 10
export const TOKEN_SECRET_LENGTH = 22
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
// 248 = 4 × 62: bytes at or above it are dropped so that every character is equally likely.
const UNBIASED_BYTE_LIMIT = 256 - (256 % ALPHABET.length)

export interface SessionToken {
  id: string
  secret: string
  /** The `<id>-<secret>` string handed to the client. */
  token: string
}

/** Returns `length` characters drawn uniformly from `[0-9A-Za-z]` by rejection sampling. */
export function randomAlphanumeric(length: number): string {
  let out = ''
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array((length - out.length) * 2))
    for (const byte of bytes) {
      if (byte >= UNBIASED_BYTE_LIMIT) continue
      out += ALPHABET[byte % ALPHABET.length]
      if (out.length === length) break
    }
  }
  return out
}

/** Creates a new random session token. */
export function generateSessionToken(): SessionToken {
  const id = randomAlphanumeric(TOKEN_ID_LENGTH)
  const secret = randomAlphanumeric(TOKEN_SECRET_LENGTH)
  return { id, secret, token: `${id}-${secret}` }
}

export type TokenParseResult =
  { ok: true; id: string; secret: string } | { ok: false; detail: string }

/** Splits a token and checks its shape, with Coder's `detail` texts for each failure. */
export function parseSessionToken(token: string): TokenParseResult {
  const parts = token.split('-')
  if (parts.length !== 2) {
    return {
      ok: false,
      detail: `Invalid API key format: incorrect amount of API key parts, expected 2 got ${parts.length}`,
    }
  }
  const [id = '', secret = ''] = parts
  // Go's len() counts bytes, so the details report UTF-8 lengths.
  const idBytes = utf8Length(id)
  if (idBytes !== TOKEN_ID_LENGTH) {
    return {
      ok: false,
      detail: `Invalid API key format: invalid API key ID length, expected ${TOKEN_ID_LENGTH} got ${idBytes}`,
    }
  }
  const secretBytes = utf8Length(secret)
  if (secretBytes !== TOKEN_SECRET_LENGTH) {
    return {
      ok: false,
      detail: `Invalid API key format: invalid API key secret length, expected ${TOKEN_SECRET_LENGTH} got ${secretBytes}`,
    }
  }
  return { ok: true, id, secret }
}

/** Returns the lowercase hex SHA-256 of a UTF-8 string. */
export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))
  return bytesToHex(new Uint8Array(digest))
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const encoder = new TextEncoder()
  const left = encoder.encode(a)
  const right = encoder.encode(b)
  if (left.byteLength !== right.byteLength) return false
  return crypto.subtle.timingSafeEqual(left, right)
}

function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/**
 * The strength rule for every password that a user sets. It reproduces Coder's
 * userpassword.Validate exactly, and can add a common-password blocklist on top.
 */

import { COMMON_PASSWORDS } from './common-passwords'
import { formatInsecurePasswordMessage, getEntropy, getUtf8ByteLength } from './password-entropy'

/** Minimum entropy. Coder's userpassword.Validate passes 52 to go-password-validator v0.3.0. */
export const MIN_ENTROPY_BITS = 52

/**
 * Maximum length in UTF-8 bytes, from Coder's userpassword.Validate. Its message reads
 * "characters", but Go's `len` counts bytes, so `日本語` is 9 bytes long.
 */
export const MAX_PASSWORD_BYTES = 64

export const TOO_LONG_PASSWORD_MESSAGE = 'password must be no more than 64 characters'

export const COMMON_PASSWORD_MESSAGE =
  'password is too common, choose one that does not appear in lists of leaked passwords'

export interface PasswordCheckOptions {
  /** Also reject passwords from the common-password list, which Coder does not do. */
  blocklist: boolean
}

export type PasswordCheck = { valid: true } | { valid: false; details: string }

// The blocklist comes from @zxcvbn-ts/language-common 4.1.3, but the package is not imported at
// run time: its 49,233 entries add about 204 KB gzipped (esbuild --minify, then gzip) to a Worker
// whose whole gzipped bundle has a 300 KB budget. common-passwords.ts keeps only the entries that
// a password passing the entropy rule could match, about 12 KB gzipped, so no match is lost.
// The Set is built on the first lookup, so an isolate that never checks a password skips it.
let commonPasswordSet: ReadonlySet<string> | undefined

/**
 * Longest prefix, in UTF-16 code units, that the entropy rule reads. The unauthenticated
 * validate-password route accepts bodies up to 1 MiB, and the rule's cost grows with the length.
 * Any longer password fails anyway; NOTE: the message then comes from this prefix, so a password
 * that is weak only in its first 1024 units gets the entropy hint where Coder says it is too long.
 */
export const MAX_ENTROPY_CHECK_UNITS = 1024

/**
 * Checks `password` against Coder's rule: at least MIN_ENTROPY_BITS of entropy, else the
 * library's hint, and then at most MAX_PASSWORD_BYTES. With `options.blocklist`, a password that
 * passes both is also rejected when it is on the common-password list, compared without regard
 * to ASCII case.
 */
export function checkPassword(password: string, options: PasswordCheckOptions): PasswordCheck {
  // Go's encoding/json decodes each unpaired surrogate escape to U+FFFD, so Coder's validator
  // never receives one. JSON.parse keeps them, and distinct ones would each add 1 to the base.
  const text = password.toWellFormed()

  const checked =
    text.length > MAX_ENTROPY_CHECK_UNITS ? text.slice(0, MAX_ENTROPY_CHECK_UNITS) : text
  if (getEntropy(checked) < MIN_ENTROPY_BITS) {
    return { valid: false, details: formatInsecurePasswordMessage(checked) }
  }
  if (getUtf8ByteLength(text) > MAX_PASSWORD_BYTES) {
    return { valid: false, details: TOO_LONG_PASSWORD_MESSAGE }
  }
  if (options.blocklist && isCommonPassword(text)) {
    return { valid: false, details: COMMON_PASSWORD_MESSAGE }
  }
  return { valid: true }
}

/**
 * Reports whether the ASCII-lowercased `password` is on the list. Only ASCII letters are folded
 * because the list is ASCII, and because the list was filtered on the assumption that a match
 * differs from its entry in ASCII case only (see the header of common-passwords.ts).
 */
function isCommonPassword(password: string): boolean {
  commonPasswordSet ??= new Set(COMMON_PASSWORDS.split('\n'))
  return commonPasswordSet.has(toAsciiLowerCase(password))
}

function toAsciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase())
}

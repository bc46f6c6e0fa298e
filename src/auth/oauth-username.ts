/**
 * Usernames and display names for users created by GitHub or OpenID Connect sign-in, derived the
 * way Coder derives them (`codersdk.UsernameFrom`, `NormalizeRealUsername`).
 */
import type { Database } from '../db/client'
import { findUserByUsername } from '../db/users'
import { isValidUsername, utf8ByteLength } from '../http/go-validate'
import { randomAlphanumeric } from './session-token'

/** Coder tries 10 alternatives for a taken username before it gives up with a 409. */
export const USERNAME_ALTERNATIVE_ATTEMPTS = 10
/** Coder cuts display names to 128 bytes (`user_real_name`). */
const REAL_NAME_MAX_BYTES = 128
const RANDOM_SUFFIX_LENGTH = 6

/**
 * Returns `candidate` when it is a valid username. Otherwise it tries the part before the last
 * `@`, keeping only ASCII letters, digits and hyphens, and falls back to a random name.
 */
export function usernameFrom(candidate: string): string {
  if (isValidUsername(candidate)) return candidate
  const at = candidate.lastIndexOf('@')
  const local = (at >= 0 ? candidate.slice(0, at) : candidate).replace(/[^a-zA-Z0-9-]/g, '')
  if (isValidUsername(local)) return local
  // Coder picks a random "adjective-surname" pair here; a random lowercase word does the same job.
  return `user-${randomWord()}`
}

/**
 * Returns `username` if no user that is not deleted has it, else the first free of
 * `<username>-<random>` alternatives, or null when every attempt was taken. Another sign-in may
 * take the name before the insert; the insert's unique index catches that.
 */
export async function findFreeUsername(db: Database, username: string): Promise<string | null> {
  if (!(await findUserByUsername(db, username))) return username
  for (let attempt = 0; attempt < USERNAME_ALTERNATIVE_ATTEMPTS; attempt += 1) {
    const alternative = usernameFrom(`${username}-${randomWord()}`)
    if (!(await findUserByUsername(db, alternative))) return alternative
  }
  return null
}

/** Trims a display name and cuts it to Coder's 128-byte limit without splitting a character. */
export function normalizeRealName(name: string): string {
  const trimmed = name.trim()
  if (utf8ByteLength(trimmed) <= REAL_NAME_MAX_BYTES) return trimmed
  let prefix = ''
  let bytes = 0
  for (const character of trimmed) {
    bytes += utf8ByteLength(character)
    if (bytes > REAL_NAME_MAX_BYTES) break
    prefix += character
  }
  return prefix.trimEnd()
}

function randomWord(): string {
  return randomAlphanumeric(RANDOM_SUFFIX_LENGTH).toLowerCase()
}

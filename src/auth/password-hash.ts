/**
 * Password hashing for the Worker: argon2id for new hashes, and verification of both argon2id
 * PHC strings and the PBKDF2 strings that Coder writes, so that imported Coder users can log in
 * and get rehashed.
 *
 * argon2id runs in the WebAssembly build of @phi-ag/argon2. workerd forbids compiling wasm at
 * run time, so the module is imported precompiled (wrangler and the vitest plugin turn a `.wasm`
 * import into a `WebAssembly.Module`). The package's own `Argon2` class is not used, because
 * version 0.5.28 passes `password.length` (UTF-16 code units) as the byte length of the UTF-8
 * password, so it hashes only a prefix of any non-ASCII password ('ä' and 'Ã' collide). This
 * module calls the wasm exports itself with the UTF-8 byte length.
 */
import argon2Wasm from '@phi-ag/argon2/argon2.wasm'

/** Argon2id memory cost in KiB: the OWASP Password Storage Cheat Sheet minimum (19 MiB). */
export const ARGON2_MEMORY_KIB = 19456
/** Argon2id passes over memory: the OWASP Password Storage Cheat Sheet minimum. */
export const ARGON2_TIME_COST = 2
/** Argon2id lanes: OWASP's minimum configuration uses 1, and workerd has no threads anyway. */
export const ARGON2_PARALLELISM = 1
/** Salt length in bytes (128 bits), the length @node-rs/argon2 and Coder generate. */
export const ARGON2_SALT_BYTES = 16
/** Hash output length in bytes (256 bits), the default of @node-rs/argon2. */
export const ARGON2_HASH_BYTES = 32

/**
 * Largest argon2id memory cost accepted from a stored hash, in KiB. The wasm heap grows to fit
 * the largest memory cost used and never shrinks, and a Worker isolate may use 128 MB. Measured in
 * Node 22 with @phi-ag/argon2 0.5.28: 19 MB after a 19 MiB hash, 83 MB after a 64 MiB hash.
 */
export const ARGON2_MAX_MEMORY_KIB = 65536
/** Largest argon2id time cost accepted from a stored hash, which bounds CPU time per login. */
export const ARGON2_MAX_TIME_COST = 10

/** PBKDF2-HMAC-SHA256 derived key length in bytes that Coder writes and compares. */
export const PBKDF2_KEY_BYTES = 64
/**
 * Largest PBKDF2 iteration count accepted from a stored hash. Cloudflare's production Workers
 * reject WebCrypto PBKDF2 above 100,000 iterations, and local workerd does not, so this check is
 * the only thing that keeps such a hash from turning into a 500 in production. Coder writes
 * 65,535 iterations.
 */
export const PBKDF2_MAX_ITERATIONS = 100_000

/**
 * Fixed argon2id hash at the current parameters that unknown users and corrupt stored hashes are
 * checked against, so that the response time does not reveal whether an account exists. Made
 * once with @node-rs/argon2 2.2.1 (m=19456, t=2, p=1, 32-byte output) from 32 random bytes as
 * the password and a random 16-byte salt, and both were discarded. Whatever this hash verifies,
 * the caller gets `no_hash` or `invalid_hash`, never a match (unlike Coder, whose dummy hash of
 * `hunter2` lets that password through for unknown emails).
 */
export const DUMMY_ARGON2ID_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$lmDDYmy/oFHrQ5aCd4DVhw$ccKjpLb1boctaBiwaA9U7TpHuVTMPcmmsxBrseTUWjs'

/** Outcome of checking a password against a stored hash. */
export type PasswordCheck =
  | { match: true; needsRehash: boolean }
  | { match: false; reason: 'mismatch' | 'no_hash' | 'invalid_hash' }

/** Argon2 parameters and raw values decoded from a PHC string. */
interface Argon2idHash {
  memoryKib: number
  timeCost: number
  parallelism: number
  salt: Uint8Array
  hash: Uint8Array
}

/** PBKDF2 parameters and raw values decoded from Coder's hash string. */
interface Pbkdf2Hash {
  iterations: number
  salt: Uint8Array
  hash: Uint8Array
}

/** Exports of @phi-ag/argon2's wasm build: the reference argon2 C API compiled by emscripten. */
interface Argon2WasmExports {
  memory: WebAssembly.Memory
  _initialize(): void
  malloc(size: number): number
  free(pointer: number): void
  argon2_hash(
    timeCost: number,
    memoryKib: number,
    parallelism: number,
    passwordPointer: number,
    passwordLength: number,
    saltPointer: number,
    saltLength: number,
    hashPointer: number,
    hashLength: number,
    encodedPointer: number,
    encodedLength: number,
    type: number,
    version: number,
  ): number
}

// Values of argon2_type and argon2_version in the reference argon2.h.
const ARGON2ID_TYPE = 2
const ARGON2_VERSION_13 = 0x13

// Bounds for every stored hash. 8 bytes is the minimum salt length of the reference argon2
// implementation, and 16 bytes (128 bits) is the shortest output accepted as a match. The 64-byte
// caps keep parsing cheap, and no supported writer produces more.
const STORED_SALT_MIN_BYTES = 8
const STORED_SALT_MAX_BYTES = 64
const STORED_ARGON2_HASH_MIN_BYTES = 16
const STORED_ARGON2_HASH_MAX_BYTES = 64

const ARGON2ID_PHC =
  /^\$argon2id\$v=19\$m=([1-9]\d{0,9}),t=([1-9]\d{0,9}),p=([1-9]\d{0,9})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/
const CODER_PBKDF2 = /^\$pbkdf2-sha256\$([1-9]\d{0,9})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

const utf8 = new TextEncoder()

let argon2Exports: Promise<Argon2WasmExports> | undefined

/** Instantiates the argon2 wasm once per isolate, on first use. */
function loadArgon2(): Promise<Argon2WasmExports> {
  argon2Exports ??= WebAssembly.instantiate(argon2Wasm).then((instance) => {
    const exports = instance.exports as unknown as Argon2WasmExports
    exports._initialize()
    return exports
  })
  return argon2Exports
}

/**
 * Computes a raw argon2id hash. Throws only on allocation failure or an argon2 error code, which
 * the bounds checks on stored parameters rule out for valid input.
 */
async function computeArgon2id(
  password: string,
  salt: Uint8Array,
  memoryKib: number,
  timeCost: number,
  hashLength: number,
): Promise<Uint8Array> {
  const wasm = await loadArgon2()
  const passwordBytes = utf8.encode(password)
  // malloc(0) may return 0, which argon2 treats as a missing buffer, so allocate at least 1 byte.
  const passwordPointer = wasm.malloc(Math.max(passwordBytes.length, 1))
  const saltPointer = wasm.malloc(salt.length)
  const hashPointer = wasm.malloc(hashLength)
  try {
    if (passwordPointer === 0 || saltPointer === 0 || hashPointer === 0) {
      throw new Error('argon2: wasm malloc failed')
    }
    // Take a fresh view after every malloc, because growing the memory detaches the old buffer.
    new Uint8Array(wasm.memory.buffer).set(passwordBytes, passwordPointer)
    new Uint8Array(wasm.memory.buffer).set(salt, saltPointer)
    // An encoded pointer of 0 makes argon2 write the raw hash only.
    const code = wasm.argon2_hash(
      timeCost,
      memoryKib,
      ARGON2_PARALLELISM,
      passwordPointer,
      passwordBytes.length,
      saltPointer,
      salt.length,
      hashPointer,
      hashLength,
      0,
      0,
      ARGON2ID_TYPE,
      ARGON2_VERSION_13,
    )
    if (code !== 0) {
      throw new Error(`argon2: argon2_hash failed with error code ${code}`)
    }
    return new Uint8Array(wasm.memory.buffer).slice(hashPointer, hashPointer + hashLength)
  } finally {
    // Wipe the password from the wasm heap, which lives as long as the isolate. free(0) is a
    // no-op, as in C.
    if (passwordPointer !== 0) {
      new Uint8Array(wasm.memory.buffer).fill(
        0,
        passwordPointer,
        passwordPointer + passwordBytes.length,
      )
    }
    wasm.free(passwordPointer)
    wasm.free(saltPointer)
    wasm.free(hashPointer)
  }
}

/**
 * Hashes a password with argon2id at the current parameters and a random 16-byte salt, and
 * returns the PHC string `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (base64 without padding).
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(ARGON2_SALT_BYTES))
  const hash = await computeArgon2id(
    password,
    salt,
    ARGON2_MEMORY_KIB,
    ARGON2_TIME_COST,
    ARGON2_HASH_BYTES,
  )
  const params = `m=${ARGON2_MEMORY_KIB},t=${ARGON2_TIME_COST},p=${ARGON2_PARALLELISM}`
  return `$argon2id$v=19$${params}$${encodeBase64NoPadding(salt)}$${encodeBase64NoPadding(hash)}`
}

/**
 * Checks a password against a stored argon2id PHC string or Coder PBKDF2 string. A missing or
 * malformed stored hash returns `no_hash` or `invalid_hash` after one argon2id verification at
 * the current parameters, like a real check. It rejects only if wasm memory allocation fails.
 */
export async function verifyPassword(
  password: string,
  stored: string | null,
): Promise<PasswordCheck> {
  if (stored === null || stored === '') {
    await verifyDummyHash(password)
    return { match: false, reason: 'no_hash' }
  }

  const argon2id = parseArgon2idHash(stored)
  if (argon2id !== null) {
    const computed = await computeArgon2id(
      password,
      argon2id.salt,
      argon2id.memoryKib,
      argon2id.timeCost,
      argon2id.hash.length,
    )
    if (!timingSafeEqual(computed, argon2id.hash)) {
      return { match: false, reason: 'mismatch' }
    }
    const needsRehash =
      argon2id.memoryKib !== ARGON2_MEMORY_KIB ||
      argon2id.timeCost !== ARGON2_TIME_COST ||
      argon2id.parallelism !== ARGON2_PARALLELISM ||
      argon2id.salt.length !== ARGON2_SALT_BYTES ||
      argon2id.hash.length !== ARGON2_HASH_BYTES
    return { match: true, needsRehash }
  }

  const pbkdf2 = parseCoderPbkdf2Hash(stored)
  if (pbkdf2 !== null) {
    // NOTE: PBKDF2 at Coder's 65,535 iterations is faster than argon2id (about 18 ms against
    // 25 ms, measured in local workerd on a 2-core machine), so a client that measures login
    // latency can tell that an email has a Coder hash that is not yet rehashed.
    const computed = await computePbkdf2Sha256(password, pbkdf2.salt, pbkdf2.iterations)
    if (!timingSafeEqual(computed, pbkdf2.hash)) {
      return { match: false, reason: 'mismatch' }
    }
    return { match: true, needsRehash: true }
  }

  await verifyDummyHash(password)
  return { match: false, reason: 'invalid_hash' }
}

/** Spends one argon2id verification against the dummy hash and discards the result. */
async function verifyDummyHash(password: string): Promise<void> {
  const dummy = parseArgon2idHash(DUMMY_ARGON2ID_HASH)
  if (dummy === null) {
    throw new Error('DUMMY_ARGON2ID_HASH is not a valid argon2id PHC string')
  }
  const computed = await computeArgon2id(
    password,
    dummy.salt,
    dummy.memoryKib,
    dummy.timeCost,
    dummy.hash.length,
  )
  timingSafeEqual(computed, dummy.hash)
}

/**
 * Decodes `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>`. Returns null for any other
 * shape or for parameters out of bounds, including argon2i, argon2d and version 0x10.
 */
function parseArgon2idHash(stored: string): Argon2idHash | null {
  const fields = ARGON2ID_PHC.exec(stored)
  if (fields === null) return null
  const [, memory, time, lanes, saltText, hashText] = fields
  const memoryKib = Number(memory)
  const timeCost = Number(time)
  const parallelism = Number(lanes)
  // The argon2 specification requires at least 8 KiB per lane.
  if (memoryKib < 8 * parallelism || memoryKib > ARGON2_MAX_MEMORY_KIB) return null
  if (timeCost > ARGON2_MAX_TIME_COST) return null
  // Lanes run one after another in wasm, and every hash we write uses 1.
  if (parallelism !== ARGON2_PARALLELISM) return null

  const salt = decodeBase64NoPadding(saltText ?? '')
  const hash = decodeBase64NoPadding(hashText ?? '')
  if (salt === null || hash === null) return null
  if (salt.length < STORED_SALT_MIN_BYTES || salt.length > STORED_SALT_MAX_BYTES) return null
  if (hash.length < STORED_ARGON2_HASH_MIN_BYTES || hash.length > STORED_ARGON2_HASH_MAX_BYTES) {
    return null
  }
  return { memoryKib, timeCost, parallelism, salt, hash }
}

/**
 * Decodes Coder's `$pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64 without padding, 64-byte
 * key). Returns null for any other shape, a key of another length, or iterations above
 * PBKDF2_MAX_ITERATIONS.
 */
function parseCoderPbkdf2Hash(stored: string): Pbkdf2Hash | null {
  const fields = CODER_PBKDF2.exec(stored)
  if (fields === null) return null
  const [, iterationText, saltText, hashText] = fields
  const iterations = Number(iterationText)
  if (iterations > PBKDF2_MAX_ITERATIONS) return null

  const salt = decodeBase64NoPadding(saltText ?? '')
  const hash = decodeBase64NoPadding(hashText ?? '')
  if (salt === null || hash === null) return null
  if (salt.length < STORED_SALT_MIN_BYTES || salt.length > STORED_SALT_MAX_BYTES) return null
  if (hash.length !== PBKDF2_KEY_BYTES) return null
  return { iterations, salt, hash }
}

async function computePbkdf2Sha256(
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ])
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    PBKDF2_KEY_BYTES * 8,
  )
  return new Uint8Array(bits)
}

/** Compares two byte arrays in time that depends only on their lengths, which are not secret. */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let i = 0; i < a.length; i++) {
    difference |= (a[i] ?? 0) ^ (b[i] ?? 0)
  }
  return difference === 0
}

/**
 * Decodes standard base64 without padding, as PHC strings and Go's RawStdEncoding write it.
 * Returns null for other characters, an impossible length, or non-zero trailing bits, because
 * neither Coder nor the reference argon2 encoder produces those.
 */
function decodeBase64NoPadding(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return null
  const binary = atob(text.padEnd(Math.ceil(text.length / 4) * 4, '='))
  const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0))
  if (encodeBase64NoPadding(bytes) !== text) return null
  return bytes
}

function encodeBase64NoPadding(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/=+$/, '')
}

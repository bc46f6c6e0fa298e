import { describe, expect, it } from 'vitest'
import {
  ARGON2_MEMORY_KIB,
  ARGON2_PARALLELISM,
  ARGON2_TIME_COST,
  DUMMY_ARGON2ID_HASH,
  hashPassword,
  verifyPassword,
} from '../src/auth/password-hash'

// Fixtures made in Node 22 and committed, so that these tests prove that hashes written outside
// the Worker verify inside workerd. test/node/password-hash-interop.test.ts checks the same
// strings against @node-rs/argon2 and node:crypto.

/** @node-rs/argon2 2.2.1, m=19456, t=2, p=1, random 16-byte salt. */
const NODE_RS_PASSWORD = 'Grüße, Jürgen ❤ 42'
const NODE_RS_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$XrhvzvGAZlbznlpcPYNNZA$YJRBG3WSM6rZtZFXKMZEE7R0oKRWKRsOWTn2ZMHYEQY'

/** @node-rs/argon2 2.2.1, m=8192, t=1, p=1: weaker than the current parameters. */
const WEAK_PASSWORD = 'weak-params-password'
const WEAK_HASH =
  '$argon2id$v=19$m=8192,t=1,p=1$z+l4BlvhCLF9hUlLWHwRrw$1aOx/HjgjTGZqImL3yJMnfpz/6rDS3UQJRGalIvQFxc'

/** @node-rs/argon2 2.2.1, m=19456, t=3, p=1: stronger than the current parameters. */
const STRONG_PASSWORD = 'strong-params-password'
const STRONG_HASH =
  '$argon2id$v=19$m=19456,t=3,p=1$qhpEIQZedSZR6RWF48T4tg$IrhMIeMIx/QEH/fZFRaWXs1C46m/VkrH/G5UehQq+6s'

/**
 * Coder's format, made with crypto.pbkdf2Sync(password, randomBytes(16), iterations, 64,
 * 'sha256') and base64 without padding.
 */
const PBKDF2_PASSWORD = 'coder-imported-password'
const PBKDF2_HASH =
  '$pbkdf2-sha256$65535$7HsOV2Slddk2raGoA6Jj4g$TqB5x2WfUhsSCPCmxqmRqholfIVpNiHBPaNxgY1ShBghBCBu+b9dTevjTqPTwfHUkcmo+JRlOto/u89UtNQHpA'
const PBKDF2_AT_CAP_HASH =
  '$pbkdf2-sha256$100000$LRfS8eYIjcPYBJ5elEO3Nw$lI3yhLhb7WAdeKthfeELMEhc4zcoMr+czCOHeedRa77fEHf86ypfrhVJA6nODkyvOSWJCpiUMwtnovCX1Wlw+Q'
const PBKDF2_OVER_CAP_HASH =
  '$pbkdf2-sha256$100001$9A83q7yWylaZ35zmhQpTlQ$Mev+d23ccKbgMAbcv4fA+T7sRXtK7h8gZBrJXVcSGxNaz5JJ9mCMCqTI51VTrSUBXfsYtl2Iy5TVNGKoPLzCyA'

const PHC_FORMAT = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/

const NODE_RS_SALT = 'XrhvzvGAZlbznlpcPYNNZA'
const NODE_RS_DIGEST = 'YJRBG3WSM6rZtZFXKMZEE7R0oKRWKRsOWTn2ZMHYEQY'
const PBKDF2_SALT = '7HsOV2Slddk2raGoA6Jj4g'
const PBKDF2_DIGEST =
  'TqB5x2WfUhsSCPCmxqmRqholfIVpNiHBPaNxgY1ShBghBCBu+b9dTevjTqPTwfHUkcmo+JRlOto/u89UtNQHpA'

describe('hashPassword', () => {
  it('writes PHC string with current parameters', async () => {
    const encoded = await hashPassword('correct horse battery staple')

    expect(encoded).toMatch(PHC_FORMAT)
    expect(encoded).toContain(
      `$m=${ARGON2_MEMORY_KIB},t=${ARGON2_TIME_COST},p=${ARGON2_PARALLELISM}$`,
    )
  })

  it('uses a fresh salt for every hash', async () => {
    const first = await hashPassword('same password')
    const second = await hashPassword('same password')

    expect(first).not.toBe(second)
    expect(first.split('$')[4]).not.toBe(second.split('$')[4])
  })
})

describe('verifyPassword with argon2id', () => {
  it('matches the password it hashed', async () => {
    const encoded = await hashPassword('correct horse battery staple')

    expect(await verifyPassword('correct horse battery staple', encoded)).toEqual({
      match: true,
      needsRehash: false,
    })
  })

  it('rejects a wrong password', async () => {
    const encoded = await hashPassword('correct horse battery staple')

    expect(await verifyPassword('correct horse battery stapler', encoded)).toEqual({
      match: false,
      reason: 'mismatch',
    })
    expect(await verifyPassword('', encoded)).toEqual({ match: false, reason: 'mismatch' })
  })

  it('hashes all bytes of non-ASCII passwords', async () => {
    // 'ä' and 'Ã' share their first UTF-8 byte (0xC3), so hashing only as many bytes as the
    // string has UTF-16 code units would make them collide.
    const encoded = await hashPassword('ä')

    expect(await verifyPassword('ä', encoded)).toEqual({ match: true, needsRehash: false })
    expect(await verifyPassword('Ã', encoded)).toEqual({ match: false, reason: 'mismatch' })
    expect(await verifyPassword('a', encoded)).toEqual({ match: false, reason: 'mismatch' })
  })

  it('keeps characters after a NUL', async () => {
    const encoded = await hashPassword('before\0after')

    expect(await verifyPassword('before\0after', encoded)).toMatchObject({ match: true })
    expect(await verifyPassword('before', encoded)).toMatchObject({ match: false })
    expect(await verifyPassword('before\0other', encoded)).toMatchObject({ match: false })
  })

  it('verifies a hash made by @node-rs/argon2', async () => {
    expect(await verifyPassword(NODE_RS_PASSWORD, NODE_RS_HASH)).toEqual({
      match: true,
      needsRehash: false,
    })
    expect(await verifyPassword('Grusse, Jurgen ❤ 42', NODE_RS_HASH)).toEqual({
      match: false,
      reason: 'mismatch',
    })
  })

  it('asks for a rehash of weaker parameters', async () => {
    expect(await verifyPassword(WEAK_PASSWORD, WEAK_HASH)).toEqual({
      match: true,
      needsRehash: true,
    })
  })

  it('asks for a rehash of stronger parameters', async () => {
    expect(await verifyPassword(STRONG_PASSWORD, STRONG_HASH)).toEqual({
      match: true,
      needsRehash: true,
    })
  })

  it('does not ask for a rehash on mismatch', async () => {
    expect(await verifyPassword('wrong', WEAK_HASH)).toEqual({ match: false, reason: 'mismatch' })
  })
})

describe('verifyPassword with Coder PBKDF2', () => {
  it('matches and asks for a rehash', async () => {
    expect(await verifyPassword(PBKDF2_PASSWORD, PBKDF2_HASH)).toEqual({
      match: true,
      needsRehash: true,
    })
  })

  it('rejects a wrong password', async () => {
    expect(await verifyPassword('coder-imported-passwords', PBKDF2_HASH)).toEqual({
      match: false,
      reason: 'mismatch',
    })
    expect(await verifyPassword('', PBKDF2_HASH)).toEqual({ match: false, reason: 'mismatch' })
  })

  it('accepts exactly 100,000 iterations', async () => {
    expect(await verifyPassword(PBKDF2_PASSWORD, PBKDF2_AT_CAP_HASH)).toEqual({
      match: true,
      needsRehash: true,
    })
  })

  it('returns invalid_hash above 100,000 iterations', async () => {
    // The hash is genuine, so only the iteration cap can turn it into invalid_hash.
    await expect(verifyPassword(PBKDF2_PASSWORD, PBKDF2_OVER_CAP_HASH)).resolves.toEqual({
      match: false,
      reason: 'invalid_hash',
    })
  })
})

describe('verifyPassword without a usable hash', () => {
  it('returns no_hash for null', async () => {
    expect(await verifyPassword('anything', null)).toEqual({ match: false, reason: 'no_hash' })
  })

  it('returns no_hash for an empty string', async () => {
    expect(await verifyPassword('anything', '')).toEqual({ match: false, reason: 'no_hash' })
  })

  it('never matches for a missing hash', async () => {
    // Coder checks unknown users against a hash of 'hunter2', so that password passes its check.
    for (const password of ['hunter2', '', 'password']) {
      expect(await verifyPassword(password, null)).toEqual({ match: false, reason: 'no_hash' })
    }
  })

  it('never matches the dummy hash itself', async () => {
    // The dummy hash is well-formed, so verifying against it directly takes the argon2id path.
    expect(await verifyPassword('hunter2', DUMMY_ARGON2ID_HASH)).toEqual({
      match: false,
      reason: 'mismatch',
    })
  })

  const malformed: Array<[string, string]> = [
    ['plain text', 'hunter2'],
    ['whitespace only', ' '],
    ['trailing newline', `${NODE_RS_HASH}\n`],
    ['leading space', ` ${NODE_RS_HASH}`],
    ['argon2id without hash segment', `$argon2id$v=19$m=19456,t=2,p=1$${NODE_RS_SALT}`],
    ['argon2id with extra segment', `${NODE_RS_HASH}$AAAA`],
    ['argon2id with empty hash segment', `$argon2id$v=19$m=19456,t=2,p=1$${NODE_RS_SALT}$`],
    ['argon2id without version', `$argon2id$m=19456,t=2,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`],
    ['argon2id version 16', `$argon2id$v=16$m=19456,t=2,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`],
    [
      'argon2id params reordered',
      `$argon2id$v=19$t=2,m=19456,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`,
    ],
    [
      'argon2id memory over cap',
      `$argon2id$v=19$m=65537,t=2,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`,
    ],
    ['argon2id memory under 8 KiB', `$argon2id$v=19$m=4,t=2,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`],
    [
      'argon2id time cost over cap',
      `$argon2id$v=19$m=19456,t=11,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`,
    ],
    ['argon2id time cost zero', `$argon2id$v=19$m=19456,t=0,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`],
    ['argon2id parallelism 2', `$argon2id$v=19$m=19456,t=2,p=2$${NODE_RS_SALT}$${NODE_RS_DIGEST}`],
    [
      'argon2id huge memory',
      `$argon2id$v=19$m=99999999999,t=2,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`,
    ],
    ['argon2id bad base64 salt', `$argon2id$v=19$m=19456,t=2,p=1$!!!!!!!!$${NODE_RS_DIGEST}`],
    ['argon2id padded salt', `$argon2id$v=19$m=19456,t=2,p=1$${NODE_RS_SALT}==$${NODE_RS_DIGEST}`],
    [
      'argon2id non-canonical salt',
      `$argon2id$v=19$m=19456,t=2,p=1$XrhvzvGAZlbznlpcPYNNZB$${NODE_RS_DIGEST}`,
    ],
    [
      'argon2id impossible base64 length',
      `$argon2id$v=19$m=19456,t=2,p=1$${NODE_RS_SALT}AAA$${NODE_RS_DIGEST}`,
    ],
    ['argon2id salt under 8 bytes', `$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAA$${NODE_RS_DIGEST}`],
    [
      'argon2id hash under 16 bytes',
      `$argon2id$v=19$m=19456,t=2,p=1$${NODE_RS_SALT}$AAAAAAAAAAAAAAAAAAAA`,
    ],
    ['argon2i', `$argon2i$v=19$m=19456,t=2,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`],
    ['argon2d', `$argon2d$v=19$m=19456,t=2,p=1$${NODE_RS_SALT}$${NODE_RS_DIGEST}`],
    ['bcrypt', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
    ['scheme only', '$pbkdf2-sha256$'],
    ['pbkdf2 without hash segment', `$pbkdf2-sha256$65535$${PBKDF2_SALT}`],
    ['pbkdf2 with extra segment', `${PBKDF2_HASH}$AAAA`],
    ['pbkdf2 non-numeric iterations', `$pbkdf2-sha256$lots$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
    ['pbkdf2 zero iterations', `$pbkdf2-sha256$0$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
    ['pbkdf2 negative iterations', `$pbkdf2-sha256$-1$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
    ['pbkdf2 signed iterations', `$pbkdf2-sha256$+65535$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
    ['pbkdf2 leading-zero iterations', `$pbkdf2-sha256$065535$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
    ['pbkdf2 fractional iterations', `$pbkdf2-sha256$65535.0$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
    [
      'pbkdf2 huge iterations',
      `$pbkdf2-sha256$99999999999999999999$${PBKDF2_SALT}$${PBKDF2_DIGEST}`,
    ],
    [
      'pbkdf2 bad base64 hash',
      `$pbkdf2-sha256$65535$${PBKDF2_SALT}$${PBKDF2_DIGEST.slice(0, -2)}-_`,
    ],
    ['pbkdf2 padded hash', `$pbkdf2-sha256$65535$${PBKDF2_SALT}$${PBKDF2_DIGEST}==`],
    ['pbkdf2 32-byte key', `$pbkdf2-sha256$65535$${PBKDF2_SALT}$${'A'.repeat(43)}`],
    ['pbkdf2 empty salt', `$pbkdf2-sha256$65535$$${PBKDF2_DIGEST}`],
    ['pbkdf2-sha512', `$pbkdf2-sha512$65535$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
    ['Django pbkdf2', `pbkdf2_sha256$65535$${PBKDF2_SALT}$${PBKDF2_DIGEST}`],
  ]

  it.each(malformed)('returns invalid_hash for %s', async (_name, stored) => {
    await expect(verifyPassword(PBKDF2_PASSWORD, stored)).resolves.toEqual({
      match: false,
      reason: 'invalid_hash',
    })
  })
})

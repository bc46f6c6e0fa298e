import { readFile } from 'node:fs/promises'
import { pbkdf2Sync } from 'node:crypto'
import { hash, parseOptions, verify } from '@node-rs/argon2'
import initializePhiArgon2 from '@phi-ag/argon2/node'
import { describe, expect, it, vi } from 'vitest'
import {
  ARGON2_HASH_BYTES,
  ARGON2_MEMORY_KIB,
  ARGON2_PARALLELISM,
  ARGON2_SALT_BYTES,
  ARGON2_TIME_COST,
  DUMMY_ARGON2ID_HASH,
  hashPassword,
  verifyPassword,
} from '../../src/auth/password-hash'

// In the Worker, wrangler turns this import into a precompiled WebAssembly.Module. Node has no
// such loader, so compile the same file from the package here.
vi.mock('@phi-ag/argon2/argon2.wasm', async () => {
  const path = new URL('../../node_modules/@phi-ag/argon2/dist/argon2.wasm', import.meta.url)
  return { default: new WebAssembly.Module(await readFile(path)) }
})

// Values of @node-rs/argon2's const enums Algorithm.Argon2id and Version.V0x13.
const ALGORITHM_ARGON2ID = 2
const VERSION_0X13 = 1

const NODE_RS_OPTIONS = {
  algorithm: ALGORITHM_ARGON2ID,
  version: VERSION_0X13,
  memoryCost: ARGON2_MEMORY_KIB,
  timeCost: ARGON2_TIME_COST,
  parallelism: ARGON2_PARALLELISM,
  outputLen: ARGON2_HASH_BYTES,
}

const CURRENT_PARAMETERS = {
  algorithm: ALGORITHM_ARGON2ID,
  version: VERSION_0X13,
  memoryCost: ARGON2_MEMORY_KIB,
  timeCost: ARGON2_TIME_COST,
  parallelism: ARGON2_PARALLELISM,
  outputLen: ARGON2_HASH_BYTES,
  saltLen: ARGON2_SALT_BYTES,
}

const PASSWORDS = [
  'correct horse battery staple',
  'Grüße, Jürgen ❤ 42',
  'ä',
  '😀 emoji',
  'before\0after',
  ' spaces around ',
  'x'.repeat(1000),
]

// The same committed fixtures as test/password-hash.test.ts, which verifies them inside workerd.
// Here the reference implementations confirm that each one encodes the stated password.
const ARGON2_FIXTURES = [
  {
    password: 'Grüße, Jürgen ❤ 42',
    encoded:
      '$argon2id$v=19$m=19456,t=2,p=1$XrhvzvGAZlbznlpcPYNNZA$YJRBG3WSM6rZtZFXKMZEE7R0oKRWKRsOWTn2ZMHYEQY',
  },
  {
    password: 'weak-params-password',
    encoded:
      '$argon2id$v=19$m=8192,t=1,p=1$z+l4BlvhCLF9hUlLWHwRrw$1aOx/HjgjTGZqImL3yJMnfpz/6rDS3UQJRGalIvQFxc',
  },
  {
    password: 'strong-params-password',
    encoded:
      '$argon2id$v=19$m=19456,t=3,p=1$qhpEIQZedSZR6RWF48T4tg$IrhMIeMIx/QEH/fZFRaWXs1C46m/VkrH/G5UehQq+6s',
  },
]
const PBKDF2_PASSWORD = 'coder-imported-password'
const PBKDF2_FIXTURES = [
  '$pbkdf2-sha256$65535$7HsOV2Slddk2raGoA6Jj4g$TqB5x2WfUhsSCPCmxqmRqholfIVpNiHBPaNxgY1ShBghBCBu+b9dTevjTqPTwfHUkcmo+JRlOto/u89UtNQHpA',
  '$pbkdf2-sha256$100000$LRfS8eYIjcPYBJ5elEO3Nw$lI3yhLhb7WAdeKthfeELMEhc4zcoMr+czCOHeedRa77fEHf86ypfrhVJA6nODkyvOSWJCpiUMwtnovCX1Wlw+Q',
  '$pbkdf2-sha256$100001$9A83q7yWylaZ35zmhQpTlQ$Mev+d23ccKbgMAbcv4fA+T7sRXtK7h8gZBrJXVcSGxNaz5JJ9mCMCqTI51VTrSUBXfsYtl2Iy5TVNGKoPLzCyA',
]

/** Recomputes a Coder PBKDF2 string with node:crypto and compares it with the stored one. */
function verifyCoderPbkdf2(encoded: string, password: string): boolean {
  const [, scheme, iterations, salt, digest] = encoded.split('$')
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !digest) return false
  const key = pbkdf2Sync(password, Buffer.from(salt, 'base64'), Number(iterations), 64, 'sha256')
  return key.toString('base64').replace(/=+$/, '') === digest
}

describe('hashPassword against @node-rs/argon2', () => {
  it.each(PASSWORDS)('writes a hash @node-rs/argon2 verifies: %j', async (password) => {
    const encoded = await hashPassword(password)

    expect(await verify(encoded, password)).toBe(true)
    expect(await verify(encoded, `${password}!`)).toBe(false)
  })

  it('writes exactly the current parameters', async () => {
    const encoded = await hashPassword('correct horse battery staple')

    expect(parseOptions(encoded)).toEqual(CURRENT_PARAMETERS)
  })
})

describe('verifyPassword against @node-rs/argon2', () => {
  it.each(PASSWORDS)('verifies a @node-rs/argon2 hash: %j', async (password) => {
    const encoded = await hash(password, NODE_RS_OPTIONS)

    expect(await verifyPassword(password, encoded)).toEqual({ match: true, needsRehash: false })
    expect(await verifyPassword(`${password}!`, encoded)).toEqual({
      match: false,
      reason: 'mismatch',
    })
  })
})

describe('@phi-ag/argon2 Argon2 class against @node-rs/argon2', () => {
  const asciiPassword = 'correct horse battery staple'
  const phiOptions = {
    memoryCost: ARGON2_MEMORY_KIB,
    timeCost: ARGON2_TIME_COST,
    parallelism: ARGON2_PARALLELISM,
    hashLength: ARGON2_HASH_BYTES,
  }

  it('cross-verifies ASCII passwords both ways', async () => {
    const phi = await initializePhiArgon2()
    const fromPhi = phi.hash(asciiPassword, phiOptions).encoded
    const fromNodeRs = await hash(asciiPassword, NODE_RS_OPTIONS)

    expect(parseOptions(fromPhi)).toEqual(CURRENT_PARAMETERS)
    expect(await verify(fromPhi, asciiPassword)).toBe(true)
    expect(phi.tryVerify(fromNodeRs, asciiPassword)).toEqual({ success: true })
  })

  it('still truncates non-ASCII passwords', async () => {
    // src/auth/password-hash.ts calls the wasm exports itself because the 0.5.28 class passes
    // the UTF-16 length as the byte count. When this test fails, the package has fixed that
    // and its class could replace the local binding.
    const phi = await initializePhiArgon2()
    const fromPhi = phi.hash('ä', phiOptions).encoded

    expect(phi.tryVerify(fromPhi, 'Ã')).toEqual({ success: true })
    expect(await verify(fromPhi, 'ä')).toBe(false)
  })
})

describe('committed hashes', () => {
  it('dummy hash uses the current parameters', () => {
    expect(parseOptions(DUMMY_ARGON2ID_HASH)).toEqual(CURRENT_PARAMETERS)
  })

  it('dummy hash does not match common passwords', async () => {
    for (const password of ['', 'hunter2', 'password']) {
      expect(await verify(DUMMY_ARGON2ID_HASH, password)).toBe(false)
    }
  })

  it.each(ARGON2_FIXTURES)('argon2id fixture encodes its password: $encoded', async (fixture) => {
    expect(await verify(fixture.encoded, fixture.password)).toBe(true)
    expect(await verifyPassword(fixture.password, fixture.encoded)).toMatchObject({ match: true })
  })

  it.each(PBKDF2_FIXTURES)('PBKDF2 fixture encodes its password: %s', (encoded) => {
    expect(verifyCoderPbkdf2(encoded, PBKDF2_PASSWORD)).toBe(true)
    expect(verifyCoderPbkdf2(encoded, `${PBKDF2_PASSWORD}!`)).toBe(false)
  })
})

describe('verifyPassword timing', () => {
  it('spends argon2id time without a hash', async () => {
    const real = await hashPassword('correct horse battery staple')
    const measure = async (stored: string | null): Promise<number> => {
      const started = performance.now()
      for (let i = 0; i < 5; i++) await verifyPassword('wrong password', stored)
      return performance.now() - started
    }
    await measure(real)

    const realMs = await measure(real)
    const missingMs = await measure(null)
    const invalidMs = await measure('$pbkdf2-sha256$100001$AAAAAAAAAAAAAAAAAAAAAA$AAAA')

    // Loose bounds: the three paths run the same argon2id work, and CI machines are noisy.
    expect(missingMs).toBeGreaterThan(realMs * 0.5)
    expect(invalidMs).toBeGreaterThan(realMs * 0.5)
  })
})

#!/usr/bin/env node
/**
 * Reads a password from stdin and prints its argon2id PHC string, ready to store in the users
 * table (for example when creating the first owner by hand).
 *
 *   printf '%s' 'the password' | npm run --silent hash-password
 *
 * One trailing newline (LF or CRLF) is removed so that `echo` and here-strings work; any other
 * whitespace is part of the password. The password is never printed.
 */
import { randomBytes } from 'node:crypto'
import { hash } from '@node-rs/argon2'

// Same parameters as ARGON2_* in src/auth/password-hash.ts (OWASP Password Storage Cheat Sheet
// minimum for argon2id). test/node/hash-password-cli.test.ts fails if the two drift apart.
const ARGON2_MEMORY_KIB = 19456
const ARGON2_TIME_COST = 2
const ARGON2_PARALLELISM = 1
const ARGON2_SALT_BYTES = 16
const ARGON2_HASH_BYTES = 32
// @node-rs/argon2 exports these as const enums, which plain JavaScript cannot import by name.
const ALGORITHM_ARGON2ID = 2
const VERSION_0X13 = 1

async function readStdin() {
  const chunks = []
  for await (const chunk of process.stdin) chunks.push(chunk)
  return Buffer.concat(chunks)
}

function fail(message) {
  process.stderr.write(`hash-password: ${message}\n`)
  process.exitCode = 1
}

async function main() {
  if (process.stdin.isTTY) {
    process.stderr.write(
      'Type the password, then press Enter and Ctrl-D. The terminal echoes it.\n',
    )
  }

  let password
  try {
    password = new TextDecoder('utf-8', { fatal: true }).decode(await readStdin())
  } catch {
    fail('stdin is not valid UTF-8; pipe the password as UTF-8 text.')
    return
  }
  password = password.replace(/\r?\n$/, '')
  if (password === '') {
    fail(
      "the password is empty; pipe a non-empty password on stdin, e.g. printf '%s' 'secret' | npm run --silent hash-password",
    )
    return
  }

  const encoded = await hash(password, {
    algorithm: ALGORITHM_ARGON2ID,
    version: VERSION_0X13,
    memoryCost: ARGON2_MEMORY_KIB,
    timeCost: ARGON2_TIME_COST,
    parallelism: ARGON2_PARALLELISM,
    outputLen: ARGON2_HASH_BYTES,
    salt: randomBytes(ARGON2_SALT_BYTES),
  })
  process.stdout.write(`${encoded}\n`)
}

await main()

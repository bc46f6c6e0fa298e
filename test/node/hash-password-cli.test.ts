import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseOptions, verify } from '@node-rs/argon2'
import { describe, expect, it, vi } from 'vitest'
import {
  ARGON2_HASH_BYTES,
  ARGON2_MEMORY_KIB,
  ARGON2_PARALLELISM,
  ARGON2_SALT_BYTES,
  ARGON2_TIME_COST,
} from '../../src/auth/password-hash'

// Only the parameter constants are needed, but importing the module loads its wasm import,
// which Node cannot resolve the way wrangler does. Nothing here calls argon2 through it.
vi.mock('@phi-ag/argon2/argon2.wasm', () => ({ default: undefined }))

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))
// The project pins its own Node 22 binary, which `npm run hash-password` also uses.
const NODE = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url))
const CLI = fileURLToPath(new URL('../../cli/hash-password.mjs', import.meta.url))
const PHC_LINE = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\n$/

function runCli(input: string | Buffer) {
  const result = spawnSync(NODE, [CLI], { cwd: PROJECT_ROOT, input, timeout: 30_000 })
  return {
    status: result.status,
    stdout: result.stdout.toString('utf8'),
    stderr: result.stderr.toString('utf8'),
  }
}

describe('cli/hash-password.mjs', () => {
  it('prints a PHC line for stdin', async () => {
    const { status, stdout, stderr } = runCli('Grüße, Jürgen ❤ 42\n')

    expect(status).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toMatch(PHC_LINE)
    expect(await verify(stdout.trimEnd(), 'Grüße, Jürgen ❤ 42')).toBe(true)
  })

  it('uses the same parameters as the Worker', () => {
    const { stdout } = runCli('correct horse battery staple')

    expect(parseOptions(stdout.trimEnd())).toEqual({
      algorithm: 2,
      version: 1,
      memoryCost: ARGON2_MEMORY_KIB,
      timeCost: ARGON2_TIME_COST,
      parallelism: ARGON2_PARALLELISM,
      outputLen: ARGON2_HASH_BYTES,
      saltLen: ARGON2_SALT_BYTES,
    })
  })

  it('never prints the password', () => {
    const { stdout, stderr } = runCli('distinctive-password-123\n')

    expect(stdout).not.toContain('distinctive-password-123')
    expect(stderr).not.toContain('distinctive-password-123')
  })

  it('salts every run differently', () => {
    const first = runCli('same password').stdout
    const second = runCli('same password').stdout

    expect(first).not.toBe(second)
  })

  it('hashes input without newline unchanged', async () => {
    const { stdout } = runCli('no newline')

    expect(await verify(stdout.trimEnd(), 'no newline')).toBe(true)
  })

  it('removes only one trailing newline', async () => {
    const { stdout } = runCli('two newlines\n\n')

    expect(await verify(stdout.trimEnd(), 'two newlines\n')).toBe(true)
    expect(await verify(stdout.trimEnd(), 'two newlines')).toBe(false)
  })

  it('removes a trailing CRLF', async () => {
    const { stdout } = runCli('windows line\r\n')

    expect(await verify(stdout.trimEnd(), 'windows line')).toBe(true)
  })

  it('keeps surrounding spaces', async () => {
    const { stdout } = runCli('  padded  \n')

    expect(await verify(stdout.trimEnd(), '  padded  ')).toBe(true)
    expect(await verify(stdout.trimEnd(), 'padded')).toBe(false)
  })

  it.each([
    ['no input', ''],
    ['a lone newline', '\n'],
    ['a lone CRLF', '\r\n'],
  ])('exits 1 for %s', (_name, input) => {
    const { status, stdout, stderr } = runCli(input)

    expect(status).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('hash-password: the password is empty')
  })

  it('exits 1 for invalid UTF-8', () => {
    const { status, stdout, stderr } = runCli(Buffer.from([0x70, 0x77, 0xff, 0x0a]))

    expect(status).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toContain('hash-password: stdin is not valid UTF-8')
  })
})

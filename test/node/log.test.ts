import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger, describeError } from '../../src/log'

const FAILED_QUERY = new Error(
  'Failed query: update "users" set "hashed_password" = ? where "id" = ?\nparams: $argon2id$v=19$secret,1234',
  { cause: new Error('D1_ERROR: no such table: users') },
)

describe('describeError', () => {
  it('keeps the cause and hides query parameters', () => {
    const text = describeError(FAILED_QUERY)
    expect(text).toContain('Failed query: update "users"')
    expect(text).toContain('D1_ERROR: no such table: users')
    expect(text).not.toContain('argon2id')
    expect(text).toContain('params: [hidden]')
  })

  it('describes values that are not errors', () => {
    expect(describeError('plain')).toBe('plain')
  })
})

describe('createLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('hides query parameters in any string field', () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => lines.push(line))
    createLogger('r1').log('error', 'failed', { error: String(FAILED_QUERY) })
    expect(lines).toHaveLength(1)
    expect(lines[0]).not.toContain('argon2id')
    expect(JSON.parse(lines[0] as string)).toMatchObject({ event: 'failed', request_id: 'r1' })
  })
})

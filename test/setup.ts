import { applyD1Migrations, env } from 'cloudflare:test'
import { afterEach, beforeEach } from 'vitest'
import { setClock } from '../src/clock'

// Storage is isolated per test file, so every file starts from the migrated schema.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)

// Tests inside one file share that storage; each test starts without users or keys. The default
// organization made by the migration stays.
beforeEach(async () => {
  await env.DB.batch([
    env.DB.prepare('DELETE FROM api_keys'),
    env.DB.prepare('DELETE FROM organization_members'),
    env.DB.prepare('DELETE FROM users'),
    env.DB.prepare('DELETE FROM audit_log'),
  ])
})

afterEach(() => {
  setClock(undefined)
})

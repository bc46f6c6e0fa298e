import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

const migrations = await readD1Migrations('./drizzle')

export default defineConfig({
  test: {
    projects: [
      {
        // Suites that run inside workerd with the real D1, KV and rate-limit bindings of
        // wrangler.toml. Storage is isolated per test file.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: { TEST_MIGRATIONS: migrations },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          exclude: ['test/node/**', 'test/browser/**'],
          setupFiles: ['./test/setup.ts'],
          globalSetup: ['./test/peers/global-setup.ts'],
        },
      },
      {
        // Pages driven in Debian's Chromium against the Worker served on 127.0.0.1. Run with
        // `npm run test:browser`; `npm test` leaves them out because they need Chromium.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Pure modules and Node-only code (the CLI, the @node-rs/argon2 oracle).
        test: {
          name: 'node',
          include: ['test/node/**/*.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
})

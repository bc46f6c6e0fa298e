/**
 * Bundles bench/lib/hash-worker.ts into dist/bench/hash-worker.js with esbuild, using the
 * conditions wrangler uses for Workers. The argon2 wasm import stays an import of a file copied
 * beside the bundle, which bench/lib/app.mjs loads as a precompiled module, as in dist/index.js.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { build } from 'esbuild'
import { ROOT } from './app.mjs'

const OUTPUT_DIRECTORY = join(ROOT, 'dist/bench')
const WASM_FILE_NAME = 'argon2.wasm'

/** Builds the hash benchmark Worker and returns the path of its bundle. */
export async function buildHashWorker() {
  mkdirSync(OUTPUT_DIRECTORY, { recursive: true })
  const require = createRequire(join(ROOT, 'package.json'))
  copyFileSync(
    require.resolve('@phi-ag/argon2/argon2.wasm'),
    join(OUTPUT_DIRECTORY, WASM_FILE_NAME),
  )
  const outfile = join(OUTPUT_DIRECTORY, 'hash-worker.js')
  await build({
    entryPoints: [join(ROOT, 'bench/lib/hash-worker.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'warning',
    plugins: [
      {
        name: 'external-wasm',
        setup(builder) {
          builder.onResolve({ filter: /\.wasm$/ }, () => ({
            path: `./${WASM_FILE_NAME}`,
            external: true,
          }))
        },
      },
    ],
  })
  return outfile
}

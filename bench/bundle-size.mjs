/**
 * Reports the size of the Worker upload, dist/index.js plus its wasm modules, raw and gzipped
 * (target: under 300 KB gzipped), and which packages contribute most of the bundle.
 *
 * Run: `npm run build && node bench/bundle-size.mjs`. The total gzip size is computed as wrangler
 * 4.157 computes the "gzip" of its "Total Upload" line: zlib's default level over all modules
 * concatenated. The breakdown comes from a separate esbuild build of src/index.ts with a
 * metafile, using the conditions wrangler uses for Workers, and sums each input's `bytesInOutput`
 * (bytes after tree shaking, before gzip) by package.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { BUNDLE_PATH, ROOT } from './lib/app.mjs'
import { printMachine } from './lib/machine.mjs'

const TARGET_GZIP_BYTES = 300_000
const TOP_PACKAGES = 15

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`
}

/** Returns the package an esbuild input path belongs to, or the src/ folder or file for our code. */
function packageOf(inputPath) {
  const parts = inputPath.split('/')
  const nodeModules = parts.lastIndexOf('node_modules')
  if (nodeModules >= 0) {
    const name = parts[nodeModules + 1] ?? inputPath
    return name.startsWith('@') ? `${name}/${parts[nodeModules + 2]}` : name
  }
  if (parts[0] === 'src') return parts.length > 2 ? `src/${parts[1]}/` : inputPath
  return inputPath
}

function measureUpload() {
  const directory = join(ROOT, 'dist')
  const files = [
    BUNDLE_PATH,
    ...readdirSync(directory)
      .filter((name) => name.endsWith('.wasm'))
      .map((name) => join(directory, name)),
  ]
  const contents = files.map((file) => readFileSync(file))
  console.log('upload files (gzip at zlib level 6, the default):')
  files.forEach((file, index) => {
    const name = file.slice(ROOT.length + 1)
    const compressed = gzipSync(contents[index]).length
    console.log(`  ${name.padEnd(60)} ${kib(contents[index].length)} raw, ${kib(compressed)} gzip`)
  })
  const all = Buffer.concat(contents)
  const gzip = gzipSync(all).length
  const verdict = gzip < TARGET_GZIP_BYTES ? 'met' : 'missed'
  console.log(`  total ${kib(all.length)} raw, ${kib(gzip)} = ${gzip} bytes gzip`)
  console.log(`  target < 300 KB (300,000 bytes): ${verdict}`)
}

const ESBUILD_OPTIONS = {
  entryPoints: [join(ROOT, 'src/index.ts')],
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  // wrangler keeps function names, which adds a `__name(...)` call per function.
  keepNames: true,
  loader: { '.wasm': 'file' },
  // Runtime modules such as cloudflare:sockets are provided by workerd, as in wrangler's build.
  external: ['cloudflare:*'],
  logLevel: 'warning',
}

// Replaces zod's index of locales (63 modules in zod 4.6.7) with English, the one zod configures.
const ENGLISH_ONLY_ZOD_LOCALES = {
  name: 'english-only-zod-locales',
  setup(builder) {
    builder.onLoad({ filter: /[/\\]zod[/\\]v4[/\\]locales[/\\]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js'",
      loader: 'js',
      resolveDir: dirname(args.path),
    }))
  },
}

/** Bundles src/index.ts with esbuild and returns the metafile and the output's gzip size. */
async function bundleSource(outfile, { plugins = [], minify = false } = {}) {
  const result = await build({ ...ESBUILD_OPTIONS, outfile, plugins, minify, metafile: true })
  return { metafile: result.metafile, gzip: gzipSync(readFileSync(outfile)).length }
}

async function measurePackages() {
  const { metafile, gzip } = await bundleSource('/tmp/edgeauth-bundle-size/full/out.js')
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith('out.js'))
  if (!output) throw new Error('esbuild metafile has no out.js output')
  const [, { bytes: total, inputs }] = output
  const byPackage = new Map()
  let localeBytes = 0
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const name = packageOf(path)
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput)
    if (path.includes('zod/v4/locales/')) localeBytes += bytesInOutput
  }
  const ranked = [...byPackage].sort((a, b) => b[1] - a[1])
  console.log(`esbuild bundle of src/index.ts: ${kib(total)} raw, ${kib(gzip)} gzip`)
  console.log('largest contributors (bytes in output, before gzip):')
  for (const [name, bytes] of ranked.slice(0, TOP_PACKAGES)) {
    const share = ((bytes / total) * 100).toFixed(1)
    console.log(`  ${name.padEnd(34)} ${kib(bytes).padStart(10)} ${share.padStart(5)} %`)
  }
  if (ranked.length > TOP_PACKAGES) {
    const rest = ranked.slice(TOP_PACKAGES).reduce((sum, [, bytes]) => sum + bytes, 0)
    const label = `${ranked.length - TOP_PACKAGES} others`
    console.log(`  ${label.padEnd(34)} ${kib(rest).padStart(10)}`)
  }

  // Any `import { z } from 'zod'` bundles the `z` namespace object, and with it every locale.
  const englishOnly = await bundleSource('/tmp/edgeauth-bundle-size/english-only/out.js', {
    plugins: [ENGLISH_ONLY_ZOD_LOCALES],
  })
  console.log(
    `zod locales: ${kib(localeBytes)} raw; with English only the bundle gzips to ${kib(englishOnly.gzip)} (${kib(gzip - englishOnly.gzip)} less)`,
  )
  // wrangler minifies only with `minify = true` in wrangler.toml, which this project does not set.
  const minified = await bundleSource('/tmp/edgeauth-bundle-size/minified/out.js', {
    minify: true,
  })
  console.log(
    `minified (esbuild --minify): ${kib(minified.gzip)} gzip (${kib(gzip - minified.gzip)} less)`,
  )
}

printMachine()
measureUpload()
await measurePackages()

/**
 * The stack that browser tests drive, all on 127.0.0.1 and started per test file. The Worker is
 * built as `wrangler deploy --dry-run` builds it and served by Miniflare with in-memory D1, KV
 * and rate limits. Its notifications go by SMTP to the mail peers (test/peers/mail.ts), and its
 * GitHub and OIDC settings name the identity peers (test/peers/identity.ts). Debian's Chromium
 * is driven through playwright-core.
 *
 * Chromium reaches the Worker as http://edgeauth.test, the site the identity peers register as
 * their clients' redirect URI, through a host-resolver rule that maps that name to the
 * Worker's port. The same rule makes every other name unresolvable, so the browser sends nothing
 * beyond 127.0.0.1.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { convertV4MiniflareOptions, Miniflare } from 'miniflare'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { startIdentityPeers, type IdentityPeers } from '../peers/identity'
import { startMailServers } from '../peers/mail'
import { resetLinkInText, type MailPeers, type ReceivedMail } from './mail'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
/** The Worker's address in Chromium, which the identity peers also redirect back to. */
export const SITE_URL = 'http://edgeauth.test'
const SITE_HOST = new URL(SITE_URL).host
export const SCREENSHOT_DIR = join(ROOT, 'test-results/screenshots')
/** The narrowest screen the pages support, in CSS pixels. */
export const NARROW_VIEWPORT = { width: 320, height: 640 }

/** Flags that keep Chromium headless and from calling any Google service. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]

// The values of wrangler.toml's [[ratelimits]], which Miniflare takes in this shape.
const RATE_LIMITS = {
  LOGIN_RATE_LIMITER: { namespace_id: '1001', simple: { limit: 60, period: 60 as const } },
  API_RATE_LIMITER: { namespace_id: '1002', simple: { limit: 512, period: 60 as const } },
}

const run = promisify(execFile)

export interface WorkerRequestInit {
  method?: string
  headers?: Record<string, string>
  body?: string
}

/** The part of a Worker response that tests read. */
export interface WorkerResponse {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

export interface BrowserStack {
  browser: Browser
  identity: IdentityPeers
  mail: MailPeers
  /**
   * Opens a page in a new context (own cookies) with the 320 px wide viewport; with
   * `javaScript: false` the page runs no script, to check that forms work without one.
   */
  newPage(options?: { javaScript?: boolean }): Promise<Page>
  /**
   * Sends a request to the Worker from Node, addressed to SITE_URL, without following
   * redirects: for API set-up and for posts that no page of the site would send.
   */
  fetchWorker(path: string, init?: WorkerRequestInit): Promise<WorkerResponse>
  /** Returns the messages the SMTP peers received for `address`, oldest first. */
  receivedMail(address: string): Promise<ReceivedMail[]>
  /** Error lines the Worker logged so far, for failure messages. */
  workerErrors(): string[]
  stop(): Promise<void>
}

/**
 * Builds and starts everything; `vars` are added to the Worker's settings. Call in `beforeAll`
 * and call `stop` in `afterAll`.
 */
export async function startBrowserStack(vars: Record<string, string> = {}): Promise<BrowserStack> {
  const stops: (() => Promise<void>)[] = []
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop()
  }
  try {
    const buildDir = await mkdtemp(join(tmpdir(), 'edgeauth-browser-'))
    stops.push(() => rm(buildDir, { recursive: true, force: true }))
    await buildWorker(buildDir)

    const mail = await startMailServers()
    stops.push(() => mail.stop())
    const identity = await startIdentityServers()
    stops.push(identity.stop)

    const errors: string[] = []
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        host: '127.0.0.1',
        port: 0,
        // The placeholder `request.cf` object, instead of one downloaded from Cloudflare.
        cf: false,
        handleStructuredLogs: (log: { level: string; message: string }) => {
          if (log.level === 'error') errors.push(log.message)
        },
        workers: [
          {
            name: 'edgeauth',
            ...(await bundleModules(buildDir)),
            compatibilityDate: await readCompatibilityDate(),
            bindings: workerVars(mail.peers, identity.peers, vars),
            d1Databases: { DB: 'edgeauth-browser' },
            kvNamespaces: ['KV'],
            ratelimits: RATE_LIMITS,
          },
        ],
      }),
    )
    stops.push(() => mf.dispose())
    const workerUrl = new URL(await mf.ready)
    await applyMigrations(mf)

    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [...CHROMIUM_ARGS, hostResolverRules(workerUrl.port)],
    })
    stops.push(() => browser.close())
    await mkdir(SCREENSHOT_DIR, { recursive: true })

    return {
      browser,
      identity: identity.peers,
      mail: mail.peers,
      async newPage(options = {}) {
        const context = await browser.newContext({
          viewport: NARROW_VIEWPORT,
          javaScriptEnabled: options.javaScript ?? true,
        })
        return context.newPage()
      },
      fetchWorker: (path, init = {}) =>
        mf.dispatchFetch(`${SITE_URL}${path}`, { ...init, redirect: 'manual' }),
      async receivedMail(address) {
        const query = new URLSearchParams({ to: address })
        const url = `http://127.0.0.1:${mail.peers.httpPort}/control/mail?${query}`
        return (await (await fetch(url)).json()) as ReceivedMail[]
      },
      workerErrors: () => [...errors],
      stop: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}

/**
 * Returns Chromium's flag that sends SITE_URL to the Worker's port and makes every other name
 * unresolvable. IP addresses such as the peers' 127.0.0.1 are left as they are.
 */
function hostResolverRules(workerPort: string): string {
  const rules = [`MAP ${SITE_HOST} 127.0.0.1:${workerPort}`, 'EXCLUDE 127.0.0.1', 'MAP * ~NOTFOUND']
  return `--host-resolver-rules=${rules.join(', ')}`
}

/** Builds the Worker as a deployment would, into `outdir`, without contacting Cloudflare. */
async function buildWorker(outdir: string): Promise<void> {
  await run(join(ROOT, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
    cwd: ROOT,
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_HIDE_BANNER: 'true',
      WRANGLER_SEND_METRICS: 'false',
    },
  })
}

/**
 * Lists the bundle's modules for Miniflare: the script, and each `.wasm` file beside it as a
 * precompiled module, which is how wrangler uploads them.
 */
async function bundleModules(directory: string) {
  const wasmFiles = (await readdir(directory)).filter((name) => name.endsWith('.wasm'))
  return {
    modulesRoot: directory,
    modules: [
      { type: 'ESModule' as const, path: join(directory, 'index.js') },
      ...wasmFiles.map((name) => ({ type: 'CompiledWasm' as const, path: join(directory, name) })),
    ],
  }
}

/** Reads `compatibility_date` from wrangler.toml, so the bundle runs as deployed. */
async function readCompatibilityDate(): Promise<string> {
  const toml = await readFile(join(ROOT, 'wrangler.toml'), 'utf8')
  const match = /^compatibility_date\s*=\s*"([0-9-]+)"/m.exec(toml)
  if (!match?.[1]) throw new Error('wrangler.toml has no compatibility_date line')
  return match[1]
}

/** Applies drizzle/*.sql in file name order, one statement per `--> statement-breakpoint`. */
async function applyMigrations(mf: Miniflare): Promise<void> {
  const db = await mf.getD1Database('DB')
  const files = (await readdir(join(ROOT, 'drizzle'))).filter((name) => name.endsWith('.sql'))
  for (const file of files.sort()) {
    const statements = (await readFile(join(ROOT, 'drizzle', file), 'utf8'))
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .filter(Boolean)
    for (const statement of statements) await db.prepare(statement).run()
  }
}

/** Returns the Worker's settings: wrangler.toml's, SMTP to the mail peer, OIDC and GitHub. */
function workerVars(
  mail: MailPeers,
  identity: IdentityPeers,
  overrides: Record<string, string>,
): Record<string, string> {
  return {
    SESSION_DURATION: '86400',
    DISABLE_PASSWORD_AUTH: 'false',
    PASSWORD_BLOCKLIST: 'on',
    ACCESS_URL: SITE_URL,
    NOTIFICATIONS_METHOD: 'smtp',
    EMAIL_SMARTHOST: `127.0.0.1:${mail.smtpPort}`,
    EMAIL_FROM: 'Coder <noreply@edgeauth.test>',
    OIDC_ISSUER_URL: identity.oidc.issuer,
    OIDC_CLIENT_ID: identity.oidc.clientId,
    OIDC_CLIENT_SECRET: identity.oidc.clientSecret,
    GITHUB_CLIENT_ID: identity.github.clientId,
    GITHUB_CLIENT_SECRET: identity.github.clientSecret,
    GITHUB_URL: identity.github.webUrl,
    GITHUB_API_URL: identity.github.apiUrl,
    ...overrides,
  }
}

/**
 * Starts the identity peers of test/peers/identity.ts outside vitest's global setup: the
 * function hands its addresses to `project.provide`, which here keeps them.
 */
async function startIdentityServers(): Promise<{
  peers: IdentityPeers
  stop: () => Promise<void>
}> {
  let peers: IdentityPeers | undefined
  const project = {
    provide: (_key: 'identityPeers', value: IdentityPeers) => {
      peers = value
    },
  } as unknown as TestProject
  const stop = await startIdentityPeers(project)
  if (!peers) throw new Error('startIdentityPeers provided no addresses')
  return { peers, stop }
}

/** Creates an account at the OpenID Provider and returns the `login_hint` that selects it. */
export async function createOidcAccount(identity: IdentityPeers, email: string): Promise<string> {
  const response = await fetch(identity.oidc.accountsUrl, {
    method: 'POST',
    body: JSON.stringify({ email, email_verified: true, preferred_username: email.split('@')[0] }),
  })
  if (response.status !== 201)
    throw new Error(`creating an OIDC account failed: ${response.status}`)
  return ((await response.json()) as { login_hint: string }).login_hint
}

/**
 * Makes the OpenID Provider sign in the account `loginHint` whenever the page goes to its
 * authorization endpoint, as a person would by signing in there: the peer picks the account by
 * the `login_hint` parameter, which the Worker does not send. Playwright's `page.route` does not
 * see requests that a redirect made, and the Worker reaches the provider by redirect, so this
 * uses the Chrome DevTools Protocol's Fetch domain, which pauses those too.
 */
export async function signInAtProviderAs(
  page: Page,
  identity: IdentityPeers,
  loginHint: string,
): Promise<void> {
  const session = await page.context().newCDPSession(page)
  session.on('Fetch.requestPaused', (event: { requestId: string; request: { url: string } }) => {
    const url = new URL(event.request.url)
    if (url.searchParams.has('response_type')) url.searchParams.set('login_hint', loginHint)
    session
      .send('Fetch.continueRequest', { requestId: event.requestId, url: url.toString() })
      .catch((error: unknown) => console.error('continuing a paused request failed:', error))
  })
  await session.send('Fetch.enable', {
    patterns: [{ urlPattern: `${identity.oidc.issuer}/auth?*`, requestStage: 'Request' }],
  })
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: true })
  return path
}

/**
 * Waits for reset message number `count` (1 for the first) to `address` and returns its link.
 */
export async function waitForResetLink(
  stack: BrowserStack,
  address: string,
  count = 1,
): Promise<string> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const messages = await stack.receivedMail(address)
    const resets = messages.filter((message) => message.text.includes('Reset password: '))
    const message = resets[count - 1]
    if (message) return resetLinkInText(message.text)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`reset message ${count} to ${address} did not arrive within 10 s`)
}

/** Creates the first user through the API. */
export async function createFirstUserByApi(
  stack: BrowserStack,
  user: { email: string; username: string; password: string },
): Promise<void> {
  const response = await stack.fetchWorker('/api/v2/users/first', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(user),
  })
  if (response.status !== 201) {
    throw new Error(`creating the first user failed: ${response.status} ${await response.text()}`)
  }
}

/**
 * A script for `page.evaluate` that lists the inline code of a page, which the pages' CSP would
 * block and which they must not contain: scripts without `src`, `<style>` elements, `style` and
 * event-handler attributes, and `javascript:` URLs. It is a string because this project
 * compiles its tests without the DOM library.
 */
const FIND_INLINE_CODE = `(() => {
  const found = []
  for (const script of document.querySelectorAll('script:not([src])')) found.push('inline <script>')
  for (const style of document.querySelectorAll('style')) found.push('<style> element')
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const where = element.tagName.toLowerCase() + ' ' + attribute.name
      if (attribute.name.startsWith('on')) found.push('event handler: ' + where)
      if (attribute.name === 'style') found.push('style attribute: ' + where)
      if (/^\\s*javascript:/i.test(attribute.value)) found.push('javascript: URL: ' + where)
    }
  }
  return found
})()`

/** Returns the inline code that the current page contains; see FIND_INLINE_CODE. */
export function findInlineCode(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(FIND_INLINE_CODE)
}

/** Returns the id of the element that has focus, or '' when none has. */
export function focusedElementId(page: Page): Promise<string> {
  return page.evaluate<string>('document.activeElement ? document.activeElement.id : ""')
}

/** Returns the width of the page's content in CSS pixels, wider than the viewport if it scrolls. */
export function contentWidth(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth')
}

/** Returns the ids of visible inputs that do not have exactly one label. */
export function unlabelledInputs(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(
    `[...document.querySelectorAll('input:not([type=hidden])')]
      .filter((input) => input.labels.length !== 1)
      .map((input) => input.id || input.name)`,
  )
}

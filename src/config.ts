/**
 * Settings from Worker vars and secrets, validated once per isolate. An invalid setting makes
 * every request fail with a 500 that names the setting, and the log names the rejected value.
 */
import { enum as zEnum, object, optional, string, url } from 'zod'

/** Coder's default session lifetime (`--session-duration`): 24 hours, in seconds. */
export const DEFAULT_SESSION_DURATION_SECONDS = 24 * 60 * 60
/** Coder's one-time passcode lifetime: 20 minutes, in seconds. */
export const DEFAULT_ONE_TIME_PASSCODE_DURATION_SECONDS = 20 * 60
/**
 * Longest lifetime an API token may be created with, in seconds. Coder's `--max-token-lifetime`
 * is unbounded by default; edgeauth caps tokens at one year unless configured.
 */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 60 * 60

export type NotificationsMethod = 'log' | 'webhook' | 'smtp'

export interface SmtpConfig {
  /** `host:port` of the mail server. */
  smarthost: string
  from: string
  username: string | null
  password: string | null
}

export interface OidcConfig {
  issuerUrl: string
  clientId: string
  clientSecret: string
  /** Claim that contains the user's email; Coder's default is `email`. */
  emailField: string
  /** Whether unknown users may sign up through OIDC (Coder's default: true). */
  allowSignups: boolean
  signInText: string
  iconUrl: string
}

export interface GithubConfig {
  clientId: string
  clientSecret: string
  /** Base of the authorize and token endpoints, e.g. `https://github.com`. */
  webUrl: string
  /** Base of the REST API, e.g. `https://api.github.com`. */
  apiUrl: string
  /** Whether unknown users may sign up through GitHub (Coder's default: false). */
  allowSignups: boolean
}

export interface Config {
  /** Lifetime of a browser or CLI session in seconds; also the sliding-refresh window. */
  sessionDurationSeconds: number
  /** When true, password login is off for everyone, owners included (Coder's behaviour). */
  disablePasswordAuth: boolean
  /** When true, common passwords are rejected in addition to Coder's entropy rule. */
  passwordBlocklist: boolean
  /** Public base URL of the deployment, without a trailing slash; null to use the request's. */
  accessUrl: string | null
  oneTimePasscodeDurationSeconds: number
  maxTokenLifetimeSeconds: number
  notificationsMethod: NotificationsMethod
  webhookEndpoint: string | null
  smtp: SmtpConfig | null
  oidc: OidcConfig | null
  github: GithubConfig | null
}

/** Thrown when a setting is invalid; the message names the setting and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError'
  /** The message with the rejected value, for the log only: a URL can carry a token. */
  readonly logMessage: string

  constructor(message: string, logMessage: string) {
    super(message)
    this.logMessage = logMessage
  }
}

const SECONDS = string().regex(/^[1-9]\d{0,9}$/)
const BOOLEAN = zEnum(['true', 'false', '1', '0'])
const HTTP_URL = url({ protocol: /^https?$/ })

const SETTINGS = {
  SESSION_DURATION: [SECONDS, 'a whole number of seconds greater than 0, such as 86400'],
  DISABLE_PASSWORD_AUTH: [BOOLEAN, '"true" or "false"'],
  PASSWORD_BLOCKLIST: [zEnum(['on', 'off']), '"on" or "off"'],
  ACCESS_URL: [HTTP_URL, 'an http or https URL, such as https://coder.example.com'],
  ONE_TIME_PASSCODE_DURATION: [SECONDS, 'a whole number of seconds greater than 0'],
  MAX_TOKEN_LIFETIME: [SECONDS, 'a whole number of seconds greater than 0'],
  NOTIFICATIONS_METHOD: [zEnum(['log', 'webhook', 'smtp']), '"log", "webhook" or "smtp"'],
  NOTIFICATIONS_WEBHOOK_ENDPOINT: [HTTP_URL, 'an http or https URL'],
  EMAIL_SMARTHOST: [string().regex(/^[^\s:]+:\d{1,5}$/), 'host:port, such as smtp.example.com:587'],
  EMAIL_FROM: [string().min(3), 'a sender address, such as "Coder <noreply@example.com>"'],
  EMAIL_AUTH_USERNAME: [string(), 'a user name'],
  EMAIL_AUTH_PASSWORD: [string(), 'a password'],
  OIDC_ISSUER_URL: [HTTP_URL, 'the issuer URL of the OpenID Provider'],
  OIDC_CLIENT_ID: [string(), 'the client id registered with the OpenID Provider'],
  OIDC_CLIENT_SECRET: [string(), 'the client secret registered with the OpenID Provider'],
  OIDC_EMAIL_FIELD: [string().min(1), 'the name of the claim holding the email'],
  OIDC_ALLOW_SIGNUPS: [BOOLEAN, '"true" or "false"'],
  OIDC_SIGN_IN_TEXT: [string(), 'the text of the sign-in button'],
  OIDC_ICON_URL: [string(), 'an icon URL'],
  GITHUB_CLIENT_ID: [string(), 'the client id of the GitHub OAuth app'],
  GITHUB_CLIENT_SECRET: [string(), 'the client secret of the GitHub OAuth app'],
  GITHUB_URL: [HTTP_URL, 'the GitHub web URL, such as https://github.com'],
  GITHUB_API_URL: [HTTP_URL, 'the GitHub API URL, such as https://api.github.com'],
  GITHUB_ALLOW_SIGNUPS: [BOOLEAN, '"true" or "false"'],
} as const

type SettingName = keyof typeof SETTINGS
type RawSettings = Partial<Record<SettingName, string>>

const rawSchema = object(
  Object.fromEntries(
    Object.entries(SETTINGS).map(([name, [schema]]) => [name, optional(schema)]),
  ) as { [K in SettingName]: ReturnType<typeof optional<(typeof SETTINGS)[K][0]>> },
)

const cache = new WeakMap<object, Config>()

/** Parses the settings from the Worker environment; the result is cached per env object. */
export function loadConfig(env: Cloudflare.Env): Config {
  const cached = cache.get(env)
  if (cached) return cached
  const config = parseConfig(env as unknown as Record<string, unknown>)
  cache.set(env, config)
  return config
}

function parseConfig(env: Record<string, unknown>): Config {
  const raw: Record<string, unknown> = {}
  for (const name of Object.keys(SETTINGS)) {
    // Empty strings count as unset, so `FOO=""` in .dev.vars falls back to the default.
    raw[name] = env[name] === '' ? undefined : env[name]
  }
  const parsed = rawSchema.safeParse(raw)
  if (!parsed.success) {
    const name = String(parsed.error.issues[0]?.path[0]) as SettingName
    fail(name, raw[name], SETTINGS[name][1])
  }
  const settings = parsed.data as RawSettings
  const notificationsMethod = (settings.NOTIFICATIONS_METHOD ?? 'log') as NotificationsMethod
  return {
    sessionDurationSeconds: seconds(settings.SESSION_DURATION, DEFAULT_SESSION_DURATION_SECONDS),
    disablePasswordAuth: flag(settings.DISABLE_PASSWORD_AUTH, false),
    passwordBlocklist: settings.PASSWORD_BLOCKLIST !== 'off',
    accessUrl: settings.ACCESS_URL ? trimSlashes(settings.ACCESS_URL) : null,
    oneTimePasscodeDurationSeconds: seconds(
      settings.ONE_TIME_PASSCODE_DURATION,
      DEFAULT_ONE_TIME_PASSCODE_DURATION_SECONDS,
    ),
    maxTokenLifetimeSeconds: seconds(
      settings.MAX_TOKEN_LIFETIME,
      DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
    ),
    notificationsMethod,
    webhookEndpoint: parseWebhook(settings, notificationsMethod),
    smtp: parseSmtp(settings, notificationsMethod),
    oidc: parseOidc(settings),
    github: parseGithub(settings),
  }
}

function parseWebhook(settings: RawSettings, method: NotificationsMethod): string | null {
  if (method === 'webhook' && !settings.NOTIFICATIONS_WEBHOOK_ENDPOINT) {
    fail('NOTIFICATIONS_WEBHOOK_ENDPOINT', undefined, 'a URL when NOTIFICATIONS_METHOD=webhook')
  }
  return settings.NOTIFICATIONS_WEBHOOK_ENDPOINT ?? null
}

function parseSmtp(settings: RawSettings, method: NotificationsMethod): SmtpConfig | null {
  if (!settings.EMAIL_SMARTHOST) {
    if (method === 'smtp')
      fail('EMAIL_SMARTHOST', undefined, 'host:port when NOTIFICATIONS_METHOD=smtp')
    return null
  }
  if (!settings.EMAIL_FROM)
    fail('EMAIL_FROM', undefined, 'a sender address when EMAIL_SMARTHOST is set')
  return {
    smarthost: settings.EMAIL_SMARTHOST,
    from: settings.EMAIL_FROM,
    username: settings.EMAIL_AUTH_USERNAME ?? null,
    password: settings.EMAIL_AUTH_PASSWORD ?? null,
  }
}

function parseOidc(settings: RawSettings): OidcConfig | null {
  const { OIDC_ISSUER_URL: issuerUrl, OIDC_CLIENT_ID: clientId } = settings
  if (!issuerUrl && !clientId) return null
  if (!issuerUrl) fail('OIDC_ISSUER_URL', undefined, 'the issuer URL when OIDC_CLIENT_ID is set')
  if (!clientId) fail('OIDC_CLIENT_ID', undefined, 'a client id when OIDC_ISSUER_URL is set')
  return {
    issuerUrl: trimSlashes(issuerUrl),
    clientId,
    clientSecret: settings.OIDC_CLIENT_SECRET ?? '',
    emailField: settings.OIDC_EMAIL_FIELD ?? 'email',
    allowSignups: flag(settings.OIDC_ALLOW_SIGNUPS, true),
    signInText: settings.OIDC_SIGN_IN_TEXT ?? '',
    iconUrl: settings.OIDC_ICON_URL ?? '',
  }
}

function parseGithub(settings: RawSettings): GithubConfig | null {
  const { GITHUB_CLIENT_ID: clientId, GITHUB_CLIENT_SECRET: clientSecret } = settings
  if (!clientId && !clientSecret) return null
  if (!clientId) fail('GITHUB_CLIENT_ID', undefined, 'a client id when GITHUB_CLIENT_SECRET is set')
  if (!clientSecret) {
    fail('GITHUB_CLIENT_SECRET', undefined, 'a client secret when GITHUB_CLIENT_ID is set')
  }
  return {
    clientId,
    clientSecret,
    webUrl: trimSlashes(settings.GITHUB_URL ?? 'https://github.com'),
    apiUrl: trimSlashes(settings.GITHUB_API_URL ?? 'https://api.github.com'),
    allowSignups: flag(settings.GITHUB_ALLOW_SIGNUPS, false),
  }
}

// Values of these settings never appear in an error message or a log line.
const SECRET_SETTINGS = new Set([
  'EMAIL_AUTH_PASSWORD',
  'OIDC_CLIENT_SECRET',
  'GITHUB_CLIENT_SECRET',
])

function fail(name: string, value: unknown, expected: string): never {
  const shown =
    value === undefined ? 'unset' : SECRET_SETTINGS.has(name) ? 'hidden' : JSON.stringify(value)
  const state = value === undefined ? 'unset' : 'invalid'
  throw new ConfigError(
    `Setting ${name} is ${state}: expected ${expected}.`,
    `Invalid setting ${name} (${shown}): expected ${expected}.`,
  )
}

function seconds(value: string | undefined, fallback: number): number {
  return value ? Number(value) : fallback
}

function flag(value: string | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value === 'true' || value === '1'
}

function trimSlashes(value: string): string {
  return value.replace(/\/+$/, '')
}

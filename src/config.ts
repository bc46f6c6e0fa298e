/**
 * Settings from Worker vars and secrets, validated once per isolate. An invalid setting makes
 * every request fail with a 500 that names the setting, and the log says what to fix.
 */
import { enum as zEnum, object, optional, string, url, type ZodType } from 'zod'

/** Coder's default session lifetime (`--session-duration`): 24 hours, in seconds. */
export const DEFAULT_SESSION_DURATION_SECONDS = 24 * 60 * 60

export interface Config {
  /** Lifetime of a browser or CLI session in seconds; also the sliding-refresh window. */
  sessionDurationSeconds: number
  /** When true, password login is off for everyone, owners included (Coder's behaviour). */
  disablePasswordAuth: boolean
  /** When true, common passwords are rejected in addition to Coder's entropy rule. */
  passwordBlocklist: boolean
  /** Public base URL of the deployment, without a trailing slash; null to use the request's. */
  accessUrl: string | null
}

/** Thrown when a setting is invalid; the message names the setting and the fix. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

const BOOLEAN_WORDS = { true: true, false: false, '1': true, '0': false } as const

const rawSchema = object({
  SESSION_DURATION: optional(string().regex(/^[1-9]\d{0,9}$/)),
  DISABLE_PASSWORD_AUTH: optional(zEnum(['true', 'false', '1', '0'])),
  PASSWORD_BLOCKLIST: optional(zEnum(['on', 'off'])),
  ACCESS_URL: optional(url({ protocol: /^https?$/ })),
})

const SETTING_HINTS: Record<keyof typeof rawSchema.shape, string> = {
  SESSION_DURATION: 'a whole number of seconds greater than 0, such as 86400',
  DISABLE_PASSWORD_AUTH: '"true" or "false"',
  PASSWORD_BLOCKLIST: '"on" or "off"',
  ACCESS_URL: 'an http or https URL, such as https://coder.example.com',
}

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
  const raw = Object.fromEntries(
    Object.keys(rawSchema.shape).map((key) => [key, emptyToUndefined(env[key])]),
  )
  const parsed = (
    rawSchema as ZodType<Partial<Record<keyof typeof SETTING_HINTS, string>>>
  ).safeParse(raw)
  if (!parsed.success) {
    const setting = String(parsed.error.issues[0]?.path[0]) as keyof typeof SETTING_HINTS
    throw new ConfigError(
      `Invalid setting ${setting}=${JSON.stringify(raw[setting])}: expected ${SETTING_HINTS[setting]}.`,
    )
  }
  const settings = parsed.data
  return {
    sessionDurationSeconds: settings.SESSION_DURATION
      ? Number(settings.SESSION_DURATION)
      : DEFAULT_SESSION_DURATION_SECONDS,
    disablePasswordAuth: settings.DISABLE_PASSWORD_AUTH
      ? BOOLEAN_WORDS[settings.DISABLE_PASSWORD_AUTH as keyof typeof BOOLEAN_WORDS]
      : false,
    passwordBlocklist: settings.PASSWORD_BLOCKLIST !== 'off',
    accessUrl: settings.ACCESS_URL ? settings.ACCESS_URL.replace(/\/+$/, '') : null,
  }
}

function emptyToUndefined(value: unknown): unknown {
  return value === '' ? undefined : value
}

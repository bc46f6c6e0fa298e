/**
 * Structured logs: one JSON line per event through `console.log`, which Workers Logs collects.
 * Callers pass ids and reasons only; a password, passcode, token, secret or request body must
 * never be a field.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export type LogFields = Record<string, string | number | boolean | null | undefined>

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void
}

/** Creates a logger that stamps every line with the request id. */
export function createLogger(requestId: string): Logger {
  return {
    log(level, event, fields = {}) {
      const line = JSON.stringify({ level, event, request_id: requestId, ...fields })
      if (level === 'error') console.error(line)
      else if (level === 'warn') console.warn(line)
      else console.log(line)
    },
  }
}

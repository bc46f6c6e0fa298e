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
      const safe: LogFields = {}
      for (const [key, value] of Object.entries(fields)) {
        safe[key] = typeof value === 'string' ? hideSqlParameters(value) : value
      }
      const line = JSON.stringify({ level, event, request_id: requestId, ...safe })
      if (level === 'error') console.error(line)
      else if (level === 'warn') console.warn(line)
      else console.log(line)
    },
  }
}

// How many nested causes describeError follows.
const MAX_CAUSE_DEPTH = 4

/**
 * Describes an error for the log in one line: name and message, then each cause, so that the
 * database's own message (kept as the cause by Drizzle) is not lost.
 */
export function describeError(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current !== undefined && depth < MAX_CAUSE_DEPTH; depth += 1) {
    if (!(current instanceof Error)) {
      parts.push(hideSqlParameters(String(current)))
      break
    }
    parts.push(hideSqlParameters(`${current.name}: ${current.message}`))
    current = current.cause
  }
  return parts.join(' <- ')
}

/**
 * Cuts the bound values out of a failed-query message. Drizzle writes them after `params:`, and
 * they include password hashes and token hashes.
 */
function hideSqlParameters(text: string): string {
  return text.replace(/\nparams: [^\n]*/g, '\nparams: [hidden]')
}

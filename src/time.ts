/** Formats times the way Coder's Go server writes them. */

const GO_ZERO_TIME_RFC3339 = '0001-01-01T00:00:00Z'

/**
 * Formats UTC milliseconds as Go's RFC 3339 with nanoseconds (`time.RFC3339Nano`): trailing
 * zeros of the fraction are dropped, and a null time is Go's zero time.
 */
export function formatRfc3339(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return GO_ZERO_TIME_RFC3339
  const iso = new Date(ms).toISOString()
  return iso.replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'))
}

/** Formats UTC milliseconds like Go's `time.Time.String()`: `2025-09-01 12:00:00.123 +0000 UTC`. */
export function formatGoTimeString(ms: number): string {
  const [date, time] = formatRfc3339(ms).slice(0, -1).split('T')
  return `${date} ${time} +0000 UTC`
}

/** Formats whole seconds like Go's `time.Duration.String()`, e.g. `8760h0m0s`. */
export function formatGoDuration(seconds: number): string {
  if (seconds === 0) return '0s'
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor((seconds % 3600) / 60)
  const rest = seconds % 60
  if (hours > 0) return `${hours}h${minutes}m${rest}s`
  if (minutes > 0) return `${minutes}m${rest}s`
  return `${rest}s`
}

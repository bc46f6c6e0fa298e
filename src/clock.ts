/**
 * The one source of time for the service. Tests replace it to move time forward without
 * sleeping; production code reads it through `now()` only.
 */

let override: (() => number) | undefined

/** Returns the current time in UTC milliseconds since the Unix epoch. */
export function now(): number {
  return override ? override() : Date.now()
}

/** Replaces the clock (tests only); `undefined` restores the system clock. */
export function setClock(clock: (() => number) | undefined): void {
  override = clock
}

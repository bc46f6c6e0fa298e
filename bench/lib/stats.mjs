/** Summary statistics and number formatting shared by the benchmark scripts. */

/** Returns the q-quantile (0..1) of `values` by linear interpolation; NaN for an empty list. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower)
}

export function median(values) {
  return quantile(values, 0.5)
}

/** Formats milliseconds with two decimals, e.g. `24.31 ms`. */
export function formatMs(value) {
  return `${value.toFixed(2)} ms`
}

/** Formats a count with thousands separators and no decimals. */
export function formatCount(value) {
  return Math.round(value).toLocaleString('en-US')
}

/** Formats a list of samples as `median (p10–p90, n=…)` in milliseconds. */
export function describeMs(values) {
  const spread = `${quantile(values, 0.1).toFixed(2)}–${quantile(values, 0.9).toFixed(2)}`
  return `${formatMs(median(values))} (p10–p90 ${spread}, n=${values.length})`
}

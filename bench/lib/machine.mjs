/** Prints the machine, runtime and source state that a benchmark result depends on. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg, totalmem } from 'node:os'

function cpuModel() {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'))
    return line?.split(':')[1]?.trim() ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Returns the commit and whether src/ has uncommitted changes, which a bundle then contains. */
function sourceState() {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' })
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      encoding: 'utf8',
    })
    const files = changed.split('\n').filter(Boolean).length
    return `${commit.trim()}${files > 0 ? ` + ${files} uncommitted change(s) in src/` : ''}`
  } catch {
    return 'unknown (not a git checkout)'
  }
}

/**
 * Prints the 1-minute load average. On a machine shared with other work, a load above the CPU
 * count means the benchmark competed for CPU and its numbers are noisy.
 */
export function printLoad(when) {
  console.log(`load average (1 min) ${when}: ${loadavg()[0].toFixed(2)}`)
}

/** Prints one header line per fact: date, CPUs, RAM, Node version, source commit and load. */
export function printMachine() {
  const ramGiB = (totalmem() / 1024 ** 3).toFixed(1)
  console.log(`date:    ${new Date().toISOString()}`)
  console.log(`machine: ${availableParallelism()} CPUs, ${cpuModel()}, ${ramGiB} GiB RAM`)
  console.log(`node:    ${process.version}`)
  console.log(`source:  ${sourceState()}`)
  printLoad('at start')
}

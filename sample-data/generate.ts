/**
 * Writes the deterministic sample province (`npm run sample-data`).
 *
 *   tsx sample-data/generate.ts [--seed 20261123] [--out sample-data]
 *   tsx sample-data/generate.ts --scale 1000000 [--seed n] [--out sample-data]
 *
 * The default run writes `<out>/province/` and `<out>/uploads/` (committed). `--scale N` instead writes
 * benchmark layers with N farmland polygons to `<out>/scale/<N>/` (git-ignored).
 */
import { parseArgs } from 'node:util'
import { DEFAULT_SEED, generateSampleProvince } from './generator/index'
import { generateScale } from './generator/scale'

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) {
    throw new RangeError(`--${name} must be an integer ≥ ${min}, got "${value}"`)
  }
  return n
}

function main(): void {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      out: { type: 'string' },
      scale: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log('usage: tsx sample-data/generate.ts [--seed <n>] [--out <dir>] [--scale <N>]')
    return
  }
  const seed = integer('seed', values.seed, DEFAULT_SEED, 0)
  const outDir = values.out ?? 'sample-data'
  const started = performance.now()

  if (values.scale !== undefined) {
    const count = integer('scale', values.scale, 0, 1)
    const result = generateScale({ seed, outDir, count, log: (line) => console.log(line) })
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    const files = result.files.map(
      (f) => `${f.path} ${f.features} features, ${(f.bytes / 1e6).toFixed(1)} MB`,
    )
    console.log(`sample-data --scale ${count}: ${files.join('; ')} in ${seconds} s`)
    return
  }

  const summary = generateSampleProvince({ seed, outDir })
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  const bytes = summary.files.reduce((n, f) => n + f.bytes, 0)
  const counts = Object.entries(summary.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')
  console.log(
    `sample-data (seed ${seed}): ${summary.files.length} files, ${(bytes / 1e6).toFixed(2)} MB in ${outDir}/province and ${outDir}/uploads ` +
      `(${counts}) in ${seconds} s`,
  )
}

try {
  main()
} catch (error) {
  console.error(`sample-data: ${(error as Error).message}`)
  process.exitCode = 1
}

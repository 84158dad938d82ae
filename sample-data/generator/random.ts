/**
 * Seeded randomness. Every random choice of the generator comes from a stream keyed by the seed and
 * a label (`rng(seed, 'county', '520102', 'patches')`), so adding a feature to one layer does not
 * shift the random numbers of another, and the same seed always gives the same bytes.
 */
import seedrandom from 'seedrandom'

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [a, b). */
  uniform(a: number, b: number): number
  /** Integer in [a, b], both ends included. */
  int(a: number, b: number): number
  /** True with probability p. */
  chance(p: number): boolean
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
}

/** A random stream for the seed and the labels (Alea, fast and portable). */
export function rng(seed: number, ...labels: (string | number)[]): Rng {
  const prng = seedrandom.alea([seed, ...labels].join(':'))
  const next = (): number => prng()
  return {
    next,
    uniform: (a, b) => a + (b - a) * next(),
    int: (a, b) => a + Math.floor((b - a + 1) * next()),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(items.length * next())]
      if (item === undefined) throw new RangeError('pick from an empty array')
      return item
    },
  }
}

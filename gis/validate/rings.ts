/**
 * Ring basics: closure, repeated consecutive points, and enough distinct points to enclose an area.
 *
 * Closure and repetition are judged on the file's own coordinates, exactly: they are about what the
 * file says. A ring is turned into the open work form (see `geometry.ts`) with repeated points left
 * out, whether or not repair was asked for; only a repair carries the change into the result.
 */
import type { Position } from '../formats/types'
import { report, type FeatureCheck } from './context'
import { makeRing, samePosition, scratchRing, type WorkRing } from './geometry'
import { MESSAGES, type RingRef } from './messages'

/** The ring label of a file ring. */
export function refOf(check: FeatureCheck, part: number, ring: number): RingRef {
  return { part, ring, parts: check.parts }
}

/**
 * Checks closure, repeated points and point count of ring `ring` of part `part`; returns its open
 * work form, or null when too few distinct points remain (an error is reported). With `transient`,
 * a ring that needs no change is built on the shared scratch buffer (see `scratchRing`).
 */
export function prepareRing(
  check: FeatureCheck,
  part: number,
  ring: number,
  src: Position[],
  ll: Position[],
  transient = false,
): WorkRing | null {
  const ref = refOf(check, part, ring)
  const len = src.length
  if (len === 0) {
    report(check, 'geometry.too_few_points', 'error', MESSAGES['geometry.too_few_points'](check.who, ref, 0))
    check.broken = true
    return null
  }
  const closed = len > 1 && samePosition(src[0]!, src[len - 1]!)
  const n = closed ? len - 1 : len
  if (!closed) {
    if (check.repair) {
      check.changed = true
      report(
        check,
        'repair.ring_closed',
        'warning',
        MESSAGES['repair.ring_closed'](check.who, ref, ll[0]!),
        ll[0]!,
      )
    } else {
      check.broken = true
      report(
        check,
        'geometry.unclosed_ring',
        'error',
        MESSAGES['geometry.unclosed_ring'](check.who, ref, ll[0]!, ll[len - 1]!),
        ll[len - 1]!,
      )
    }
  }
  // repeated consecutive points, the last one against the first too
  let repeats = 0
  for (let i = 1; i < n; i++) if (samePosition(src[i]!, src[i - 1]!)) repeats++
  if (n > 1 && samePosition(src[n - 1]!, src[0]!)) repeats++
  if (repeats === 0) {
    if (n < 3) return tooFew(check, ref, n)
    return (transient ? scratchRing : makeRing)(check.frame, src, ll, n, [part, ring])
  }
  const keep: number[] = [0]
  let firstRepeat = -1
  for (let i = 1; i < n; i++) {
    if (samePosition(src[i]!, src[keep[keep.length - 1]!]!)) {
      if (firstRepeat < 0) firstRepeat = i
    } else keep.push(i)
  }
  while (keep.length > 1 && samePosition(src[keep[keep.length - 1]!]!, src[0]!)) {
    if (firstRepeat < 0) firstRepeat = keep[keep.length - 1]!
    keep.pop()
  }
  const removed = n - keep.length
  const where = ll[Math.max(firstRepeat, 0)]!
  if (check.repair) {
    check.changed = true
    report(
      check,
      'repair.duplicate_points_removed',
      'warning',
      MESSAGES['repair.duplicate_points_removed'](check.who, ref, removed, where),
      where,
      { removed },
    )
  } else {
    report(
      check,
      'geometry.duplicate_points',
      'warning',
      MESSAGES['geometry.duplicate_points'](check.who, ref, removed, where),
      where,
      { repeated: removed },
    )
  }
  if (keep.length < 3) return tooFew(check, ref, keep.length)
  return makeRing(
    check.frame,
    keep.map((i) => src[i]!),
    keep.map((i) => ll[i]!),
    keep.length,
    [part, ring],
  )
}

function tooFew(check: FeatureCheck, ref: RingRef, distinct: number): null {
  report(
    check,
    'geometry.too_few_points',
    'error',
    MESSAGES['geometry.too_few_points'](check.who, ref, distinct),
    null,
    { distinctPoints: distinct },
  )
  check.broken = true
  return null
}

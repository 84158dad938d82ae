/**
 * Holes against their outer ring and against each other: a hole must lie inside its outer ring, must
 * not cross it or run along it, and must neither cross nor contain another hole. Touching at a single
 * point is allowed (OGC rules).
 */
import type { Position } from '../formats/types'
import { report, type FeatureCheck } from './context'
import {
  boxesMeet,
  CROSS,
  edgePairs,
  hit,
  intersect,
  OVERLAP,
  pointInRing,
  ringBBox,
  toLonLat,
} from './geometry'
import type { WorkPolygon, WorkRing } from './geometry'
import { MESSAGES } from './messages'
import { refOf } from './rings'

/** Where two rings cross or share a stretch, in the local frame; null when they only touch or not at all. */
export function ringsCross(a: WorkRing, b: WorkRing): { overlap: boolean; x: number; y: number } | null {
  let found: { overlap: boolean; x: number; y: number } | null = null
  const ax = a.xy
  const bx = b.xy
  edgePairs(a, b, (i, j) => {
    const i1 = i + 1 === a.n ? 0 : i + 1
    const j1 = j + 1 === b.n ? 0 : j + 1
    const kind = intersect(
      ax[2 * i]!,
      ax[2 * i + 1]!,
      ax[2 * i1]!,
      ax[2 * i1 + 1]!,
      bx[2 * j]!,
      bx[2 * j + 1]!,
      bx[2 * j1]!,
      bx[2 * j1 + 1]!,
    )
    if (kind === CROSS || kind === OVERLAP) {
      found = { overlap: kind === OVERLAP, x: hit.x, y: hit.y }
      return true
    }
    return false
  })
  return found
}

/** Where ring a lies relative to ring b (1 inside, -1 outside, 0 undecided), judged by a vertex of a off b. */
export function ringSide(a: WorkRing, b: WorkRing): { side: number; k: number } {
  for (let k = 0; k < a.n; k++) {
    const side = pointInRing(a.xy[2 * k]!, a.xy[2 * k + 1]!, b)
    if (side !== 0) return { side, k }
  }
  return { side: 0, k: 0 }
}

/** Checks the holes of one polygon. Returns false when an error was found. */
export function checkHoles(check: FeatureCheck, polygon: WorkPolygon): boolean {
  if (polygon.length < 2) return true
  const shell = polygon[0]!
  const holes = polygon.slice(1)
  const boxes = holes.map(ringBBox)
  const shellBox = ringBBox(shell)
  const ref = (r: WorkRing) => refOf(check, r.origin[0], r.origin[1])
  const ll = (x: number, y: number): Position => toLonLat(check.frame, x, y)
  let ok = true
  const fail = (
    code: string,
    message: ReturnType<(typeof MESSAGES)['geometry.rings_cross']>,
    p: Position,
  ) => {
    report(check, code, 'error', message, p)
    check.broken = true
    ok = false
  }
  holes.forEach((hole, k) => {
    const cross = boxesMeet(shellBox, boxes[k]!) ? ringsCross(shell, hole) : null
    if (cross) {
      const p = ll(cross.x, cross.y)
      fail(
        'geometry.rings_cross',
        MESSAGES['geometry.rings_cross'](check.who, ref(shell), ref(hole), cross.overlap, p),
        p,
      )
      return
    }
    const { side, k: v } = ringSide(hole, shell)
    if (side < 0) {
      const p = hole.ll[v]!
      fail('geometry.hole_outside_shell', MESSAGES['geometry.hole_outside_shell'](check.who, ref(hole), p), p)
    }
  })
  for (let k = 0; k < holes.length; k++) {
    for (let m = k + 1; m < holes.length; m++) {
      if (!boxesMeet(boxes[k]!, boxes[m]!)) continue
      const a = holes[k]!
      const b = holes[m]!
      const cross = ringsCross(a, b)
      if (cross) {
        const p = ll(cross.x, cross.y)
        fail(
          'geometry.rings_cross',
          MESSAGES['geometry.rings_cross'](check.who, ref(a), ref(b), cross.overlap, p),
          p,
        )
        continue
      }
      const bInA = ringSide(b, a)
      if (bInA.side > 0) {
        const p = b.ll[bInA.k]!
        fail('geometry.nested_holes', MESSAGES['geometry.nested_holes'](check.who, ref(b), ref(a), p), p)
        continue
      }
      const aInB = ringSide(a, b)
      if (aInB.side > 0) {
        const p = a.ll[aInB.k]!
        fail('geometry.nested_holes', MESSAGES['geometry.nested_holes'](check.who, ref(a), ref(b), p), p)
      }
    }
  }
  return ok
}

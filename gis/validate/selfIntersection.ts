/**
 * Rings that cross or touch themselves, and their repair.
 *
 * Detection compares every pair of non-adjacent edges (a sweep for large rings): a crossing, a vertex
 * lying on another edge (the "inverted hole" ArcGIS draws as one self-touching ring) and a stretch
 * run twice are all invalid under OGC rules, and PostGIS would refuse them; adjacent edges only count
 * when they run back over each other (a zero-width spike).
 *
 * Repair splits the ring at every crossing and touching point into loops that touch but never cross
 * (Seifert's smoothing: arriving at a node on one pass, leave on the other), then decides which
 * loops bound filled area by the non-zero winding rule: a loop inside a loop of the same direction
 * adds nothing (the area was traced twice), a loop inside one of the opposite direction is a hole,
 * separate loops become separate parts. The figure-eight (bow-tie) becomes its two triangles. Rings
 * whose edges overlap along a stretch are not repaired: which side was meant cannot be known.
 */
import type { Position } from '../formats/types'
import { report, type FeatureCheck } from './context'
import {
  CROSS,
  edgePairs,
  hit,
  intersect,
  makeRing,
  orient,
  pointInRing,
  signedArea2,
  TOUCH,
} from './geometry'
import { toLonLat, type Frame, type WorkPolygon, type WorkRing } from './geometry'
import { MESSAGES } from './messages'
import { refOf } from './rings'

export interface SelfIntersection {
  kind: 'cross' | 'touch' | 'overlap'
  /** Edge indices (edge i runs from vertex i to vertex i + 1). */
  i: number
  j: number
  /** Parameters of the point on edge i and on edge j. */
  t: number
  u: number
  /** The point, in the local frame. */
  x: number
  y: number
}

const NO_HITS: readonly SelfIntersection[] = Object.freeze([])

function record(out: SelfIntersection[], kind: number, i: number, j: number): void {
  out.push({
    kind: kind === CROSS ? 'cross' : kind === TOUCH ? 'touch' : 'overlap',
    i,
    j,
    t: hit.t,
    u: hit.u,
    x: hit.x,
    y: hit.y,
  })
}

/** How edges i and j of a ring meet (see `intersect`). */
function edgesMeet(xy: Float64Array, n: number, i: number, j: number): number {
  const i1 = i + 1 === n ? 0 : i + 1
  const j1 = j + 1 === n ? 0 : j + 1
  return intersect(
    xy[2 * i]!,
    xy[2 * i + 1]!,
    xy[2 * i1]!,
    xy[2 * i1 + 1]!,
    xy[2 * j]!,
    xy[2 * j + 1]!,
    xy[2 * j1]!,
    xy[2 * j1 + 1]!,
  )
}

/** Every place where a ring meets itself, at most `max` of them. */
export function ringSelfIntersections(r: WorkRing, max = 1000): readonly SelfIntersection[] {
  const { xy, n } = r
  if (n < 3) return NO_HITS
  let out: SelfIntersection[] | null = null
  // adjacent edges running back over each other
  for (let a = 0; a < n; a++) {
    const b = a + 1 === n ? 0 : a + 1
    const c = b + 1 === n ? 0 : b + 1
    const ax = xy[2 * a]!
    const ay = xy[2 * a + 1]!
    const bx = xy[2 * b]!
    const by = xy[2 * b + 1]!
    const cx = xy[2 * c]!
    const cy = xy[2 * c + 1]!
    if (orient(ax, ay, bx, by, cx, cy) === 0 && (ax - bx) * (cx - bx) + (ay - by) * (cy - by) > 0) {
      ;(out ??= []).push({ kind: 'overlap', i: a, j: b, t: 1, u: 0, x: bx, y: by })
    }
  }
  if (n <= 16) {
    // small rings: every pair of non-adjacent edges
    for (let i = 0; i < n; i++) {
      for (let j = i + 2; j < n; j++) {
        if (i === 0 && j === n - 1) continue
        const kind = edgesMeet(xy, n, i, j)
        if (kind !== 0) record((out ??= []), kind, i, j)
      }
    }
  } else {
    edgePairs(r, r, (i, j) => {
      if (j === i + 1 || (i === 0 && j === n - 1) || i === j) return
      const kind = edgesMeet(xy, n, i, j)
      if (kind !== 0) record((out ??= []), kind, i, j)
      return (out?.length ?? 0) >= max
    })
  }
  return out ?? NO_HITS
}

interface Node {
  x: number
  y: number
  src: Position
  ll: Position
  id: number
}

function lerp(a: Position, b: Position, t: number): Position {
  return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
}

/**
 * Splits a ring at its crossings and touching points into simple loops. Returns null when the ring
 * has overlapping stretches (no repair possible).
 */
export function splitIntoLoops(
  frame: Frame,
  r: WorkRing,
  hits: readonly SelfIntersection[],
): WorkRing[] | null {
  if (hits.some((h) => h.kind === 'overlap')) return null
  const { xy, n } = r
  // points to insert on each edge, by parameter
  const inserts: { t: number; node: Node }[][] = Array.from({ length: n }, () => [])
  const vertexNode = (k: number): Node => ({
    x: xy[2 * k]!,
    y: xy[2 * k + 1]!,
    src: r.src[k]!,
    ll: r.ll[k]!,
    id: -1,
  })
  for (const h of hits) {
    const i1 = (h.i + 1) % n
    const j1 = (h.j + 1) % n
    let node: Node
    if (h.kind === 'cross') {
      node = {
        x: h.x,
        y: h.y,
        src: lerp(r.src[h.i]!, r.src[i1]!, h.t),
        ll: lerp(r.ll[h.i]!, r.ll[i1]!, h.t),
        id: -1,
      }
    } else {
      // a touch: the shared point is a vertex of one edge; reuse its exact coordinates
      node =
        h.t === 0
          ? vertexNode(h.i)
          : h.t === 1
            ? vertexNode(i1)
            : h.u === 0
              ? vertexNode(h.j)
              : vertexNode(j1)
    }
    if (h.t > 0 && h.t < 1) inserts[h.i]!.push({ t: h.t, node })
    if (h.u > 0 && h.u < 1) inserts[h.j]!.push({ t: h.u, node })
  }
  // the noded ring: vertices and inserted points in order; equal coordinates make one node
  const ids = new Map<string, number>()
  const seq: Node[] = []
  const push = (node: Node) => {
    const key = `${node.x},${node.y}`
    let id = ids.get(key)
    if (id === undefined) ids.set(key, (id = ids.size))
    seq.push({ ...node, id })
  }
  for (let k = 0; k < n; k++) {
    push(vertexNode(k))
    const list = inserts[k]!
    list.sort((a, b) => a.t - b.t)
    for (const { node } of list) push(node)
  }
  // Seifert's smoothing: at a node the ring passes twice, arriving on one pass continues on the
  // other. The ring falls apart into loops that touch at nodes but never cross, and every region
  // keeps its winding number.
  const visits = new Map<number, number[]>()
  seq.forEach((node, k) => {
    const list = visits.get(node.id)
    if (list) list.push(k)
    else visits.set(node.id, [k])
  })
  const m = seq.length
  const next = new Int32Array(m)
  for (let k = 0; k < m; k++) next[k] = (k + 1) % m
  for (const list of visits.values()) {
    if (list.length < 2) continue
    for (let v = 0; v < list.length; v++) next[list[v]!] = (list[(v + 1) % list.length]! + 1) % m
  }
  const loops: Node[][] = []
  const done = new Uint8Array(m)
  for (let start = 0; start < m; start++) {
    if (done[start]) continue
    const loop: Node[] = []
    for (let k = start; !done[k]; k = next[k]!) {
      done[k] = 1
      loop.push(seq[k]!)
    }
    loops.push(loop)
  }
  return loops
    .filter((loop) => loop.length >= 3)
    .map((loop) =>
      makeRing(
        frame,
        loop.map((m) => m.src),
        loop.map((m) => m.ll),
        loop.length,
        r.origin,
      ),
    )
    .filter((ring) => signedArea2(ring) !== 0)
}

function testPoint(r: WorkRing, other: WorkRing): number {
  // midpoint of an edge of r that is not on the other's boundary
  for (let i = 0; i < r.n; i++) {
    const i1 = (i + 1) % r.n
    const x = (r.xy[2 * i]! + r.xy[2 * i1]!) / 2
    const y = (r.xy[2 * i + 1]! + r.xy[2 * i1 + 1]!) / 2
    const where = pointInRing(x, y, other)
    if (where !== 0) return where
  }
  return -1
}

/**
 * Turns simple loops (from one ring, touching at most at points) into polygons by the non-zero winding
 * rule: a region is filled when the loops around it do not cancel out.
 */
export function loopsToPolygons(loops: WorkRing[]): WorkPolygon[] {
  const areas = loops.map((l) => signedArea2(l))
  const dir = areas.map((a) => (a > 0 ? 1 : -1))
  const parent = loops.map((loop, k) => {
    let best = -1
    for (let m = 0; m < loops.length; m++) {
      if (m === k || Math.abs(areas[m]!) <= Math.abs(areas[k]!)) continue
      if (testPoint(loop, loops[m]!) > 0 && (best < 0 || Math.abs(areas[m]!) < Math.abs(areas[best]!)))
        best = m
    }
    return best
  })
  const winding: number[] = []
  const windingOf = (k: number): number => {
    if (winding[k] !== undefined) return winding[k]!
    const w = dir[k]! + (parent[k]! >= 0 ? windingOf(parent[k]!) : 0)
    winding[k] = w
    return w
  }
  const filled = (k: number) => (k < 0 ? false : windingOf(k) !== 0)
  const shells = new Map<number, WorkPolygon>()
  loops.forEach((loop, k) => {
    if (filled(k) && !filled(parent[k]!)) shells.set(k, [loop])
  })
  loops.forEach((loop, k) => {
    if (filled(k) || !filled(parent[k]!)) return
    let up = parent[k]!
    while (up >= 0 && !shells.has(up)) up = parent[up]!
    if (up >= 0) shells.get(up)!.push(loop)
  })
  return [...shells.values()]
}

export type SelfIntersectionOutcome =
  { status: 'simple' } | { status: 'repaired'; polygons: WorkPolygon[] } | { status: 'invalid' }

/** At most this many crossings of one ring are reported one by one; the rest are counted. */
const REPORTED = 10

/** Reports where a ring meets itself; with repair, splits it into valid polygons. */
export function checkSelfIntersection(check: FeatureCheck, ring: WorkRing): SelfIntersectionOutcome {
  const hits = ringSelfIntersections(ring)
  if (hits.length === 0) return { status: 'simple' }
  const ref = refOf(check, ring.origin[0], ring.origin[1])
  const where = (h: SelfIntersection) => toLonLat(check.frame, h.x, h.y)
  check.broken = true
  // one finding per place: a vertex visited twice shows up as several edge pairs meeting there
  const seen = new Set<string>()
  const places = hits.filter((h) => {
    const key = `${h.x},${h.y}`
    return seen.has(key) ? false : (seen.add(key), true)
  })
  if (check.repair) {
    const loops = splitIntoLoops(check.frame, ring, hits)
    const polygons = loops ? loopsToPolygons(loops) : []
    if (polygons.length > 0) {
      check.broken = false
      check.changed = true
      const p = where(hits[0]!)
      report(
        check,
        'repair.self_intersection_split',
        'warning',
        MESSAGES['repair.self_intersection_split'](check.who, ref, places.length, p, polygons.length),
        p,
        { places: places.length, polygons: polygons.length },
      )
      return { status: 'repaired', polygons }
    }
    const h = hits.find((x) => x.kind === 'overlap') ?? hits[0]!
    report(
      check,
      'geometry.self_intersection',
      'error',
      MESSAGES['repair.self_intersection_failed'](check.who, ref, where(h)),
      where(h),
      { kind: h.kind, repairable: false },
    )
    return { status: 'invalid' }
  }
  for (const h of places.slice(0, REPORTED)) {
    const p = where(h)
    report(
      check,
      'geometry.self_intersection',
      'error',
      MESSAGES['geometry.self_intersection'](check.who, ref, h.kind, p),
      p,
      { kind: h.kind },
    )
  }
  if (places.length > REPORTED) {
    report(
      check,
      'geometry.self_intersection',
      'error',
      MESSAGES['geometry.self_intersection_more'](check.who, ref, places.length - REPORTED),
      null,
      { more: places.length - REPORTED },
    )
  }
  return { status: 'invalid' }
}

/**
 * Planar primitives for the validation modules, on rings held in a local metric frame.
 *
 * Validation works on the EPSG:4490 coordinates that will be stored, moved into one local frame per
 * upload: x = (lon − lon0)·kx, y = (lat − lat0)·ky, with kx, ky the metres per degree at the upload's
 * centre. The map is affine, so every topological fact (crossings, touches, containment, orientation)
 * is the same as in lon/lat, while lengths and angles come out in approximate metres, which is what
 * tolerances (spikes) need, and numbers stay small, which is what floating-point predicates need.
 *
 * A ring here is "open": n distinct consecutive vertices, the closing vertex not repeated, stored as
 * interleaved x, y in a Float64Array, with the matching source and lon/lat positions beside it so that
 * a repair can carry every change back to the file's own coordinates.
 */
import type { Position } from '../formats/types'

export interface Frame {
  lon0: number
  lat0: number
  kx: number
  ky: number
}

/** The local frame centred on a lon/lat point. */
export function frameAt(lon0: number, lat0: number): Frame {
  const phi = (lat0 * Math.PI) / 180
  // metres per degree on GRS 80 (meridian and parallel), good to well under 1 % — only tolerances use it
  const ky = 111_132.954 - 559.822 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi)
  const kx = 111_412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi)
  return { lon0, lat0, kx, ky }
}

export function toLonLat(frame: Frame, x: number, y: number): [number, number] {
  return [frame.lon0 + x / frame.kx, frame.lat0 + y / frame.ky]
}

export interface WorkRing {
  /** Local x, y of the n vertices, interleaved. */
  xy: Float64Array
  n: number
  /** Source (file) positions of the vertices; may hold a closing vertex beyond n. */
  src: Position[]
  /** EPSG:4490 positions of the vertices; may hold a closing vertex beyond n. */
  ll: Position[]
  /** Part and ring number (0-based) of the ring in the file this one comes from, for messages. */
  origin: [part: number, ring: number]
}

/** A polygon: the shell first, then holes. */
export type WorkPolygon = WorkRing[]

export function makeRing(
  frame: Frame,
  src: Position[],
  ll: Position[],
  n: number,
  origin: [number, number] = [0, 0],
): WorkRing {
  const xy = new Float64Array(2 * n)
  const { lon0, lat0, kx, ky } = frame
  for (let i = 0; i < n; i++) {
    const p = ll[i]!
    xy[2 * i] = (p[0] - lon0) * kx
    xy[2 * i + 1] = (p[1] - lat0) * ky
  }
  return { xy, n, src, ll, origin }
}

let scratch = new Float64Array(256)

/**
 * A ring whose local coordinates sit in a buffer shared by every call: valid only until the next
 * call. For the checks of a one-ring parcel, which keep nothing, it saves an allocation per parcel.
 */
export function scratchRing(
  frame: Frame,
  src: Position[],
  ll: Position[],
  n: number,
  origin: [number, number] = [0, 0],
): WorkRing {
  if (scratch.length < 2 * n) scratch = new Float64Array(4 * n)
  const xy = scratch
  const { lon0, lat0, kx, ky } = frame
  for (let i = 0; i < n; i++) {
    const p = ll[i]!
    xy[2 * i] = (p[0] - lon0) * kx
    xy[2 * i + 1] = (p[1] - lat0) * ky
  }
  return { xy, n, src, ll, origin }
}

/** Whether an (open, simple) ring is convex: it turns the same way, or goes straight, at every vertex. */
export function isConvex(r: WorkRing): boolean {
  const { xy, n } = r
  let sign = 0
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1
    const k = j + 1 === n ? 0 : j + 1
    const o = orient(xy[2 * i]!, xy[2 * i + 1]!, xy[2 * j]!, xy[2 * j + 1]!, xy[2 * k]!, xy[2 * k + 1]!)
    if (o === 0) continue
    if (sign === 0) sign = o > 0 ? 1 : -1
    else if ((o > 0 ? 1 : -1) !== sign) return false
  }
  return sign !== 0
}

/** A ring made of selected vertices of another (indices into it). */
export function subRing(frame: Frame, ring: WorkRing, keep: readonly number[]): WorkRing {
  return makeRing(
    frame,
    keep.map((i) => ring.src[i]!),
    keep.map((i) => ring.ll[i]!),
    keep.length,
    ring.origin,
  )
}

/** Twice the signed area (positive: counter-clockwise). */
export function signedArea2(r: WorkRing): number {
  const { xy, n } = r
  if (n < 3) return 0
  let s = 0
  const x0 = xy[0]!
  const y0 = xy[1]!
  for (let i = 1; i < n - 1; i++) {
    s += (xy[2 * i]! - x0) * (xy[2 * i + 3]! - y0) - (xy[2 * i + 2]! - x0) * (xy[2 * i + 1]! - y0)
  }
  return s
}

/** The ring reversed (same vertices, opposite orientation). */
export function reversed(frame: Frame, r: WorkRing): WorkRing {
  const idx = Array.from({ length: r.n }, (_, i) => r.n - 1 - i)
  return subRing(frame, r, idx)
}

/** Orientation of c relative to a→b: > 0 left (counter-clockwise), < 0 right, 0 collinear. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
}

export const NONE = 0
export const CROSS = 1
export const TOUCH = 2
export const OVERLAP = 3

/** Result of the last `intersect` call (reused, to keep the hot loops allocation-free). */
export const hit = { kind: NONE, t: 0, u: 0, x: 0, y: 0, t1: 0, u1: 0 }

function between(a: number, b: number, c: number): boolean {
  return a <= b ? a <= c && c <= b : b <= c && c <= a
}

/**
 * How segment ab meets segment cd: NONE, CROSS (interiors cross at one point), TOUCH (they share one
 * point, an endpoint of at least one), OVERLAP (collinear with a common stretch of positive length).
 * Fills `hit`: t and u are the parameters of the (first) common point on ab and cd, x, y the point;
 * for OVERLAP, [t, t1] is the stretch on ab and [u, u1] on cd.
 */
export function intersect(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): number {
  const d1 = orient(cx, cy, dx, dy, ax, ay)
  const d2 = orient(cx, cy, dx, dy, bx, by)
  if ((d1 > 0 && d2 > 0) || (d1 < 0 && d2 < 0)) return (hit.kind = NONE)
  const d3 = orient(ax, ay, bx, by, cx, cy)
  const d4 = orient(ax, ay, bx, by, dx, dy)
  if ((d3 > 0 && d4 > 0) || (d3 < 0 && d4 < 0)) return (hit.kind = NONE)
  if (d1 !== 0 && d2 !== 0 && d3 !== 0 && d4 !== 0) {
    const t = d1 / (d1 - d2)
    hit.t = t
    hit.u = d3 / (d3 - d4)
    hit.x = ax + t * (bx - ax)
    hit.y = ay + t * (by - ay)
    return (hit.kind = CROSS)
  }
  if (d1 === 0 && d2 === 0) {
    // collinear: compare along the longer axis of ab
    const useX = Math.abs(bx - ax) >= Math.abs(by - ay)
    const a0 = useX ? ax : ay
    const a1 = useX ? bx : by
    const c0 = useX ? cx : cy
    const c1 = useX ? dx : dy
    const len = a1 - a0
    if (len === 0) return (hit.kind = NONE)
    let tc = (c0 - a0) / len
    let td = (c1 - a0) / len
    const lo = Math.max(0, Math.min(tc, td))
    const hi = Math.min(1, Math.max(tc, td))
    if (lo > hi) return (hit.kind = NONE)
    const clen = c1 - c0
    tc = lo
    td = hi
    hit.t = tc
    hit.t1 = td
    hit.u = clen === 0 ? 0 : (a0 + tc * len - c0) / clen
    hit.u1 = clen === 0 ? 0 : (a0 + td * len - c0) / clen
    hit.x = ax + tc * (bx - ax)
    hit.y = ay + tc * (by - ay)
    return (hit.kind = lo < hi ? OVERLAP : TOUCH)
  }
  if (d1 === 0 && between(cx, dx, ax) && between(cy, dy, ay)) {
    setTouch(0, ax, ay, cx, cy, dx, dy)
  } else if (d2 === 0 && between(cx, dx, bx) && between(cy, dy, by)) {
    setTouch(1, bx, by, cx, cy, dx, dy)
  } else if (d3 === 0 && between(ax, bx, cx) && between(ay, by, cy)) {
    setTouchOnAb(0, cx, cy, ax, ay, bx, by)
  } else if (d4 === 0 && between(ax, bx, dx) && between(ay, by, dy)) {
    setTouchOnAb(1, dx, dy, ax, ay, bx, by)
  } else {
    return (hit.kind = NONE)
  }
  return (hit.kind = TOUCH)
}

function param(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const useX = Math.abs(bx - ax) >= Math.abs(by - ay)
  const len = useX ? bx - ax : by - ay
  return len === 0 ? 0 : ((useX ? px : py) - (useX ? ax : ay)) / len
}

function setTouch(t: number, px: number, py: number, cx: number, cy: number, dx: number, dy: number) {
  hit.t = t
  hit.u = param(px, py, cx, cy, dx, dy)
  hit.x = px
  hit.y = py
}

function setTouchOnAb(u: number, px: number, py: number, ax: number, ay: number, bx: number, by: number) {
  hit.u = u
  hit.t = param(px, py, ax, ay, bx, by)
  hit.x = px
  hit.y = py
}

/** Where (x, y) lies relative to a ring: 1 inside, -1 outside, 0 on its boundary. */
export function pointInRing(x: number, y: number, r: WorkRing): number {
  const { xy, n } = r
  let inside = false
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = xy[2 * i]!
    const yi = xy[2 * i + 1]!
    const xj = xy[2 * j]!
    const yj = xy[2 * j + 1]!
    if (yi > y !== yj > y) {
      const o = orient(xj, yj, xi, yi, x, y)
      if (o === 0) return 0
      // the edge crosses the horizontal through y; count it when the point is on its left side going up
      if (o > 0 === yi > yj) inside = !inside
    } else if (yi === y && yj === y && between(xi, xj, x)) {
      return 0
    } else if (xi === x && yi === y) {
      return 0
    }
  }
  return inside ? 1 : -1
}

/** Where (x, y) lies relative to a polygon (shell minus holes): 1 inside, -1 outside, 0 on a boundary. */
export function pointInPolygon(x: number, y: number, p: WorkPolygon): number {
  const s = pointInRing(x, y, p[0]!)
  if (s <= 0) return s
  for (let h = 1; h < p.length; h++) {
    const r = pointInRing(x, y, p[h]!)
    if (r === 0) return 0
    if (r > 0) return -1
  }
  return 1
}

export type BBox4 = [number, number, number, number]

export function ringBBox(r: WorkRing): BBox4 {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  const { xy, n } = r
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i]!
    const y = xy[2 * i + 1]!
    if (x < minX) minX = x
    if (x > maxX) maxX = x
    if (y < minY) minY = y
    if (y > maxY) maxY = y
  }
  return [minX, minY, maxX, maxY]
}

/** Whether two boxes share interior (touching edges do not count). */
export function boxesOverlap(a: BBox4, b: BBox4): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

/** Whether two boxes share any point. */
export function boxesMeet(a: BBox4, b: BBox4): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/**
 * Calls `visit(ea, eb)` for every pair of edges, one of ring a and one of ring b (or two of ring a when
 * b is a), whose boxes meet. Small rings are compared pair by pair; large ones through a sweep over
 * the edges sorted by their smallest x.
 */
export function edgePairs(a: WorkRing, b: WorkRing, visit: (ea: number, eb: number) => boolean | void): void {
  const same = a === b
  const na = a.n
  const nb = b.n
  const ax = a.xy
  const bx = b.xy
  if (na * nb <= 256) {
    for (let i = 0; i < na; i++) {
      const i1 = i + 1 === na ? 0 : i + 1
      const x0 = ax[2 * i]!
      const y0 = ax[2 * i + 1]!
      const x1 = ax[2 * i1]!
      const y1 = ax[2 * i1 + 1]!
      const minX = x0 < x1 ? x0 : x1
      const maxX = x0 < x1 ? x1 : x0
      const minY = y0 < y1 ? y0 : y1
      const maxY = y0 < y1 ? y1 : y0
      for (let j = same ? i + 1 : 0; j < nb; j++) {
        const j1 = j + 1 === nb ? 0 : j + 1
        const u0 = bx[2 * j]!
        const v0 = bx[2 * j + 1]!
        const u1 = bx[2 * j1]!
        const v1 = bx[2 * j1 + 1]!
        if ((u0 < minX && u1 < minX) || (u0 > maxX && u1 > maxX)) continue
        if ((v0 < minY && v1 < minY) || (v0 > maxY && v1 > maxY)) continue
        if (visit(i, j) === true) return
      }
    }
    return
  }
  // sweep: edges of both rings sorted by min x; edge id e < na is ring a's, else ring b's (e - na)
  const total = same ? na : na + nb
  const minXs = new Float64Array(total)
  const maxXs = new Float64Array(total)
  const minYs = new Float64Array(total)
  const maxYs = new Float64Array(total)
  for (let e = 0; e < total; e++) {
    const r = e < na ? a : b
    const k = e < na ? e : e - na
    const k1 = k + 1 === r.n ? 0 : k + 1
    const x0 = r.xy[2 * k]!
    const x1 = r.xy[2 * k1]!
    const y0 = r.xy[2 * k + 1]!
    const y1 = r.xy[2 * k1 + 1]!
    minXs[e] = Math.min(x0, x1)
    maxXs[e] = Math.max(x0, x1)
    minYs[e] = Math.min(y0, y1)
    maxYs[e] = Math.max(y0, y1)
  }
  const order = new Uint32Array(total)
  for (let e = 0; e < total; e++) order[e] = e
  order.sort((p, q) => minXs[p]! - minXs[q]!)
  for (let s = 0; s < total; s++) {
    const e = order[s]!
    const maxX = maxXs[e]!
    for (let t = s + 1; t < total; t++) {
      const f = order[t]!
      if (minXs[f]! > maxX) break
      if (minYs[f]! > maxYs[e]! || minYs[e]! > maxYs[f]!) continue
      if (same) {
        if (visit(Math.min(e, f), Math.max(e, f)) === true) return
      } else if (e < na && f >= na) {
        if (visit(e, f - na) === true) return
      } else if (f < na && e >= na) {
        if (visit(f, e - na) === true) return
      }
    }
  }
}

/** Exact equality of two positions. */
export function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1]
}

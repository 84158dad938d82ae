/**
 * Small planar helpers for the generator: rings as arrays of [x, y], closed (first point repeated at
 * the end) unless a function says otherwise. The generator builds shapes in metres and checks them
 * here; the formats and the spatial checks under test live in `gis/`.
 */
import type { Rng } from './random'

export type XY = [number, number]
export type Ring = XY[]

export interface Box {
  xmin: number
  ymin: number
  xmax: number
  ymax: number
}

/** Closes a ring by repeating its first point (when it is not already closed). */
export function close(ring: Ring): Ring {
  const first = ring[0]!
  const last = ring[ring.length - 1]!
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first]
}

/** Signed area of a closed ring: positive when counter-clockwise (y up). */
export function signedArea(ring: Ring): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!
    const b = ring[i + 1]!
    sum += a[0] * b[1] - b[0] * a[1]
  }
  return sum / 2
}

/** Area of a polygon given as closed rings (outer first, then holes). */
export function polygonArea(rings: Ring[]): number {
  return rings.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0)
}

/** The ring turned counter-clockwise (ccw = true) or clockwise. */
export function orient(ring: Ring, ccw: boolean): Ring {
  return signedArea(ring) > 0 === ccw ? ring : [...ring].reverse()
}

export function boxOf(points: readonly XY[]): Box {
  const box = { xmin: Infinity, ymin: Infinity, xmax: -Infinity, ymax: -Infinity }
  for (const [x, y] of points) {
    if (x < box.xmin) box.xmin = x
    if (x > box.xmax) box.xmax = x
    if (y < box.ymin) box.ymin = y
    if (y > box.ymax) box.ymax = y
  }
  return box
}

export function boxesOverlap(a: Box, b: Box, margin = 0): boolean {
  return (
    a.xmin - margin < b.xmax &&
    b.xmin - margin < a.xmax &&
    a.ymin - margin < b.ymax &&
    b.ymin - margin < a.ymax
  )
}

/** Even-odd point-in-ring test (closed ring). */
export function pointInRing(p: XY, ring: Ring): boolean {
  const [x, y] = p
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

export function distanceToSegment(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2))
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy))
}

/** Distance from a point to the boundary of a closed ring. */
export function distanceToRing(p: XY, ring: Ring): number {
  let best = Infinity
  for (let i = 0; i + 1 < ring.length; i++)
    best = Math.min(best, distanceToSegment(p, ring[i]!, ring[i + 1]!))
  return best
}

function cross(o: XY, a: XY, b: XY): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/** Whether segments ab and cd share any point (touching counts). */
export function segmentsIntersect(a: XY, b: XY, c: XY, d: XY): boolean {
  const d1 = cross(c, d, a)
  const d2 = cross(c, d, b)
  const d3 = cross(a, b, c)
  const d4 = cross(a, b, d)
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true
  const on = (p: XY, q: XY, r: XY): boolean =>
    Math.min(p[0], q[0]) <= r[0] &&
    r[0] <= Math.max(p[0], q[0]) &&
    Math.min(p[1], q[1]) <= r[1] &&
    r[1] <= Math.max(p[1], q[1])
  return (
    (d1 === 0 && on(c, d, a)) ||
    (d2 === 0 && on(c, d, b)) ||
    (d3 === 0 && on(a, b, c)) ||
    (d4 === 0 && on(a, b, d))
  )
}

/** Whether a closed ring is simple: no repeated points and no two non-adjacent edges meeting. */
export function isSimpleRing(ring: Ring): boolean {
  const n = ring.length - 1
  if (n < 3) return false
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) {
    const key = `${ring[i]![0]},${ring[i]![1]}`
    if (seen.has(key)) return false
    seen.add(key)
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue
      if (segmentsIntersect(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return false
    }
  }
  return true
}

/**
 * A star-shaped blob around a centre: `n` vertices at evenly spread (slightly jittered) angles, the
 * radius varying smoothly by ±`wobble`. Star-shaped rings are always simple, and scaling one about its
 * centre by more than 1 gives a ring that contains it. Returns the radii too, so a caller can build a
 * concentric ring. Counter-clockwise, closed.
 */
export function blob(
  random: Rng,
  center: XY,
  radius: number,
  n: number,
  wobble: number,
): { ring: Ring; angles: number[]; radii: number[] } {
  const phases = [
    random.uniform(0, 2 * Math.PI),
    random.uniform(0, 2 * Math.PI),
    random.uniform(0, 2 * Math.PI),
  ]
  const weights = [0.55, 0.3, 0.15]
  const angles: number[] = []
  const radii: number[] = []
  for (let i = 0; i < n; i++) {
    const a = ((i + random.uniform(-0.3, 0.3)) / n) * 2 * Math.PI
    const noise = weights.reduce((s, w, k) => s + w * Math.sin((k + 2) * a + phases[k]!), 0)
    angles.push(a)
    radii.push(radius * (1 + wobble * noise))
  }
  return { ring: ringFromPolar(center, angles, radii), angles, radii }
}

export function ringFromPolar(center: XY, angles: number[], radii: number[]): Ring {
  const ring: Ring = angles.map((a, i) => [
    center[0] + radii[i]! * Math.cos(a),
    center[1] + radii[i]! * Math.sin(a),
  ])
  return close(ring)
}

/** Clips a closed ring by a convex, counter-clockwise closed ring (Sutherland–Hodgman). */
export function clipByConvex(subject: Ring, clip: Ring): Ring {
  let output: XY[] = subject.slice(0, -1)
  for (let i = 0; i + 1 < clip.length && output.length; i++) {
    const a = clip[i]!
    const b = clip[i + 1]!
    const input = output
    output = []
    for (let j = 0; j < input.length; j++) {
      const p = input[j]!
      const q = input[(j + 1) % input.length]!
      const pIn = cross(a, b, p) >= 0
      const qIn = cross(a, b, q) >= 0
      if (pIn) output.push(p)
      if (pIn !== qIn) {
        const t = cross(a, b, p) / (cross(a, b, p) - cross(a, b, q))
        output.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])])
      }
    }
  }
  return output.length ? close(output) : []
}

/** Rounds to a number of decimals (for output; Math.round keeps it deterministic). */
export function round(value: number, decimals: number): number {
  const f = 10 ** decimals
  return Math.round(value * f) / f
}

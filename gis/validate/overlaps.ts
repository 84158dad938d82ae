/**
 * Parcels of one upload that overlap each other.
 *
 * Candidates come from a packed R-tree of the parcels' boxes, so 100 000 parcels cost one index search
 * each, never a comparison of every pair. Each candidate pair then gets an exact test on the local
 * frame's coordinates, written for the common case of neighbours that share boundary points and
 * edges: with rings oriented so that the interior lies to the left of every edge (outer rings
 * counter-clockwise, holes clockwise), two polygons' interiors meet exactly when
 * - two edges cross, or
 * - two edges run along each other in the same direction (interiors on the same side), or
 * - a piece of one boundary, cut at the points where the other boundary touches it, lies inside the other.
 * Neighbours sharing an edge (it runs in opposite directions) and touching corners pass without any
 * clipping. Only pairs that really overlap are clipped (Turf's `intersect`, polyclip) to measure the
 * overlap on the ellipsoid and place a marker inside it; overlaps under a tolerance (0.01 m² by
 * default: digitising noise) are not reported.
 */
import { featureCollection, intersect, pointOnFeature, polygon as turfPolygon } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { ellipsoidalAreaM2 } from '../area'
import type { Finding } from '../findings'
import { finding } from '../findings'
import type { PolygonCoords, Position } from '../formats/types'
import { BBoxIndex } from './bboxIndex'
import {
  boxesOverlap,
  CROSS,
  edgePairs,
  hit,
  intersect as segmentIntersect,
  OVERLAP,
  pointInPolygon,
  ringBBox,
  TOUCH,
} from './geometry'
import { makeRing, reversed, samePosition, signedArea2 } from './geometry'
import type { BBox4, Frame, WorkPolygon, WorkRing } from './geometry'
import { MESSAGES, type Who } from './messages'

export const OVERLAP_TOLERANCE_M2 = 0.01

/** Points where boundary b touches each edge of polygon a (edge parameters), and stretches a shares with b. */
interface Contacts {
  splits: Map<WorkRing, Map<number, number[]>>
  shared: Map<WorkRing, Map<number, [number, number][]>>
}

function add<T>(map: Map<WorkRing, Map<number, T[]>>, ring: WorkRing, edge: number, value: T): void {
  let byEdge = map.get(ring)
  if (!byEdge) map.set(ring, (byEdge = new Map()))
  const list = byEdge.get(edge)
  if (list) list.push(value)
  else byEdge.set(edge, [value])
}

function polygonBBox(p: WorkPolygon): BBox4 {
  return ringBBox(p[0]!)
}

/** Whether a piece of p's boundary lies strictly inside q. */
function boundaryEntersInterior(p: WorkPolygon, q: WorkPolygon, qBox: BBox4, contacts: Contacts): boolean {
  for (const ring of p) {
    const { xy, n } = ring
    const splits = contacts.splits.get(ring)
    const shared = contacts.shared.get(ring)
    for (let i = 0; i < n; i++) {
      const i1 = i + 1 === n ? 0 : i + 1
      const x0 = xy[2 * i]!
      const y0 = xy[2 * i + 1]!
      const dx = xy[2 * i1]! - x0
      const dy = xy[2 * i1 + 1]! - y0
      if (Math.max(x0, x0 + dx) < qBox[0] || Math.min(x0, x0 + dx) > qBox[2]) continue
      if (Math.max(y0, y0 + dy) < qBox[1] || Math.min(y0, y0 + dy) > qBox[3]) continue
      const cuts = splits?.get(i)
      const ts = cuts ? [0, ...cuts.sort((a, b) => a - b), 1] : [0, 1]
      const along = shared?.get(i)
      for (let k = 0; k + 1 < ts.length; k++) {
        const t = (ts[k]! + ts[k + 1]!) / 2
        if (ts[k + 1]! - ts[k]! <= 0) continue
        if (along?.some(([a, b]) => t >= a && t <= b)) continue
        if (pointInPolygon(x0 + t * dx, y0 + t * dy, q) > 0) return true
      }
    }
  }
  return false
}

/**
 * Whether the interiors of two polygons share area. Both must be oriented with the interior on the
 * left of every edge (outer rings counter-clockwise, holes clockwise) and be in the same frame.
 */
export function interiorsIntersect(a: WorkPolygon, b: WorkPolygon): boolean {
  const aBox = polygonBBox(a)
  const bBox = polygonBBox(b)
  if (!boxesOverlap(aBox, bBox)) return false
  const ca: Contacts = { splits: new Map(), shared: new Map() }
  const cb: Contacts = { splits: new Map(), shared: new Map() }
  let meet = false
  for (const ra of a) {
    for (const rb of b) {
      edgePairs(ra, rb, (i, j) => {
        const i1 = i + 1 === ra.n ? 0 : i + 1
        const j1 = j + 1 === rb.n ? 0 : j + 1
        const ax0 = ra.xy[2 * i]!
        const ay0 = ra.xy[2 * i + 1]!
        const ax1 = ra.xy[2 * i1]!
        const ay1 = ra.xy[2 * i1 + 1]!
        const bx0 = rb.xy[2 * j]!
        const by0 = rb.xy[2 * j + 1]!
        const bx1 = rb.xy[2 * j1]!
        const by1 = rb.xy[2 * j1 + 1]!
        const kind = segmentIntersect(ax0, ay0, ax1, ay1, bx0, by0, bx1, by1)
        if (kind === CROSS) return (meet = true)
        if (kind === OVERLAP) {
          if ((ax1 - ax0) * (bx1 - bx0) + (ay1 - ay0) * (by1 - by0) > 0) return (meet = true)
          add(ca.shared, ra, i, [hit.t, hit.t1] as [number, number])
          add(cb.shared, rb, j, [Math.min(hit.u, hit.u1), Math.max(hit.u, hit.u1)] as [number, number])
          add(ca.splits, ra, i, hit.t)
          add(ca.splits, ra, i, hit.t1)
          add(cb.splits, rb, j, hit.u)
          add(cb.splits, rb, j, hit.u1)
        } else if (kind === TOUCH) {
          if (hit.t > 0 && hit.t < 1) add(ca.splits, ra, i, hit.t)
          if (hit.u > 0 && hit.u < 1) add(cb.splits, rb, j, hit.u)
        }
        return false
      })
      if (meet) return true
    }
  }
  return boundaryEntersInterior(a, b, bBox, ca) || boundaryEntersInterior(b, a, aBox, cb)
}

function closedLonLat(r: WorkRing): Position[] {
  const out = r.ll.slice(0, r.n)
  out.push(r.ll[0]!)
  return out
}

/** Area (m², on the ellipsoid) and a point inside the overlap of two polygons, or null when none. */
export function overlapOf(a: WorkPolygon, b: WorkPolygon): { areaM2: number; location: Position } | null {
  const fa = turfPolygon(a.map(closedLonLat))
  const fb = turfPolygon(b.map(closedLonLat))
  const x = intersect(featureCollection([fa, fb])) as Feature<Polygon | MultiPolygon> | null
  if (!x) return null
  const coords = x.geometry.type === 'Polygon' ? [x.geometry.coordinates] : x.geometry.coordinates
  const areaM2 = ellipsoidalAreaM2(coords as Position[][][])
  const p = pointOnFeature(x).geometry.coordinates
  return { areaM2, location: [p[0]!, p[1]!] }
}

export interface OverlapItem {
  who: Who
  /** Final lon/lat polygons of the parcel, rings closed. */
  polygons4490: PolygonCoords[]
  /**
   * For a one-ring convex parcel: +1 when its ring runs counter-clockwise, -1 clockwise; 0 otherwise.
   * Two convex parcels are compared with the separating-axis test on their lon/lat rings directly.
   */
  convex: number
}

/**
 * Separating-axis test for two convex rings (closed, lon/lat): whether an edge of `a` has every
 * vertex of `b` on its outer side or on its line. `sa` is a's orientation (+1 counter-clockwise).
 * Neighbours sharing an edge or a corner count as separated: orient() of a shared vertex is exactly 0.
 */
function separatedBy(a: Position[], sa: number, b: Position[]): boolean {
  for (let i = 0; i + 1 < a.length; i++) {
    const px = a[i]![0]
    const py = a[i]![1]
    const dx = a[i + 1]![0] - px
    const dy = a[i + 1]![1] - py
    if (dx === 0 && dy === 0) continue
    let outside = true
    for (let k = 0; k + 1 < b.length; k++) {
      if ((dx * (b[k]![1] - py) - dy * (b[k]![0] - px)) * sa > 0) {
        outside = false
        break
      }
    }
    if (outside) return true
  }
  return false
}

/** Work polygons of an item in the frame, interior on the left of every edge. */
function workPolygons(frame: Frame, item: OverlapItem): WorkPolygon[] {
  return item.polygons4490.map((polygon) =>
    polygon.map((ring, k) => {
      const n =
        ring.length > 1 && samePosition(ring[0]!, ring[ring.length - 1]!) ? ring.length - 1 : ring.length
      const r = makeRing(frame, ring, ring, n)
      return signedArea2(r) > 0 === (k === 0) ? r : reversed(frame, r)
    }),
  )
}

function boxOf(polygons: PolygonCoords[], out: Float64Array, at: number): void {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const p of polygons) {
    for (const q of p[0] ?? []) {
      if (q[0] < minX) minX = q[0]
      if (q[0] > maxX) maxX = q[0]
      if (q[1] < minY) minY = q[1]
      if (q[1] > maxY) maxY = q[1]
    }
  }
  out[at] = minX
  out[at + 1] = minY
  out[at + 2] = maxX
  out[at + 3] = maxY
}

/**
 * Overlapping pairs measured and listed at most. A file whose parcels all pile on each other (a survey
 * pasted twice, a damaged file) would otherwise cost one polygon clipping per pair, quadratic in the
 * parcel count; past this many the check stops and says so.
 */
export const MAX_LISTED_OVERLAPS = 200

/** Reports every pair of parcels whose overlap exceeds the tolerance (on the later parcel of the pair). */
export function checkOverlaps(
  frame: Frame,
  items: readonly OverlapItem[],
  toleranceM2 = OVERLAP_TOLERANCE_M2,
): Finding[] {
  const findings: Finding[] = []
  let listed = 0
  const boxes = new Float64Array(4 * items.length)
  items.forEach((item, k) => boxOf(item.polygons4490, boxes, 4 * k))
  const index = new BBoxIndex(boxes)
  const work = new Map<number, WorkPolygon[]>()
  const workOf = (k: number) => {
    let w = work.get(k)
    if (!w) work.set(k, (w = workPolygons(frame, items[k]!)))
    return w
  }
  const candidates: number[] = []
  const stopAt = (k: number) => {
    const message = MESSAGES['parcel.overlaps_truncated'](MAX_LISTED_OVERLAPS, items[k]!.who)
    findings.push(
      finding('parcel.overlaps_truncated', 'error', message['zh-CN'], message.en, {
        featureIndex: items[k]!.who.index,
        parcelNo: items[k]!.who.parcelNo,
        details: { listed: MAX_LISTED_OVERLAPS },
      }),
    )
  }
  for (let k = 0; k < items.length; k++) {
    candidates.length = 0
    const bx0 = boxes[4 * k]!
    const by0 = boxes[4 * k + 1]!
    const bx1 = boxes[4 * k + 2]!
    const by1 = boxes[4 * k + 3]!
    index.search(bx0, by0, bx1, by1, candidates)
    const b = items[k]!
    for (const m of candidates.sort((p, q) => p - q)) {
      if (listed >= MAX_LISTED_OVERLAPS) {
        stopAt(k)
        return findings
      }
      // each pair once, and only boxes that share interior
      if (m >= k) continue
      if (!(
        boxes[4 * m]! < bx1 &&
        bx0 < boxes[4 * m + 2]! &&
        boxes[4 * m + 1]! < by1 &&
        by0 < boxes[4 * m + 3]!
      )) {
        continue
      }
      const a = items[m]!
      if (a.convex !== 0 && b.convex !== 0) {
        const ra = a.polygons4490[0]![0]!
        const rb = b.polygons4490[0]![0]!
        if (separatedBy(ra, a.convex, rb) || separatedBy(rb, b.convex, ra)) continue
      }
      const wa = workOf(m)
      const wb = workOf(k)
      let areaM2 = 0
      let location: Position | null = null
      for (const pa of wa) {
        for (const pb of wb) {
          if (!interiorsIntersect(pa, pb)) continue
          const o = overlapOf(pa, pb)
          if (!o) continue
          areaM2 += o.areaM2
          location ??= o.location
        }
      }
      if (location === null || areaM2 <= toleranceM2) continue
      listed++
      const message = MESSAGES['parcel.overlap'](b.who, a.who, areaM2, location)
      findings.push(
        finding('parcel.overlap', 'error', message['zh-CN'], message.en, {
          featureIndex: b.who.index,
          parcelNo: b.who.parcelNo,
          location,
          details: {
            areaM2: +areaM2.toFixed(2),
            otherFeatureIndex: a.who.index,
            otherParcelNo: a.who.parcelNo,
          },
        }),
      )
    }
    if (work.size > 4096) work.clear()
  }
  return findings
}

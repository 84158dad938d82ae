/**
 * Geometry and parcel checks of one upload, feature by feature and across features, with an optional
 * make-valid style repair. Each concern lives in its own module:
 *
 * - `rings.ts`: empty geometry, too few points, unclosed rings, repeated consecutive points;
 * - `spikes.ts`: vertices where a ring turns straight back;
 * - `selfIntersection.ts`: rings crossing or touching themselves, and their split into valid parts;
 * - `holes.ts`: holes outside their outer ring, crossing it, crossing or inside each other;
 * - `parts.ts`: overlapping parts of one multipart parcel;
 * - `areas.ts`: zero or tiny area, declared against computed area;
 * - `parcelNumbers.ts`: duplicate and missing parcel numbers;
 * - `overlaps.ts`: parcels of the upload overlapping each other.
 *
 * The checks run on the EPSG:4490 coordinates that will be stored (in a local metric frame, see
 * `geometry.ts`), so every finding points at a lon/lat location, and what passes here is what PostGIS
 * will see. The file's own coordinates decide closure and repetition, and a repair changes both
 * coordinate sets in step (new points are interpolated on both), so the repaired source geometry
 * stays the file's geometry with the reported changes and nothing else. Ring orientation is never a
 * finding; repaired rings come out with outer rings counter-clockwise and holes clockwise (RFC 7946).
 */
import { ellipsoidalAreaM2 } from '../area'
import type { Finding } from '../findings'
import type { PolygonCoords, Position } from '../formats/types'
import { checkArea, DECLARED_AREA_TOLERANCE, MIN_AREA_M2 } from './areas'
import { report, type FeatureCheck } from './context'
import {
  frameAt,
  isConvex,
  reversed,
  signedArea2,
  type Frame,
  type WorkPolygon,
  type WorkRing,
} from './geometry'
import { checkHoles, ringSide } from './holes'
import { MESSAGES } from './messages'
import { checkOverlaps, OVERLAP_TOLERANCE_M2, type OverlapItem } from './overlaps'
import { numberAndCheck } from './parcelNumbers'
import { checkParts } from './parts'
import { prepareRing } from './rings'
import { checkSelfIntersection } from './selfIntersection'
import { checkSpikes, SPIKE_ANGLE_DEG } from './spikes'

export { assignParcelNumbers, checkParcelNumbers, numberAndCheck } from './parcelNumbers'

export interface FeatureToValidate {
  /** 0-based position in the file. */
  index: number
  parcelNo: string | null
  declaredAreaM2: number | null
  /** Polygons in the file's coordinates (null: no geometry). */
  polygons: PolygonCoords[] | null
  /** The same polygons reprojected vertex by vertex to EPSG:4490 (same structure). */
  polygons4490: PolygonCoords[] | null
}

export interface ValidateOptions {
  /** Smallest acceptable parcel area in m² (default 1). */
  minAreaM2?: number
  /** Accepted relative difference between declared and computed area (default 0.01 = 1 %). */
  declaredAreaTolerance?: number
  /** Repair what can be repaired, reporting each change as a `repair.*` warning (default false). */
  repair?: boolean
  /** Largest turning angle of a spike, in degrees (default 1). */
  spikeAngleDeg?: number
  /** Overlaps between parcels up to this area (m²) are digitising noise, not reported (default 0.01). */
  overlapToleranceM2?: number
  /** Called every few hundred features; may throw to stop (a deadline). */
  onProgress?: () => void
}

export interface RepairedGeometry {
  polygons: PolygonCoords[]
  polygons4490: PolygonCoords[]
}

export interface ValidationResult {
  findings: Finding[]
  /** Features a repair changed: their new geometry in both coordinate sets, rings closed. */
  repaired: Map<number, RepairedGeometry>
  /** Area in m² on the ellipsoid of every feature with a geometry (after repair). */
  areasM2: Map<number, number>
  /** Every feature's parcel number: its own (trimmed) or the assigned `P-<index + 1>`. */
  parcelNumbers: Map<number, string>
}

/** The local frame of an upload: centred on the middle of its features' first points. */
function uploadFrame(features: readonly FeatureToValidate[]): Frame {
  let minLon = Infinity
  let maxLon = -Infinity
  let minLat = Infinity
  let maxLat = -Infinity
  for (const f of features) {
    const p = f.polygons4490?.[0]?.[0]?.[0]
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue
    if (p[0] < minLon) minLon = p[0]
    if (p[0] > maxLon) maxLon = p[0]
    if (p[1] < minLat) minLat = p[1]
    if (p[1] > maxLat) maxLat = p[1]
  }
  return minLon <= maxLon ? frameAt((minLon + maxLon) / 2, (minLat + maxLat) / 2) : frameAt(0, 0)
}

function isEmpty(polygons: PolygonCoords[] | null): boolean {
  return !polygons || polygons.every((p) => p.length === 0 || p[0]!.length === 0)
}

function firstNonFinite(polygons: PolygonCoords[], source: PolygonCoords[]): Position | null {
  for (let p = 0; p < polygons.length; p++) {
    for (let r = 0; r < polygons[p]!.length; r++) {
      const ring = polygons[p]![r]!
      for (let k = 0; k < ring.length; k++) {
        if (!Number.isFinite(ring[k]![0]) || !Number.isFinite(ring[k]![1])) return source[p]![r]![k]!
      }
    }
  }
  return null
}

/** Outer ring counter-clockwise, holes clockwise (interior on the left of every edge). */
function normalise(frame: Frame, polygon: WorkPolygon): WorkPolygon {
  return polygon.map((ring, k) => {
    const ccw = signedArea2(ring) > 0
    return ccw === (k === 0) ? ring : reversed(frame, ring)
  })
}

/** Puts each hole into the part whose outer ring holds it (the first part when none does). */
function assignHoles(parts: WorkPolygon[], holes: WorkRing[]): void {
  for (const hole of holes) {
    const home =
      parts.length === 1 ? parts[0]! : (parts.find((p) => ringSide(hole, p[0]!).side > 0) ?? parts[0]!)
    home.push(hole)
  }
}

interface Checked {
  /** The checked polygons (repaired ones when a repair changed them). */
  polygons: WorkPolygon[]
  /** +1 / -1: one convex ring, counter-clockwise / clockwise; 0 otherwise (see `OverlapItem`). */
  convex: number
}

/**
 * The common parcel, one polygon of one ring, checked on the shared scratch buffer: nothing is
 * allocated unless something is found.
 */
function checkSimple(check: FeatureCheck, src: Position[], ll: Position[]): Checked | null {
  let ring = prepareRing(check, 0, 0, src, ll, true)
  if (ring) ring = checkSpikes(check, ring)
  if (!ring) return null
  const outcome = checkSelfIntersection(check, ring)
  if (outcome.status === 'repaired') return { polygons: outcome.polygons, convex: 0 }
  const convex = outcome.status === 'simple' && isConvex(ring) ? (signedArea2(ring) > 0 ? 1 : -1) : 0
  return { polygons: [[ring]], convex }
}

/** Runs the per-feature geometry checks; returns the checked polygons, or null when nothing usable is left. */
function checkGeometry(check: FeatureCheck, f: FeatureToValidate): Checked | null {
  const src = f.polygons!
  const ll = f.polygons4490!
  if (src.length === 1 && src[0]!.length === 1) return checkSimple(check, src[0]![0]!, ll[0]![0]!)
  const out: WorkPolygon[] = []
  for (let pi = 0; pi < src.length; pi++) {
    const rings = src[pi]!
    if (rings.length === 0) continue
    let shell = prepareRing(check, pi, 0, rings[0]!, ll[pi]![0]!)
    if (shell) shell = checkSpikes(check, shell)
    const holes: WorkRing[] = []
    for (let ri = 1; ri < rings.length; ri++) {
      let hole = prepareRing(check, pi, ri, rings[ri]!, ll[pi]![ri]!)
      if (hole) hole = checkSpikes(check, hole)
      if (hole) holes.push(hole)
    }
    if (!shell) continue
    const outcome = checkSelfIntersection(check, shell)
    const parts: WorkPolygon[] = outcome.status === 'repaired' ? outcome.polygons : [[shell]]
    const islands: WorkPolygon[] = []
    const extraHoles: WorkRing[] = []
    for (const hole of holes) {
      const h = checkSelfIntersection(check, hole)
      if (h.status !== 'repaired') {
        extraHoles.push(hole)
        continue
      }
      // the filled regions of a split hole are holes; what they enclose again is land (islands)
      for (const region of h.polygons) {
        extraHoles.push(region[0]!)
        for (const inner of region.slice(1)) islands.push([inner])
      }
    }
    assignHoles(parts, extraHoles)
    for (const part of [...parts, ...islands]) {
      checkHoles(check, part)
      out.push(part)
    }
  }
  if (out.length === 0) return null
  checkParts(
    check,
    out.map((p) => normalise(check.frame, p)),
  )
  return { polygons: out, convex: 0 }
}

function closed(points: Position[], n: number): Position[] {
  const out = points.slice(0, n)
  out.push(points[0]!)
  return out
}

function toCoords(polygons: WorkPolygon[]): RepairedGeometry {
  return {
    polygons: polygons.map((p) => p.map((r) => closed(r.src, r.n))),
    polygons4490: polygons.map((p) => p.map((r) => closed(r.ll, r.n))),
  }
}

/** Checks (and on request repairs) the features of one upload; see the module header. */
export function validateFeatures(
  features: readonly FeatureToValidate[],
  options: ValidateOptions = {},
): ValidationResult {
  const frame = uploadFrame(features)
  const findings: Finding[] = []
  const repaired = new Map<number, RepairedGeometry>()
  const areasM2 = new Map<number, number>()
  const overlapItems: OverlapItem[] = []
  const minAreaM2 = options.minAreaM2 ?? MIN_AREA_M2
  const tolerance = options.declaredAreaTolerance ?? DECLARED_AREA_TOLERANCE

  for (let k = 0; k < features.length; k++) {
    if (k % 256 === 0) options.onProgress?.()
    const f = features[k]!
    const who = { index: f.index, parcelNo: f.parcelNo?.trim() || null }
    const check: FeatureCheck = {
      who,
      frame,
      repair: options.repair === true,
      spikeAngleDeg: options.spikeAngleDeg ?? SPIKE_ANGLE_DEG,
      parts: f.polygons?.length ?? 0,
      findings,
      changed: false,
      broken: false,
    }
    if (isEmpty(f.polygons) || isEmpty(f.polygons4490)) {
      report(check, 'geometry.empty', 'error', MESSAGES['geometry.empty'](who))
      continue
    }
    const bad = firstNonFinite(f.polygons4490!, f.polygons!)
    if (bad) {
      report(
        check,
        'geometry.not_projectable',
        'error',
        MESSAGES['geometry.not_projectable'](who, bad),
        null,
        {
          sourceLocation: bad,
        },
      )
      continue
    }
    const checked = checkGeometry(check, f)
    if (!checked) continue
    let final = f.polygons4490!
    if (check.changed) {
      const fixed = toCoords(checked.polygons)
      repaired.set(f.index, fixed)
      final = fixed.polygons4490
    }
    const area = ellipsoidalAreaM2(final)
    areasM2.set(f.index, area)
    if (check.broken) continue
    checkArea(check, area, f.declaredAreaM2, minAreaM2, tolerance)
    overlapItems.push({ who, polygons4490: final, convex: check.changed ? 0 : checked.convex })
  }
  const numbering = numberAndCheck(features)
  const parcelNumbers = numbering.assigned
  findings.push(...numbering.findings)
  findings.push(...checkOverlaps(frame, overlapItems, options.overlapToleranceM2 ?? OVERLAP_TOLERANCE_M2))
  return { findings, repaired, areasM2, parcelNumbers }
}

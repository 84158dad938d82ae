/**
 * The parts of one multipart parcel must not overlap each other (a valid MultiPolygon's parts touch at
 * most at points); an overlap would also count its area twice.
 */
import { report, type FeatureCheck } from './context'
import { boxesOverlap, ringBBox, type WorkPolygon } from './geometry'
import { MESSAGES } from './messages'
import { interiorsIntersect, overlapOf } from './overlaps'

/** Reports overlapping parts; returns false when one was found. */
export function checkParts(check: FeatureCheck, polygons: readonly WorkPolygon[]): boolean {
  if (polygons.length < 2) return true
  const boxes = polygons.map((p) => ringBBox(p[0]!))
  let ok = true
  for (let a = 0; a < polygons.length; a++) {
    for (let b = a + 1; b < polygons.length; b++) {
      if (!boxesOverlap(boxes[a]!, boxes[b]!) || !interiorsIntersect(polygons[a]!, polygons[b]!)) continue
      const o = overlapOf(polygons[a]!, polygons[b]!)
      const location = o?.location ?? polygons[b]![0]!.ll[0]!
      const pa = polygons[a]![0]!.origin[0]
      const pb = polygons[b]![0]!.origin[0]
      report(
        check,
        'geometry.parts_overlap',
        'error',
        MESSAGES['geometry.parts_overlap'](check.who, pa, pb, o?.areaM2 ?? null, location),
        location,
        o ? { areaM2: +o.areaM2.toFixed(2) } : undefined,
      )
      ok = false
    }
  }
  return ok
}

import { describe, expect, it } from 'vitest'
import { ellipsoidalAreaM2 } from '../../../gis/area'
import type { PolygonCoords } from '../../../gis/formats/types'
import { validateFeatures } from '../../../gis/validate'
import { frameAt, makeRing, type WorkPolygon } from '../../../gis/validate/geometry'
import { interiorsIntersect, MAX_LISTED_OVERLAPS } from '../../../gis/validate/overlaps'
import { lonLatFeature, ring, square } from './helpers'

const frame = frameAt(107, 27)
/** Work polygon of closed lon/lat rings (outer counter-clockwise, holes clockwise). */
const work = (...rings: ReturnType<typeof ring>[]): WorkPolygon =>
  rings.map((r) => makeRing(frame, r, r, r.length - 1))

describe('gis/validate/overlaps', () => {
  it('two parcels overlapping by a 1 × 1 cell are reported with that area and a point inside it', () => {
    const { findings } = validateFeatures([
      lonLatFeature(0, [[square(0, 0, 4, 4)]], 'A'),
      lonLatFeature(1, [[square(3, 3, 6, 6)]], 'B'),
    ])
    expect(findings).toHaveLength(1)
    const f = findings[0]!
    const cell = ellipsoidalAreaM2([[square(3, 3, 4, 4)]])
    expect(f).toMatchObject({ code: 'parcel.overlap', severity: 'error', featureIndex: 1, parcelNo: 'B' })
    expect(f.details).toMatchObject({ otherFeatureIndex: 0, otherParcelNo: 'A' })
    expect(f.details!.areaM2 as number).toBeCloseTo(cell, 1)
    const [lon, lat] = f.location!
    expect(lon).toBeGreaterThan(107.0003)
    expect(lon).toBeLessThan(107.0004)
    expect(lat).toBeGreaterThan(27.0003)
    expect(lat).toBeLessThan(27.0004)
    expect(f.message.en).toBe(
      `Parcel B (feature 2) and parcel A (feature 1) overlap by about ${cell.toFixed(1)} m² at (${lon.toFixed(6)}, ${lat.toFixed(6)})`,
    )
  })

  it('a file whose parcels all pile on each other stops after the listed overlaps instead of clipping every pair', () => {
    const pile = Array.from({ length: 400 }, (_, i) => lonLatFeature(i, [[square(0, 0, 4, 4)]], `P-${i}`))
    const { findings } = validateFeatures(pile)
    const overlaps = findings.filter((f) => f.code === 'parcel.overlap')
    expect(overlaps).toHaveLength(MAX_LISTED_OVERLAPS)
    const stop = findings.filter((f) => f.code === 'parcel.overlaps_truncated')
    expect(stop).toHaveLength(1)
    expect(stop[0]!.severity).toBe('error')
  })

  it('neighbours sharing an edge, a corner or a T-junction do not overlap', () => {
    const a = work(square(0, 0, 4, 2))
    expect(interiorsIntersect(a, work(square(0, 2, 2, 4)))).toBe(false) // T-junction at (2, 2)
    expect(interiorsIntersect(a, work(square(4, 2, 6, 4)))).toBe(false) // corner
    expect(interiorsIntersect(a, work(square(4, 0, 6, 3)))).toBe(false) // part of an edge
  })

  it('identical, nested, crossing and interlocking parcels overlap', () => {
    const a = work(square(0, 0, 6, 6))
    expect(interiorsIntersect(a, work(square(0, 0, 6, 6)))).toBe(true)
    expect(interiorsIntersect(a, work(square(1, 1, 3, 3)))).toBe(true)
    expect(interiorsIntersect(a, work(square(5, 5, 8, 8)))).toBe(true)
    const u = work(ring([0, 0], [6, 0], [6, 6], [4, 6], [4, 2], [2, 2], [2, 6], [0, 6], [0, 0]))
    expect(interiorsIntersect(u, work(square(2, 3, 4, 8)))).toBe(false) // fills the notch exactly
    expect(interiorsIntersect(u, work(square(3, 1, 5, 8)))).toBe(true)
  })

  it('a parcel lying in another parcel’s hole does not overlap it', () => {
    const holed = work(square(0, 0, 6, 6), square(1, 1, 5, 5, true))
    expect(interiorsIntersect(holed, work(square(1, 1, 5, 5)))).toBe(false)
    expect(interiorsIntersect(holed, work(square(0.5, 0.5, 5, 5)))).toBe(true)
  })

  it('slivers up to the tolerance are digitising noise and not reported', () => {
    const a: PolygonCoords[] = [[square(0, 0, 4, 4)]]
    const b: PolygonCoords[] = [[square(3.999, 0, 8, 4)]] // 1e-7° (1 cm) wide: about 0.44 m²
    expect(validateFeatures([lonLatFeature(0, a), lonLatFeature(1, b)]).findings).toHaveLength(1)
    expect(
      validateFeatures([lonLatFeature(0, a), lonLatFeature(1, b)], { overlapToleranceM2: 1 }).findings,
    ).toEqual([])
  })

  it('a contiguous grid of 10 000 parcels has no overlap, and one parcel moved onto its neighbour is found', () => {
    const side = 100
    const features = []
    for (let i = 0; i < side * side; i++) {
      const x = (i % side) * 4
      const y = Math.floor(i / side) * 4
      features.push(lonLatFeature(i, [[square(x, y, x + 4, y + 4)]]))
    }
    expect(validateFeatures(features).findings).toEqual([])
    features[5050] = lonLatFeature(5050, [[square(201, 200, 205, 204)]])
    const { findings } = validateFeatures(features)
    expect(findings.map((f) => [f.code, f.featureIndex, f.details?.otherFeatureIndex])).toEqual([
      ['parcel.overlap', 5051, 5050],
    ])
  })
})

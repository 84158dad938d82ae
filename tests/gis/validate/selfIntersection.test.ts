import { describe, expect, it } from 'vitest'
import { ellipsoidalAreaM2 } from '../../../gis/area'
import { transformer } from '../../../gis/crs/proj'
import type { Position } from '../../../gis/formats/types'
import { validateFeatures } from '../../../gis/validate'
import { lonLatFeature, ring } from './helpers'

describe('gis/validate/selfIntersection', () => {
  it('a bow-tie is reported at its crossing, in both languages', () => {
    const { findings } = validateFeatures([
      lonLatFeature(2, [[ring([0, 0], [4, 4], [4, 0], [0, 4], [0, 0])]], 'DK-07'),
    ])
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({
      code: 'geometry.self_intersection',
      severity: 'error',
      featureIndex: 2,
      parcelNo: 'DK-07',
      location: [expect.closeTo(107.0002, 9), expect.closeTo(27.0002, 9)],
      message: {
        'zh-CN': '地块 DK-07（第 3 个要素）第 1 环自相交于 (107.000200, 27.000200)',
        en: 'Parcel DK-07 (feature 3): ring 1 crosses itself at (107.000200, 27.000200)',
      },
    })
  })

  it('repair turns a bow-tie into its two triangles', () => {
    const result = validateFeatures([lonLatFeature(0, [[ring([0, 0], [4, 4], [4, 0], [0, 4], [0, 0])]])], {
      repair: true,
    })
    const fixed = result.repaired.get(0)!.polygons4490
    expect(fixed).toHaveLength(2)
    const half = ellipsoidalAreaM2([[ring([0, 0], [2, 2], [0, 4], [0, 0])]])
    for (const p of fixed) expect(ellipsoidalAreaM2([p])).toBeCloseTo(half, 3)
  })

  it('a ring crossing itself twice is repaired into the area it encloses (non-zero winding)', () => {
    const crossing = ring([0, 0], [6, 0], [6, 4], [2, 4], [2, -2], [4, -2], [4, 6], [0, 6], [0, 0])
    const outline = ring(
      [0, 0],
      [2, 0],
      [2, -2],
      [4, -2],
      [4, 0],
      [6, 0],
      [6, 4],
      [4, 4],
      [4, 6],
      [0, 6],
      [0, 0],
    )
    const result = validateFeatures([lonLatFeature(0, [[crossing]])], { repair: true })
    expect(result.findings.map((f) => f.code)).toEqual(['repair.self_intersection_split'])
    expect(result.areasM2.get(0)).toBeCloseTo(ellipsoidalAreaM2([[outline]]), 3)
  })

  it('an area traced twice counts once, a loop turning the other way inside becomes a hole', () => {
    // the inner loop (1,5)→(1,1)→(5,1)→(5,5) runs the same way as the outer one: winding 2, one polygon
    const twice = ring([0, 0], [6, 0], [6, 6], [1, 6], [1, 1], [5, 1], [5, 5], [0, 5], [0, 0])
    const once = validateFeatures([lonLatFeature(0, [[twice]])], { repair: true })
    expect(once.repaired.get(0)!.polygons4490).toHaveLength(1)
    const outer = ring([0, 0], [6, 0], [6, 6], [1, 6], [1, 5], [0, 5], [0, 0])
    expect(once.areasM2.get(0)).toBeCloseTo(ellipsoidalAreaM2([[outer]]), 3)
    // an "inverted hole": the inner loop runs clockwise and touches the outer one at a point
    const inverted = ring([0, 0], [6, 0], [6, 6], [3, 6], [4, 4], [2, 4], [3, 6], [0, 6], [0, 0])
    const holed = validateFeatures([lonLatFeature(0, [[inverted]])], { repair: true }).repaired.get(0)!
    expect(holed.polygons4490).toHaveLength(1)
    expect(holed.polygons4490[0]).toHaveLength(2)
  })

  it('a vertex visited twice is one finding, not one per pair of edges meeting there', () => {
    const inverted = ring([0, 0], [6, 0], [6, 6], [3, 6], [4, 4], [2, 4], [3, 6], [0, 6], [0, 0])
    const { findings } = validateFeatures([lonLatFeature(0, [[inverted]])])
    expect(findings.map((f) => f.message.en)).toEqual([
      'Parcel DK-1 (feature 1): ring 1 touches itself at (107.000300, 27.000600)',
    ])
  })

  it('large rings (a 200-point star) are checked through the sweep and every crossing is counted', () => {
    const star: Position[] = []
    const n = 101 // odd: the {101/50} star polygon crosses itself everywhere
    for (let k = 0; k <= n; k++) {
      const a = ((k * 50) % n) * ((2 * Math.PI) / n)
      star.push([107 + 0.01 * Math.cos(a), 27 + 0.01 * Math.sin(a)])
    }
    const { findings } = validateFeatures([lonLatFeature(0, [[star]])])
    expect(findings.filter((f) => f.code === 'geometry.self_intersection').length).toBe(11)
    expect(findings.at(-1)!.message.en).toMatch(/meets itself at \d+ more place\(s\)/)
  })

  it('a repair in a projected source carries the crossing point into the source coordinates too', () => {
    const e = 36_402_000
    const n = 3_000_000
    const source: Position[] = [
      [e, n],
      [e + 100, n + 100],
      [e + 100, n],
      [e, n + 100],
      [e, n],
    ]
    const t = transformer(4524, 4490)
    const lonLat = source.map((p) => t.forward(p) as Position)
    const result = validateFeatures(
      [{ index: 0, parcelNo: 'DK-01', declaredAreaM2: null, polygons: [[source]], polygons4490: [[lonLat]] }],
      { repair: true },
    )
    const fixed = result.repaired.get(0)!
    const points = fixed.polygons.flat(2)
    const centre = points.find(([x, y]) => Math.abs(x - (e + 50)) < 1e-3 && Math.abs(y - (n + 50)) < 1e-3)
    expect(centre).toBeDefined()
    // and the lon/lat of that point is where the source point projects, to a few millimetres
    const k = points.indexOf(centre!)
    const ll = fixed.polygons4490.flat(2)[k]!
    const projected = t.forward(centre!) as Position
    expect(Math.abs(ll[0] - projected[0])).toBeLessThan(1e-7)
    expect(Math.abs(ll[1] - projected[1])).toBeLessThan(1e-7)
  })
})

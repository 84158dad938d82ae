import { describe, expect, it } from 'vitest'
import { ellipsoidalAreaM2 } from '../../../gis/area'
import { validateFeatures } from '../../../gis/validate'
import { lonLatFeature, square } from './helpers'

describe('gis/validate/areas', () => {
  it('a parcel under the minimum area is an error; the minimum is an option', () => {
    const small = [[square(0, 0, 0.05, 0.05)]] // about 0.27 m²
    const { findings } = validateFeatures([lonLatFeature(0, small)])
    expect(findings.map((f) => f.code)).toEqual(['geometry.tiny_area'])
    expect(findings[0]!.message.en).toMatch(/has an area of only 0\.\d+ m², below the minimum of 1 m²/)
    expect(validateFeatures([lonLatFeature(0, small)], { minAreaM2: 0.1 }).findings).toEqual([])
  })

  it('a declared area 3 % off is a warning giving both values and the difference', () => {
    const polygons = [[square(0, 0, 10, 10)]]
    const area = ellipsoidalAreaM2(polygons)
    const declared = +(area * 1.03).toFixed(2)
    const { findings } = validateFeatures([lonLatFeature(1, polygons, 'DK-02', declared)])
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ code: 'parcel.area_mismatch', severity: 'warning', featureIndex: 1 })
    expect(findings[0]!.message.en).toBe(
      `Parcel DK-02 (feature 2): declared area ${declared.toFixed(2)} m², computed from its boundary ${area.toFixed(2)} m² (+3.00%; tolerance ±1.0%)`,
    )
    expect(findings[0]!.message['zh-CN']).toContain('相差 +3.00%')
  })

  it('a declared area within the tolerance passes; the tolerance is an option', () => {
    const polygons = [[square(0, 0, 10, 10)]]
    const declared = ellipsoidalAreaM2(polygons) * 1.005
    expect(validateFeatures([lonLatFeature(0, polygons, 'A', declared)]).findings).toEqual([])
    expect(
      validateFeatures([lonLatFeature(0, polygons, 'A', declared)], { declaredAreaTolerance: 0.001 })
        .findings,
    ).toHaveLength(1)
  })

  it('areas are returned for every parcel with a geometry', () => {
    const result = validateFeatures([lonLatFeature(0, [[square(0, 0, 10, 10)]]), lonLatFeature(1, null)])
    expect(result.areasM2.get(0)).toBeCloseTo(10997.74, 1)
    expect(result.areasM2.has(1)).toBe(false)
  })
})

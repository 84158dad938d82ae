import { describe, expect, it } from 'vitest'
import { ellipsoidalAreaM2 } from '../../gis/area'
import type { Position } from '../../gis/formats/types'
import { checkLocations, type CountyArea, type LocatedParcel } from '../../gis/ingest/location'

const sq = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
]

/** A county 0.2° wide with an enclave of another county (a hole) in its middle. */
const county: CountyArea = {
  code: '520102',
  bbox: [107, 27, 107.2, 27.2],
  boundary: {
    type: 'MultiPolygon',
    coordinates: [[sq(107, 27, 107.2, 27.2), sq(107.08, 27.08, 107.12, 27.12).reverse()]],
  },
}

const parcel = (index: number, ring: Position[]): LocatedParcel => ({
  who: { index, parcelNo: `DK-${index + 1}` },
  polygons4490: [[ring]],
  areaM2: ellipsoidalAreaM2([[ring]]),
})

describe('gis/ingest/location', () => {
  it('parcels inside the county pass; a parcel in an enclave is wholly outside; one across the enclave edge partly', () => {
    const findings = checkLocations(
      [
        parcel(0, sq(107.01, 27.01, 107.011, 27.011)),
        parcel(1, sq(107.1, 27.1, 107.101, 27.101)),
        parcel(2, sq(107.1195, 27.1, 107.1205, 27.101)),
      ],
      county,
    )
    expect(findings.map((f) => [f.code, f.featureIndex, f.details!.outsideShare])).toEqual([
      ['parcel.outside_county', 1, 1],
      ['parcel.outside_county', 2, expect.closeTo(0.5, 2)],
    ])
  })

  it('a parcel sharing the county boundary as its edge is inside', () => {
    expect(checkLocations([parcel(0, sq(107, 27, 107.001, 27.001))], county)).toEqual([])
  })

  it('without a boundary, only a parcel wholly outside the county box is reported', () => {
    const box: CountyArea = { code: '520102', bbox: county.bbox }
    const findings = checkLocations(
      [parcel(0, sq(107.1, 27.1, 107.101, 27.101)), parcel(1, sq(107.3, 27.1, 107.301, 27.101))],
      box,
    )
    expect(findings.map((f) => [f.code, f.featureIndex])).toEqual([['parcel.outside_county', 1]])
  })

  it('a parcel outside China is reported as such, with or without a county', () => {
    const findings = checkLocations([parcel(0, sq(2.35, 48.85, 2.36, 48.86))], undefined)
    expect(findings.map((f) => f.code)).toEqual(['parcel.outside_china'])
    expect(findings[0]!.message.en).toContain('lies outside China')
  })
})

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ellipsoidalAreaM2 } from '../../gis/area'
import { transformer } from '../../gis/crs/proj'
import { esriWkt } from '../../gis/crs/wkt'
import { finding, UnreadableUpload } from '../../gis/findings'
import { DEFAULT_READ_LIMITS, type Position, type RawFeature, type ReadResult } from '../../gis/formats/types'
import { inspectFiles, inspectRead, type CountyArea, type InspectOptions } from '../../gis/ingest'

const limits = () => ({ ...DEFAULT_READ_LIMITS, deadline: Date.now() + 60_000 })
const toZone36 = transformer(4490, 4524)

/** A w × h metre rectangle in EPSG:4524 whose south-west corner is at a lon/lat, counter-clockwise. */
function gkRectangle(lon: number, lat: number, w: number, h: number): Position[] {
  const [e, n] = toZone36.forward([lon, lat]) as Position
  return [
    [e, n],
    [e + w, n],
    [e + w, n + h],
    [e, n + h],
    [e, n],
  ]
}

function raw(index: number, rings: Position[][] | null, extra: Partial<RawFeature> = {}): RawFeature {
  return {
    index,
    parcelNo: `DK-${String(index + 1).padStart(2, '0')}`,
    name: `地块${index + 1}`,
    landUse: '建设用地',
    landClassCode: '05',
    declaredAreaM2: null,
    attributes: {},
    geometry: rings ? [rings] : null,
    vertexCount: rings ? rings.reduce((n, r) => n + r.length, 0) : 0,
    ...extra,
  }
}

function shapefileRead(features: RawFeature[], prjWkt: string | null = esriWkt(4524)): ReadResult {
  return {
    format: 'shapefile',
    layer: '地块',
    layers: ['地块'],
    encoding: 'gbk',
    encodingSource: 'ldid',
    crsHints: { prjWkt },
    features,
    findings: [],
  }
}

const inspect = (read: ReadResult, options: Partial<InspectOptions> = {}) =>
  inspectRead(read, { limits: limits(), ...options })

/** County 520102, simplified: a 0.1° square with its south-east quarter cut away. */
const county: CountyArea = {
  code: '520102',
  bbox: [107.0, 27.0, 107.1, 27.1],
  boundary: {
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [107.0, 27.0],
          [107.05, 27.0],
          [107.05, 27.05],
          [107.1, 27.05],
          [107.1, 27.1],
          [107.0, 27.1],
          [107.0, 27.0],
        ],
      ],
    ],
  },
}

describe('gis/ingest', () => {
  it('parcels in CGCS2000 zone 36 come out in EPSG:4490 with ellipsoidal areas, rounded coordinates and the source kept', () => {
    const source = gkRectangle(107.02, 27.02, 100, 50)
    const result = inspect(shapefileRead([raw(0, [source])]))
    expect(result).toMatchObject({
      ok: true,
      format: 'shapefile',
      crs: 4524,
      crsName: 'CGCS2000 / 3-degree Gauss-Kruger zone 36',
      crsSource: 'prj',
      featureCount: 1,
      findings: [],
    })
    const p = result.parcels[0]!
    expect(p).toMatchObject({ index: 0, parcelNo: 'DK-01', name: '地块1', vertexCount: 5, repaired: false })
    expect(p.sourceGeometry).toEqual({ type: 'MultiPolygon', coordinates: [[source]] })
    const ring = p.geometry!.coordinates[0]![0]!
    for (const [lon, lat] of ring) {
      expect(Math.round(lon! * 1e9) / 1e9).toBe(lon)
      expect(Math.round(lat! * 1e9) / 1e9).toBe(lat)
    }
    // 5 000 m² in the Gauss-Krüger plane; 97 km west of the central meridian the ellipsoid holds 0.024 % less
    expect(p.areaM2).toBeCloseTo(ellipsoidalAreaM2([[ring as Position[]]]), 6)
    expect(p.areaM2).toBeLessThan(5000)
    expect(p.areaM2).toBeGreaterThan(4998)
  })

  it('outer rings come out counter-clockwise and holes clockwise (RFC 7946), whatever the file had', () => {
    const outer = gkRectangle(107.02, 27.02, 100, 100).reverse() // clockwise, as shapefiles store them
    const hole = gkRectangle(107.0202, 27.0202, 20, 20) // counter-clockwise
    const p = inspect(shapefileRead([raw(0, [outer, hole])])).parcels[0]!
    const signed = (r: number[][]) =>
      r.reduce((s, q, i) => (i ? s + (r[i - 1]![0]! * q[1]! - q[0]! * r[i - 1]![1]!) : s), 0)
    expect(signed(p.geometry!.coordinates[0]![0]!)).toBeGreaterThan(0)
    expect(signed(p.geometry!.coordinates[0]![1]!)).toBeLessThan(0)
    expect(p.sourceGeometry!.coordinates[0]![0]).toEqual(outer)
  })

  it('a parcel without a number is numbered P-<feature number>, with a warning', () => {
    const result = inspect(
      shapefileRead([
        raw(0, [gkRectangle(107.02, 27.02, 50, 50)]),
        raw(1, [gkRectangle(107.03, 27.02, 50, 50)], { parcelNo: null }),
      ]),
    )
    expect(result.ok).toBe(true)
    expect(result.parcels.map((p) => p.parcelNo)).toEqual(['DK-01', 'P-2'])
    expect(result.findings.map((f) => [f.code, f.featureIndex])).toEqual([['parcel.missing_no', 1]])
  })

  it('reader findings that point at source coordinates are placed in lon/lat', () => {
    const source = gkRectangle(107.02, 27.02, 50, 50)
    const read = shapefileRead([raw(0, [source])])
    read.findings.push(
      finding('shapefile.orphan_hole', 'warning', '…', '…', { featureIndex: 0, sourceLocation: source[0]! }),
    )
    const f = inspect(read).findings[0]!
    expect(f.location![0]).toBeCloseTo(107.02, 9)
    expect(f.location![1]).toBeCloseTo(27.02, 9)
  })

  it('(northing, easting) coordinates are an error and draw nothing; with swapAxes they are read swapped, with a warning', () => {
    const swapped = gkRectangle(107.02, 27.02, 50, 50).map(([x, y]) => [y, x] as Position)
    const refused = inspect(shapefileRead([raw(0, [swapped])], null))
    expect(refused.ok).toBe(false)
    expect(refused.crs).toBeNull()
    expect(refused.findings.map((f) => f.code)).toEqual(['crs.axes_swapped'])
    expect(refused.parcels[0]!.geometry).toBeNull()
    expect(refused.parcels[0]!.sourceGeometry).not.toBeNull()

    const accepted = inspect(shapefileRead([raw(0, [swapped])], null), { swapAxes: true })
    expect(accepted.ok).toBe(true)
    expect(accepted.crs).toBe(4524)
    expect(accepted.findings.map((f) => f.code).sort()).toEqual(['crs.axes_swapped_by_user', 'crs.inferred'])
    expect(accepted.parcels[0]!.geometry!.coordinates[0]![0]![0]![0]).toBeCloseTo(107.02, 9)
  })

  it('a parcel across the county boundary is an error giving the share outside; parcels inside pass', () => {
    const inside = gkRectangle(107.02, 27.02, 100, 100)
    const across = gkRectangle(107.0495, 27.02, 100, 100) // about half east of 107.05, in the cut-away quarter
    const outside = gkRectangle(107.2, 27.02, 100, 100) // 10 km east of the county box
    const result = inspect(shapefileRead([raw(0, [inside]), raw(1, [across]), raw(2, [outside])]), { county })
    const byParcel = result.findings.map((f) => [f.code, f.featureIndex])
    expect(byParcel).toEqual([
      ['parcel.outside_county', 1],
      ['parcel.outside_county', 2],
    ])
    const share = result.findings[0]!.details!.outsideShare as number
    expect(share).toBeGreaterThan(0.45)
    expect(share).toBeLessThan(0.55)
    expect(result.findings[0]!.message.en).toMatch(
      /^Parcel DK-02 \(feature 2\): \d+\.\d% \(about [\d.]+ m²\) lies outside county 520102, e\.g\. at/,
    )
    expect(result.findings[1]!.details).toMatchObject({ outsideShare: 1 })
  })

  it('a whole file far from the county is one CRS error, not one error per parcel', () => {
    const far = [0, 1, 2].map((k) => raw(k, [gkRectangle(108.5 + k * 0.01, 27.02, 50, 50)]))
    const result = inspect(shapefileRead(far), { county })
    expect(result.findings.map((f) => f.code)).toEqual(['crs.outside_county'])
  })

  it('a typo in one easting is an error on that parcel only', () => {
    const good = gkRectangle(107.02, 27.02, 50, 50)
    const typo = gkRectangle(107.03, 27.02, 50, 50)
    typo[1] = [typo[1]![0] / 10, typo[1]![1]] // a digit lost: 3 640 xxx instead of 36 40x xxx
    const result = inspect(shapefileRead([raw(0, [good]), raw(1, [typo])]))
    expect(result.crs).toBe(4524)
    expect(result.findings.map((f) => [f.code, f.featureIndex])).toEqual([['geometry.not_projectable', 1]])
    expect(result.parcels[1]!.geometry).toBeNull()
    expect(result.parcels[1]!.sourceGeometry).not.toBeNull()
    expect(JSON.stringify(result)).not.toContain('null,null')
  })

  it('a parcel whose northing lost a digit lands outside China and is reported', () => {
    const parcels = [0, 1, 2, 3].map((k) => raw(k, [gkRectangle(107.02 + k * 0.001, 27.02, 50, 50)]))
    parcels[3] = raw(3, [gkRectangle(107.02, 27.02, 50, 50).map(([x, y]) => [x, y / 10] as Position)])
    const result = inspect(shapefileRead(parcels))
    expect(result.findings.map((f) => [f.code, f.featureIndex])).toEqual([['parcel.outside_china', 3]])
  })

  it('without a CRS the preview has no lon/lat geometry, but parcel numbers are still checked', () => {
    const result = inspect(
      shapefileRead(
        [
          raw(0, [
            [
              [1, 1],
              [2, 1],
              [2, 2],
              [1, 1],
            ],
          ]),
          raw(
            1,
            [
              [
                [1, 1],
                [2, 1],
                [2, 2],
                [1, 1],
              ],
            ],
            { parcelNo: 'DK-01' },
          ),
        ],
        null,
      ),
    )
    expect(result.ok).toBe(false)
    expect(result.crs).toBeNull()
    expect(result.findings.map((f) => f.code)).toEqual(['crs.undetermined', 'parcel.duplicate_no'])
    expect(result.parcels.map((p) => [p.parcelNo, p.geometry, p.areaM2])).toEqual([
      ['DK-01', null, 0],
      ['DK-01', null, 0],
    ])
  })

  it('repairs reach the preview: the repaired geometry, its vertex count and the flag', () => {
    const bowtie = gkRectangle(107.02, 27.02, 100, 100)
    ;[bowtie[1], bowtie[2]] = [bowtie[2]!, bowtie[1]!]
    const refused = inspect(shapefileRead([raw(0, [bowtie])]))
    expect(refused.ok).toBe(false)
    expect(refused.parcels[0]!.repaired).toBe(false)
    const repaired = inspect(shapefileRead([raw(0, [bowtie])]), { repair: true })
    expect(repaired.ok).toBe(true)
    expect(repaired.findings.map((f) => f.code)).toEqual(['repair.self_intersection_split'])
    const p = repaired.parcels[0]!
    expect(p.repaired).toBe(true)
    expect(p.geometry!.coordinates).toHaveLength(2)
    expect(p.sourceGeometry!.coordinates).toHaveLength(2)
    expect(p.vertexCount).toBe(8)
    expect(p.areaM2).toBeGreaterThan(4990)
    expect(p.areaM2).toBeLessThan(5000)
  })

  it('findings come sorted by feature, file-level ones first', () => {
    const result = inspect(
      shapefileRead([raw(0, [gkRectangle(107.02, 27.02, 50, 50)], { parcelNo: null }), raw(1, null)], null),
    )
    expect(result.findings.map((f) => [f.featureIndex, f.code])).toEqual([
      [null, 'crs.inferred'],
      [0, 'parcel.missing_no'],
      [1, 'geometry.empty'],
    ])
  })

  it('the reader’s own finding about a declared area replaces the validation one', () => {
    const source = gkRectangle(107.02, 27.02, 100, 100)
    const read = shapefileRead([raw(0, [source], { declaredAreaM2: 11_000 })])
    expect(inspect(read).findings.map((f) => f.code)).toEqual(['parcel.area_mismatch'])
    read.findings.push(finding('coordtxt.area_mismatch', 'warning', '…', '…', { featureIndex: 0 }))
    expect(inspect(read).findings.map((f) => f.code)).toEqual(['coordtxt.area_mismatch'])
  })

  describe('the sample uploads (county 520102)', () => {
    const dir = path.join(import.meta.dirname, '../../sample-data/uploads')
    const files = ['sample-parcels-gbk.zip', 'sample-parcels.geojson', 'sample-parcels.txt']
    const run = (name: string) =>
      inspectFiles([{ name, bytes: fs.readFileSync(path.join(dir, name)) }], { limits: limits() })

    it('shapefile, GeoJSON and text file give the same parcels, vertices within 1 mm and areas within 0.001 m²', async () => {
      const [shp, json, txt] = await Promise.all(files.map(run))
      expect([shp!.crs, json!.crs, txt!.crs]).toEqual([4524, 4490, 4524])
      expect([shp!.ok, json!.ok, txt!.ok]).toEqual([true, true, true])
      for (const other of [json!, txt!]) {
        expect(other.parcels.map((p) => p.parcelNo)).toEqual(shp!.parcels.map((p) => p.parcelNo))
        other.parcels.forEach((p, k) => {
          const q = shp!.parcels[k]!
          expect(Math.abs(p.areaM2 - q.areaM2)).toBeLessThan(1e-3)
          const a = p.geometry!.coordinates.flat(2)
          const b = q.geometry!.coordinates.flat(2)
          expect(a.length).toBe(b.length)
          a.forEach((v, i) => {
            expect(Math.abs(v[0]! - b[i]![0]!) * 99_000).toBeLessThan(1e-3)
            expect(Math.abs(v[1]! - b[i]![1]!) * 110_800).toBeLessThan(1e-3)
          })
        })
      }
      const dk02 = shp!.findings.find((f) => f.parcelNo === 'DK-02')!
      expect(dk02.code).toBe('parcel.area_mismatch')
    })

    it('a file that cannot be read at all throws UnreadableUpload for the caller to map to 422', async () => {
      await expect(
        inspectFiles([{ name: 'empty.txt', bytes: new Uint8Array() }], { limits: limits() }),
      ).rejects.toBeInstanceOf(UnreadableUpload)
    })
  })

  it('a deadline already passed stops the pipeline with UnreadableUpload', () => {
    const read = shapefileRead([raw(0, [gkRectangle(107.02, 27.02, 50, 50)])])
    expect(() => inspectRead(read, { limits: { ...DEFAULT_READ_LIMITS, deadline: Date.now() - 1 } })).toThrow(
      UnreadableUpload,
    )
  })
})

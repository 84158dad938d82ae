import { unzipSync } from 'fflate'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import iconv from 'iconv-lite'
import { read } from 'shapefile'
import { describe, expect, it } from 'vitest'
import {
  writeShapefile,
  zipShapefile,
  type DbfField,
  type ShapefileFeature,
} from '../../../gis/formats/shapefile/write'

/** Twice the signed area; positive = counter-clockwise. */
function signedArea2(ring: Position[]): number {
  let s = 0
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
  return s
}

const E = 36_500_000
const N = 3_000_000
/** A square with a square hole, outer ring counter-clockwise as GeoJSON writes it. */
const holed: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [E, N],
      [E + 100, N],
      [E + 100, N + 100],
      [E, N + 100],
      [E, N],
    ],
    [
      [E + 40, N + 40],
      [E + 40, N + 60],
      [E + 60, N + 60],
      [E + 60, N + 40],
      [E + 40, N + 40],
    ],
  ],
}
/** Two parts, the second one with a hole; rings given unclosed and clockwise to test normalisation. */
const twoParts: MultiPolygon = {
  type: 'MultiPolygon',
  coordinates: [
    [
      [
        [E + 200.123, N],
        [E + 200.123, N + 50.456],
        [E + 250, N + 50.456],
        [E + 250, N],
      ],
    ],
    [
      [
        [E + 300, N],
        [E + 300, N + 80],
        [E + 380, N + 80],
        [E + 380, N],
      ],
      [
        [E + 310, N + 10],
        [E + 330, N + 10],
        [E + 330, N + 30],
        [E + 310, N + 30],
      ],
    ],
  ],
}

const fields: DbfField[] = [
  { name: 'DKBH', type: 'C', length: 10 },
  { name: 'DKMC', type: 'C', length: 30 },
  { name: 'MJ', type: 'N', length: 12, decimals: 2 },
]

const features: ShapefileFeature[] = [
  { geometry: holed, properties: { DKBH: 'DK-01', DKMC: '城东安置区一期', MJ: 9600 } },
  { geometry: twoParts, properties: { DKBH: 'DK-02', DKMC: '工业园区A-3地块（含附属）', MJ: 8723.456 } },
  { geometry: null, properties: { DKBH: 'DK-03', DKMC: null, MJ: null } },
]

describe('gis/formats/shapefile/write', () => {
  const files = writeShapefile(features, { fields, encoding: 'gbk', prj: 'PROJCS["test"]' })

  it('a polygon with a hole reads back as the same polygon with its hole', async () => {
    const fc = await read(files.shp, files.dbf, { encoding: 'gbk' })
    expect(fc.features).toHaveLength(3)
    const g = fc.features[0]!.geometry as Polygon
    expect(g.type).toBe('Polygon')
    expect(g.coordinates).toHaveLength(2)
    expect(Math.abs(signedArea2(g.coordinates[0]!)) / 2 - Math.abs(signedArea2(g.coordinates[1]!)) / 2).toBe(
      9600,
    )
    expect(new Set(g.coordinates[1]!.map((p) => p.join(',')))).toEqual(
      new Set(holed.coordinates[1]!.map((p) => p.join(','))),
    )
  })

  it('writes outer rings clockwise and holes counter-clockwise, closing open rings', async () => {
    const fc = await read(files.shp, files.dbf, { encoding: 'gbk' })
    const g = fc.features[1]!.geometry as MultiPolygon
    expect(g.type).toBe('MultiPolygon')
    expect(g.coordinates.map((p) => p.length)).toEqual([1, 2])
    for (const polygon of g.coordinates) {
      polygon.forEach((ring, i) => {
        expect(ring[0]).toEqual(ring[ring.length - 1])
        expect(signedArea2(ring) < 0).toBe(i === 0)
      })
    }
  })

  it('keeps coordinates exactly as given', async () => {
    const fc = await read(files.shp, files.dbf, { encoding: 'gbk' })
    const g = fc.features[1]!.geometry as MultiPolygon
    expect(g.coordinates[0]![0]).toContainEqual([E + 200.123, N + 50.456])
    expect(fc.bbox).toEqual([E, N, E + 380, N + 100])
  })

  it('a feature without geometry becomes a null shape', async () => {
    const fc = await read(files.shp, files.dbf, { encoding: 'gbk' })
    expect(fc.features[2]!.geometry).toBeNull()
    expect(fc.features[2]!.properties).toEqual({ DKBH: 'DK-03', DKMC: null, MJ: null })
  })

  it('GBK attributes come back through the reader and the table is marked code page 936', async () => {
    const fc = await read(files.shp, files.dbf, { encoding: 'gbk' })
    expect(fc.features[0]!.properties).toEqual({ DKBH: 'DK-01', DKMC: '城东安置区一期', MJ: 9600 })
    expect(fc.features[1]!.properties).toEqual({
      DKBH: 'DK-02',
      DKMC: '工业园区A-3地块（含附属）',
      MJ: 8723.46,
    })
    expect(files.dbf[29]).toBe(0x7a)
    expect(files.cpg).toBeUndefined()
    expect(new TextDecoder().decode(files.prj)).toBe('PROJCS["test"]')
    // The name is stored as GBK bytes: 2 bytes per Chinese character.
    const header = 32 + 32 * fields.length + 1
    const name = files.dbf.slice(header + 1 + 10, header + 1 + 10 + 14)
    expect(iconv.decode(Buffer.from(name), 'gbk')).toBe('城东安置区一期')
  })

  it('UTF-8 tables carry language driver 0 and a .cpg', async () => {
    const utf8 = writeShapefile(features, { fields })
    expect(utf8.dbf[29]).toBe(0)
    expect(new TextDecoder().decode(utf8.cpg)).toBe('UTF-8')
    const fc = await read(utf8.shp, utf8.dbf, { encoding: 'utf-8' })
    expect(fc.features[0]!.properties!.DKMC).toBe('城东安置区一期')
  })

  it('a value longer than its field is cut at a character boundary', async () => {
    const short = writeShapefile([{ geometry: holed, properties: { NAME: '地块名称' } }], {
      fields: [{ name: 'NAME', type: 'C', length: 5 }],
      encoding: 'gbk',
    })
    const fc = await read(short.shp, short.dbf, { encoding: 'gbk' })
    expect(fc.features[0]!.properties!.NAME).toBe('地块')
  })

  it('the index points at every record', () => {
    const shx = new DataView(files.shx.buffer, files.shx.byteOffset, files.shx.byteLength)
    const shp = new DataView(files.shp.buffer, files.shp.byteOffset, files.shp.byteLength)
    expect(shx.getInt32(24, false) * 2).toBe(files.shx.length)
    expect(shp.getInt32(24, false) * 2).toBe(files.shp.length)
    for (let i = 0; i < features.length; i++) {
      const offset = shx.getInt32(100 + 8 * i, false) * 2
      expect(shp.getInt32(offset, false)).toBe(i + 1)
      expect(shp.getInt32(offset + 4, false)).toBe(shx.getInt32(100 + 8 * i + 4, false))
    }
  })

  it('refuses field names that are not 1–10 ASCII characters, and numbers that do not fit', () => {
    expect(() =>
      writeShapefile(features, { fields: [{ name: 'PARCEL_NUMBER', type: 'C', length: 10 }] }),
    ).toThrow(/PARCEL_NUMBER/)
    expect(() => writeShapefile(features, { fields: [{ name: '地块', type: 'C', length: 10 }] })).toThrow(
      /ASCII/,
    )
    expect(() =>
      writeShapefile([{ geometry: holed, properties: { MJ: 123456.789 } }], {
        fields: [{ name: 'MJ', type: 'N', length: 6, decimals: 2 }],
      }),
    ).toThrow(/row 1, field MJ/)
  })

  it('zips the parts deterministically under a folder name', async () => {
    const zip = zipShapefile('成果/地块', files)
    expect(zipShapefile('成果/地块', files)).toEqual(zip)
    const entries = unzipSync(zip)
    expect(Object.keys(entries)).toEqual(['成果/地块.shp', '成果/地块.shx', '成果/地块.dbf', '成果/地块.prj'])
    expect(entries['成果/地块.dbf']).toEqual(files.dbf)
    // Local header of the first entry: DOS time 00:00:00, date 2026-01-01.
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
    expect(view.getUint16(10, true)).toBe(0)
    expect(view.getUint16(12, true)).toBe(((2026 - 1980) << 9) | (1 << 5) | 1)
    const fc = await read(entries['成果/地块.shp']!, entries['成果/地块.dbf']!, { encoding: 'gbk' })
    expect(fc.features).toHaveLength(3)
  })
})

import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { readShapefile } from '../../../gis/formats/shapefile/read'
import type { ReadResult } from '../../../gis/formats/types'
import {
  canonicalRing,
  codes,
  errors,
  expectMessage,
  expectSameGeometry,
  fixture,
  options,
  planarArea,
  read,
  refusal,
} from './fixtures'

const E0 = 36_401_500
const N0 = 2_999_600

/** What the three fixture parcels hold, whatever file they come in. */
const PARCELS = [
  {
    parcelNo: 'DK-01',
    name: '城东安置区一期',
    landUse: '住宅用地',
    landClassCode: '07',
    areaM2: 3000,
    vertices: 5,
    rings: [1],
  },
  {
    parcelNo: 'DK-02',
    name: '工业园区（含附属）A-3地块',
    landUse: '工矿仓储用地',
    landClassCode: '06',
    areaM2: 7600,
    vertices: 10,
    rings: [2],
  },
  {
    parcelNo: 'DK-03',
    name: '污水提升泵站',
    landUse: '公共管理与公共服务用地',
    landClassCode: '08',
    areaM2: 4000,
    vertices: 15,
    rings: [1, 2],
  },
]

/** Checks that a result holds the three fixture parcels with their Chinese attributes intact. */
function expectParcels(result: ReadResult, names = PARCELS.map((p) => p.name)): void {
  expect(result.format).toBe('shapefile')
  expect(result.features.map((f) => f.parcelNo)).toEqual(['DK-01', 'DK-02', 'DK-03'])
  result.features.forEach((feature, i) => {
    const p = PARCELS[i]!
    expect(feature.index).toBe(i)
    expect(feature.name).toBe(names[i])
    expect(feature.declaredAreaM2).toBe(p.areaM2)
    expect(feature.landClassCode).toBe(p.landClassCode)
    expect(feature.attributes.MJ).toBe(p.areaM2)
    expect(feature.vertexCount).toBe(p.vertices)
    expect(feature.geometry!.map((polygon) => polygon.length)).toEqual(p.rings)
    expect(planarArea(feature.geometry!)).toBeCloseTo(p.areaM2, 6)
  })
}

const reference = () => read('accept/shapefile/gbk-ldid.zip')

describe('gis/formats/shapefile/read: encodings', () => {
  it('a GBK shapefile without .cpg is decoded by its language-driver byte', async () => {
    const result = await read('accept/shapefile/gbk-ldid.zip')
    expectParcels(result)
    expect(result.encoding).toBe('gbk')
    expect(result.encodingSource).toBe('ldid')
    expect(result.findings).toEqual([])
    expect(result.layer).toBe('地块')
    expect(result.layers).toEqual(['地块'])
    expect(result.crsHints.prjWkt).toMatch(/^PROJCS\["CGCS2000_3_Degree_GK_Zone_36"/)
    expect(result.features[0]!.landUse).toBe('住宅用地')
    expect(result.features[0]!.attributes).toEqual({
      DKBH: 'DK-01',
      DKMC: '城东安置区一期',
      YT: '住宅用地',
      DLBM: '07',
      MJ: 3000,
    })
  })

  it('coordinates come out exactly as written, easting first', async () => {
    const result = await reference()
    expect(canonicalRing(result.features[0]!.geometry![0]![0]!)).toEqual([
      [E0, N0],
      [E0 + 60, N0],
      [E0 + 60, N0 + 50],
      [E0, N0 + 50],
    ])
  })

  it('a GBK table with a .cpg saying "936" is decoded by the .cpg', async () => {
    const result = await read('accept/shapefile/gbk-cpg-936.zip')
    expectParcels(result)
    expect([result.encoding, result.encodingSource]).toEqual(['gbk', 'cpg'])
    expect(result.findings).toEqual([])
  })

  it('a .cpg saying "OEM 936" names GBK too', async () => {
    const result = await read('accept/shapefile/gbk-cpg-oem-936.zip')
    expectParcels(result)
    expect([result.encoding, result.encodingSource]).toEqual(['gbk', 'cpg'])
  })

  it('a UTF-8 table with a .cpg is decoded as UTF-8', async () => {
    const result = await read('accept/shapefile/utf8-cpg.zip')
    expectParcels(result)
    expect([result.encoding, result.encodingSource]).toEqual(['utf-8', 'cpg'])
    expect(result.findings).toEqual([])
  })

  it('a UTF-8 table with neither .cpg nor language driver is detected as UTF-8, with a warning', async () => {
    const result = await read('accept/shapefile/utf8-no-cpg-detected.zip')
    expectParcels(result)
    expect([result.encoding, result.encodingSource]).toEqual(['utf-8', 'detected'])
    expect(codes(result)).toEqual(['dbf.encoding_detected'])
    expectMessage(result.findings[0]!, ['地块.dbf', 'utf-8', '指定编码'], ['地块.dbf', 'utf-8', 'encoding'])
  })

  it('a GBK table with neither .cpg nor language driver is detected as GBK, with a warning', async () => {
    const result = await read('accept/shapefile/gbk-no-cpg-no-ldid-detected.zip')
    expectParcels(result)
    expect([result.encoding, result.encodingSource]).toEqual(['gbk', 'detected'])
    expect(codes(result)).toEqual(['dbf.encoding_detected'])
  })

  it('language driver 0x57 ("ANSI") says nothing about the code page, so GBK content is detected', async () => {
    const result = await read('accept/shapefile/gbk-ldid-ansi-0x57.zip')
    expectParcels(result)
    expect([result.encoding, result.encodingSource]).toEqual(['gbk', 'detected'])
    expect(result.findings[0]!.message.en).toContain('0x57')
  })

  it('a Big5 table is decoded by a .cpg "950" and by language driver 0x78', async () => {
    const big5Names = ['城東安置區一期', '工業園區（含附屬）A-3地塊', '污水提升泵站']
    const byCpg = await read('accept/shapefile/big5-cpg-950.zip')
    expectParcels(byCpg, big5Names)
    expect([byCpg.encoding, byCpg.encodingSource]).toEqual(['big5', 'cpg'])
    expect(byCpg.features[2]!.landUse).toBe('公共管理與公共服務用地')
    const byLdid = await read('accept/shapefile/big5-ldid.zip')
    expectParcels(byLdid, big5Names)
    expect([byLdid.encoding, byLdid.encodingSource]).toEqual(['big5', 'ldid'])
    expect(byCpg.findings).toEqual([])
    expect(byLdid.findings).toEqual([])
  })

  it('a .cpg that names no code page is ignored with a warning, and the language driver decides', async () => {
    const result = await read('accept/shapefile/cpg-not-a-codepage.zip')
    expectParcels(result)
    expect([result.encoding, result.encodingSource]).toEqual(['gbk', 'ldid'])
    expect(codes(result)).toEqual(['dbf.cpg_unknown'])
    expectMessage(
      result.findings[0]!,
      ['地块.cpg', 'created by exporter v2'],
      ['地块.cpg', 'not a code page'],
    )
  })

  it('GBK text under a .cpg saying UTF-8 is never returned silently: each garbled value is reported', async () => {
    const result = await read('accept/shapefile/cpg-utf8-but-gbk-bytes.zip')
    expect([result.encoding, result.encodingSource]).toEqual(['utf-8', 'cpg'])
    const garbled = result.findings.filter((f) => f.code === 'dbf.decode_error')
    expect(garbled).toHaveLength(6)
    expect(garbled[0]).toMatchObject({ featureIndex: 0, parcelNo: 'DK-01', severity: 'warning' })
    expect(garbled[0]!.details).toMatchObject({ field: 'DKMC', record: 1, encoding: 'utf-8' })
    expectMessage(garbled[0]!, ['DK-01', 'DKMC', '指定编码'], ['DK-01', 'DKMC', 'encoding set'])

    const fixed = await read('accept/shapefile/cpg-utf8-but-gbk-bytes.zip', { encoding: 'gbk' })
    expectParcels(fixed)
    expect([fixed.encoding, fixed.encodingSource]).toEqual(['gbk', 'user'])
    expect(fixed.findings).toEqual([])
  })

  it('an encoding the user names that does not exist refuses the upload', async () => {
    const [f] = await refusal(() => read('accept/shapefile/gbk-ldid.zip', { encoding: 'klingon' }))
    expect(f!.code).toBe('encoding.unknown')
  })

  it('tables written by ogr2ogr in GBK and UTF-8 are read by their .cpg', async () => {
    const gbk = await read('accept/shapefile/ogr2ogr-gbk')
    expectParcels(gbk)
    expect([gbk.encoding, gbk.encodingSource, gbk.layer]).toEqual(['gbk', 'cpg', 'parcels'])
    const utf8 = await read('accept/shapefile/ogr2ogr-utf8')
    expectParcels(utf8)
    expect([utf8.encoding, utf8.encodingSource]).toEqual(['utf-8', 'cpg'])
    expect([...gbk.findings, ...utf8.findings]).toEqual([])
  })
})

describe('gis/formats/shapefile/read: geometry', () => {
  it('PolygonZ and PolygonM records give the same 2-D polygons (Z and M dropped)', async () => {
    const ref = await reference()
    for (const name of ['polygonz.zip', 'polygonm.zip']) {
      const result = await read(`accept/shapefile/${name}`)
      expectParcels(result)
      expect(result.findings).toEqual([])
      result.features.forEach((f, i) => expect(f.geometry).toEqual(ref.features[i]!.geometry))
    }
  })

  it('a Polygon record in a PolygonZ file is read like the others', async () => {
    const ref = await reference()
    const result = await read('accept/shapefile/mixed-polygon-types.zip')
    expectParcels(result)
    expect(result.findings).toEqual([])
    result.features.forEach((f, i) => expect(f.geometry).toEqual(ref.features[i]!.geometry))
  })

  it('a PolygonZ written by ogr2ogr reads like the original', async () => {
    const ref = await reference()
    const result = await read('accept/shapefile/ogr2ogr-polygonz')
    expectParcels(result)
    result.features.forEach((f, i) => expectSameGeometry(f.geometry, ref.features[i]!.geometry, 0))
  })

  it('a multipart parcel with a hole keeps its parts and its hole', async () => {
    const result = await read('accept/shapefile/multipart-with-holes.zip')
    expect(result.features.map((f) => f.parcelNo)).toEqual(['DK-03', 'DK-02'])
    const [dk03, dk02] = result.features
    expect(dk03!.geometry!.map((p) => p.length)).toEqual([1, 2])
    expect(planarArea(dk03!.geometry!)).toBeCloseTo(4000, 6)
    expect(dk02!.geometry!.map((p) => p.length)).toEqual([2])
    expect(planarArea(dk02!.geometry!)).toBeCloseTo(7600, 6)
  })

  it('a null shape gives a feature without geometry, with its attributes', async () => {
    const result = await read('accept/shapefile/null-shape.zip')
    expect(result.features).toHaveLength(3)
    expect(result.features[1]).toMatchObject({ parcelNo: 'DK-02', geometry: null, vertexCount: 0 })
    expect(result.findings).toEqual([])
  })

  it('an outer ring written counter-clockwise is read as its own polygon, with a warning at its first point', async () => {
    const result = await read('accept/shapefile/reversed-ring-orientation.zip')
    expect(result.features[0]!.geometry).toHaveLength(2)
    const [f] = result.findings
    expect(f).toMatchObject({
      code: 'shapefile.orphan_hole',
      featureIndex: 0,
      parcelNo: 'DK-02',
      severity: 'warning',
    })
    expect(f!.sourceLocation).toEqual([E0 + 100, N0])
    expect(f!.details).toMatchObject({ ring: 1 })
  })
})

describe('gis/formats/shapefile/read: damaged and odd files', () => {
  it('trailing zero padding after the declared length is cut off with a warning', async () => {
    const ref = await reference()
    const result = await read('accept/shapefile/trailing-zero-padding.zip')
    expectParcels(result)
    expect(result.features.map((f) => f.geometry)).toEqual(ref.features.map((f) => f.geometry))
    expect(codes(result)).toEqual(['shapefile.trailing_bytes'])
    expect(result.findings[0]!.details).toMatchObject({ bytes: 512, declared: 760, what: 'zero padding' })
  })

  it('junk after the last record is cut off with a warning', async () => {
    const result = await read('accept/shapefile/junk-after-last-record.zip')
    expectParcels(result)
    expect(codes(result)).toEqual(['shapefile.trailing_bytes'])
    expect(result.findings[0]!.details).toMatchObject({ what: 'junk' })
    expectMessage(result.findings[0]!, ['地块.shp', '多余数据'], ['地块.shp', 'junk'])
  })

  it('a .shp shorter than its declared length is an error, and its complete records are still read', async () => {
    const result = await read('reject/shapefile/truncated-shp.zip')
    expect(result.features.map((f) => f.parcelNo)).toEqual(['DK-01', 'DK-02'])
    const [truncated] = errors(result)
    expect(truncated).toMatchObject({ code: 'shapefile.truncated', severity: 'error' })
    expect(truncated!.details).toMatchObject({ declared: 760, actual: 660, records: 2 })
    expectMessage(truncated!, ['地块.shp', '不完整'], ['地块.shp', 'truncated'])
  })

  it('a record of another shape type is an error on that feature, and the records after it are read', async () => {
    const result = await read('reject/shapefile/record-of-another-type.zip')
    expect(result.features.map((f) => f.geometry === null)).toEqual([false, true, false])
    expect(errors(result)).toHaveLength(1)
    expect(errors(result)[0]).toMatchObject({
      code: 'shapefile.bad_record',
      featureIndex: 1,
      parcelNo: 'DK-02',
    })
    expect(errors(result)[0]!.message.en).toContain('Point')
  })

  it('an unreadable .dbf is an error and the shapes are still read, without attributes', async () => {
    const result = await read('reject/shapefile/dbf-broken-header.zip')
    expect(result.features).toHaveLength(3)
    expect(result.features.every((f) => f.parcelNo === null && Object.keys(f.attributes).length === 0)).toBe(
      true,
    )
    expect(errors(result).map((f) => f.code)).toEqual(['dbf.invalid'])
  })

  it('a .dbf with fewer rows than shapes is matched in order, with a warning', async () => {
    const result = await read('accept/shapefile/count-mismatch.zip')
    expect(result.features.map((f) => f.parcelNo)).toEqual(['DK-01', 'DK-02', null])
    expect(result.features[2]!.geometry).not.toBeNull()
    expect(codes(result)).toEqual(['shapefile.count_mismatch'])
    expect(result.findings[0]!.details).toMatchObject({ shapes: 3, rows: 2 })
  })

  it('a record marked deleted in the .dbf is skipped with a warning, and indices keep file positions', async () => {
    const result = await read('accept/shapefile/deleted-record.zip')
    expect(result.features.map((f) => [f.index, f.parcelNo])).toEqual([
      [0, 'DK-01'],
      [2, 'DK-03'],
    ])
    expect(result.findings).toMatchObject([{ code: 'shapefile.deleted_record', featureIndex: 1 }])
  })

  it('without a .dbf the shapes are read without attributes, with a warning', async () => {
    const result = await read('accept/shapefile/no-dbf.zip')
    expect(result.features).toHaveLength(3)
    expect(result.features[0]).toMatchObject({ parcelNo: null, attributes: {} })
    expect([result.encoding, result.encodingSource]).toEqual([null, null])
    expect(codes(result)).toEqual(['shapefile.no_dbf'])
  })

  it('a missing .shx does not matter', async () => {
    const result = await read('accept/shapefile/no-shx.zip')
    expectParcels(result)
    expect(result.findings).toEqual([])
  })
})

describe('gis/formats/shapefile/read: zips and loose parts', () => {
  it('a shapefile in nested folders is found, and junk beside it is ignored', async () => {
    const result = await read('accept/shapefile/nested-folders.zip')
    expectParcels(result)
    expect(result.layers).toEqual(['2026年第3批次/成果/shp/地块'])
    expect(result.findings).toEqual([])
  })

  it('upper-case extensions are matched', async () => {
    const result = await read('accept/shapefile/upper-case-extensions.zip')
    expectParcels(result)
    expect(result.layer).toBe('DIKUAI')
  })

  it('GBK zip entry names without the UTF-8 flag are decoded as GBK', async () => {
    const result = await read('accept/shapefile/gbk-entry-names.zip')
    expectParcels(result)
    expect(result.layer).toBe('成果/地块')
  })

  it('UTF-8 zip entry names without the UTF-8 flag (macOS) are decoded as UTF-8', async () => {
    const result = await read('accept/shapefile/utf8-entry-names-without-flag.zip')
    expect(result.layer).toBe('成果/地块')
  })

  it('loose parts are matched by base name whatever the case of name and extension', async () => {
    const result = await read('accept/shapefile/loose-parts')
    expectParcels(result)
    expect(result.layer).toBe('Parcels')
    expect([result.encoding, result.encodingSource]).toEqual(['utf-8', 'cpg'])
    expect(result.crsHints.prjWkt).toContain('CGCS2000')
  })

  it('a zip with several layers asks which one, and reads the one chosen', async () => {
    const [choose] = await refusal(() => read('accept/shapefile/several-layers.zip'))
    expect(choose!.code).toBe('shapefile.choose_layer')
    expect(choose!.details!.layers).toEqual(['地块', '红线/红线'])
    expectMessage(choose!, ['2 个图层', '地块', '红线/红线'], ['2 layers', 'choose'])

    const redLine = await read('accept/shapefile/several-layers.zip', { layer: '红线' })
    expect(redLine.layer).toBe('红线/红线')
    expect(redLine.layers).toEqual(['地块', '红线/红线'])
    expect(redLine.features.map((f) => f.parcelNo)).toEqual(['DK-01'])
    expect(redLine.findings).toEqual([])

    const parcels = await read('accept/shapefile/several-layers.zip', { layer: '地块.shp' })
    expectParcels(parcels)

    const [missing] = await refusal(() => read('accept/shapefile/several-layers.zip', { layer: '界址点' }))
    expect(missing!.code).toBe('shapefile.layer_not_found')
    expect(missing!.details!.layers).toEqual(['地块', '红线/红线'])
  })
})

describe('gis/formats/shapefile/read: refusals', () => {
  it('a .shp with another file code is not a shapefile', async () => {
    const [f] = await refusal(() => read('reject/shapefile/bad-file-code.zip'))
    expect(f!.code).toBe('shapefile.invalid')
    expectMessage(f!, ['地块.shp', '9994'], ['地块.shp', '1234'])
  })

  it('a zip without a .shp names the parts it found', async () => {
    const [f] = await refusal(() => read('reject/shapefile/no-shp.zip'))
    expect(f!.code).toBe('shapefile.no_shp')
    expectMessage(f!, ['.shp', '地块.dbf'], ['no .shp', '地块.dbf'])
  })

  it('a PolyLine layer is refused: parcels must be polygons', async () => {
    const [f] = await refusal(() => read('reject/shapefile/polyline-layer.zip'))
    expect(f!.code).toBe('shapefile.not_polygons')
    expect(f!.message.en).toBe('Parcels must be polygons; this layer (界线.shp) holds PolyLine shapes')
    expect(f!.message['zh-CN']).toContain('线')
  })

  it('a Point layer is refused: parcels must be polygons', async () => {
    const [f] = await refusal(() => read('reject/shapefile/point-layer.zip'))
    expect(f!.code).toBe('shapefile.not_polygons')
    expect(f!.message.en).toContain('holds Point shapes')
  })

  it('limits on features, vertices and time refuse the upload', async () => {
    expect(
      (await refusal(() => read('accept/shapefile/gbk-ldid.zip', {}, { maxFeatures: 2 })))[0]!.code,
    ).toBe('limits.features')
    expect(
      (await refusal(() => read('accept/shapefile/gbk-ldid.zip', {}, { maxVertices: 12 })))[0]!.code,
    ).toBe('limits.vertices')
    expect(
      (await refusal(() => read('accept/shapefile/gbk-ldid.zip', {}, { deadline: Date.now() - 1 })))[0]!.code,
    ).toBe('limits.time')
  })
})

describe('gis/formats/shapefile/read: record headers', () => {
  const looseParts = () =>
    fixture('accept/shapefile/loose-parts').map((f) => ({ ...f, bytes: f.bytes.slice() }))
  const shpOf = (parts: { name: string; bytes: Uint8Array }[]) =>
    parts.find((p) => /\.shp$/i.test(p.name))!.bytes

  it('a record numbered out of order is read in file order, with one warning', async () => {
    const parts = looseParts()
    new DataView(shpOf(parts).buffer).setInt32(100, 7, false)
    const result = await readShapefile(parts, options())
    expect(result.features).toHaveLength(3)
    expect(result.findings).toMatchObject([
      { code: 'shapefile.record_number', details: { record: 1, number: 7 } },
    ])
  })

  it('a polygon record without parts or points is an empty geometry, with a warning', async () => {
    const parts = looseParts()
    const view = new DataView(shpOf(parts).buffer)
    view.setInt32(108 + 36, 0, true)
    view.setInt32(108 + 40, 0, true)
    const result = await readShapefile(parts, options())
    expect(result.features[0]).toMatchObject({ parcelNo: 'DK-01', geometry: null })
    expect(result.findings).toMatchObject([
      { code: 'shapefile.empty_shape', featureIndex: 0, parcelNo: 'DK-01' },
    ])
  })
})

describe('gis/formats/shapefile/read: readShapefile', () => {
  it('reads loose parts given directly, and a zip given directly', async () => {
    const loose = await readShapefile(fixture('accept/shapefile/loose-parts'), options())
    expectParcels(loose)
    const zipped = await readShapefile(fixture('accept/shapefile/gbk-ldid.zip'), options())
    expectParcels(zipped)
  })

  it('a .shp alone is read without attributes', async () => {
    const parts = fixture('accept/shapefile/loose-parts').filter((f) => /\.shp$/i.test(f.name))
    const result = await readShapefile(parts, options())
    expect(result.features).toHaveLength(3)
    expect(codes(result)).toEqual(['shapefile.no_dbf'])
  })

  it('a shapefile in a zip written by fflate with Chinese paths reads like its parts', async () => {
    const parts = fixture('accept/shapefile/loose-parts')
    const zip = zipSync(Object.fromEntries(parts.map((p) => [`成果/${p.name}`, p.bytes])))
    const result = await readShapefile([{ name: '成果.zip', bytes: zip }], options())
    expectParcels(result)
    expect(result.layer).toBe('成果/Parcels')
  })
})

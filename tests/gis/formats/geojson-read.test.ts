import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { readGeoJson } from '../../../gis/formats/geojson/read'
import type { ReadResult } from '../../../gis/formats/types'
import {
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

const text = (json: unknown) => ({
  name: 'upload.geojson',
  bytes: new TextEncoder().encode(JSON.stringify(json)),
})
const square = [
  [107.0, 27.1],
  [107.001, 27.1],
  [107.001, 27.101],
  [107.0, 27.101],
  [107.0, 27.1],
]

function expectThreeParcels(result: ReadResult): void {
  expect(result.format).toBe('geojson')
  expect(result.features.map((f) => f.parcelNo)).toEqual(['DK-01', 'DK-02', 'DK-03'])
  expect(result.features.map((f) => f.name)).toEqual([
    '城东安置区一期',
    '工业园区（含附属）A-3地块',
    '污水提升泵站',
  ])
  expect(result.features.map((f) => f.geometry!.map((p) => p.length))).toEqual([[1], [2], [1, 2]])
}

describe('gis/formats/geojson/read', () => {
  it('a FeatureCollection gives its polygons, holes and multipolygons with their properties', async () => {
    const result = await read('accept/geojson/feature-collection.geojson')
    expectThreeParcels(result)
    expect(result.findings).toEqual([])
    expect([result.encoding, result.encodingSource, result.layer, result.layers]).toEqual([
      null,
      null,
      null,
      [],
    ])
    expect(result.crsHints).toEqual({ geojsonCrs: null })
    expect(result.features[0]).toMatchObject({
      index: 0,
      landUse: '住宅用地',
      landClassCode: '07',
      declaredAreaM2: 3000,
      vertexCount: 5,
      attributes: {
        parcelNo: 'DK-01',
        name: '城东安置区一期',
        landUse: '住宅用地',
        landClassCode: '07',
        declaredAreaM2: 3000,
      },
    })
    expect(result.features[0]!.geometry![0]![0]![1]).toEqual([107.0006, 27.1])
  })

  it('a single Feature is one feature', async () => {
    const result = await read('accept/geojson/single-feature.geojson')
    expect(result.features).toHaveLength(1)
    expect(result.features[0]).toMatchObject({ index: 0, parcelNo: 'DK-02', declaredAreaM2: 7600 })
    expect(result.findings).toEqual([])
  })

  it('a bare Polygon or MultiPolygon is one feature without attributes', async () => {
    const polygon = await read('accept/geojson/bare-polygon.geojson')
    expect(polygon.features).toHaveLength(1)
    expect(polygon.features[0]!.geometry).toHaveLength(1)
    expect(codes(polygon)).toEqual(['fields.no_parcel_no'])
    const multi = await read('accept/geojson/bare-multipolygon-with-hole.geojson')
    expect(multi.features[0]!.geometry!.map((p) => p.length)).toEqual([1, 2])
  })

  it('UTF-8 with a byte-order mark is read', async () => {
    const result = await read('accept/geojson/utf8-bom.geojson')
    expect(result.features[0]!.name).toBe('城东安置区一期')
    expect(result.findings).toEqual([])
  })

  it('the legacy crs member is handed on as a hint, with the coordinates untouched', async () => {
    const result = await read('accept/geojson/legacy-crs-member.geojson')
    expect(result.crsHints.geojsonCrs).toBe('urn:ogc:def:crs:EPSG::4524')
    expect(planarArea(result.features[0]!.geometry!)).toBe(3000)
    const epsg = readGeoJson(
      text({ type: 'FeatureCollection', crs: { type: 'EPSG', properties: { code: 4490 } }, features: [] }),
      options(),
    )
    expect(epsg.crsHints.geojsonCrs).toBe('EPSG:4490')
    const link = readGeoJson(
      text({ type: 'Polygon', crs: { type: 'link', properties: { href: 'x' } }, coordinates: [square] }),
      options(),
    )
    expect(link.crsHints.geojsonCrs).toBeNull()
    expect(codes(link)).toContain('geojson.crs_unreadable')
  })

  it('Z values are dropped', async () => {
    const result = await read('accept/geojson/positions-with-z.geojson')
    expect(result.features[0]!.geometry![0]![0]!.every((p) => p.length === 2)).toBe(true)
    expect(result.findings).toEqual([])
  })

  it('Chinese property names are mapped, and an area in hectares becomes m²', async () => {
    const result = await read('accept/geojson/chinese-property-names.geojson')
    expect(result.features[0]).toMatchObject({
      parcelNo: 'DK-01',
      name: '城东安置区一期',
      landUse: '住宅用地',
      landClassCode: '07',
      declaredAreaM2: 3000,
    })
  })

  it('GeoJSON written by ogr2ogr, RFC 7946 and with a crs member, reads the same parcels', async () => {
    const rfc = await read('accept/geojson/ogr2ogr-rfc7946.geojson')
    expectThreeParcels(rfc)
    expect(rfc.crsHints.geojsonCrs).toBeNull()
    expect(rfc.features[0]!.geometry![0]![0]![0]![0]).toBeCloseTo(107.0067, 3)
    const legacy = await read('accept/geojson/ogr2ogr-legacy-crs.geojson')
    expectThreeParcels(legacy)
    expect(legacy.crsHints.geojsonCrs).toBe('urn:ogc:def:crs:EPSG::4524')
    const shapefile = await read('accept/shapefile/gbk-ldid.zip')
    legacy.features.forEach((f, i) => expectSameGeometry(f.geometry, shapefile.features[i]!.geometry, 0))
    expect([...rfc.findings, ...legacy.findings]).toEqual([])
  })

  it('ECharts map files are refused by name', async () => {
    const [f] = await refusal(() => read('reject/geojson/echarts-encoded.json'))
    expect(f!.code).toBe('geojson.echarts_encoded')
    expectMessage(f!, ['ECharts'], ['ECharts', 'UTF8Encoding'])
  })

  it('TopoJSON is refused by name', async () => {
    const [f] = await refusal(() => read('reject/geojson/topojson.json'))
    expect(f!.code).toBe('geojson.topojson')
  })

  it('Esri JSON is refused by name', async () => {
    const [f] = await refusal(() => read('reject/geojson/esri-json.json'))
    expect(f!.code).toBe('geojson.esri_json')
  })

  it('an unclosed ring is an error at its first point, and is not closed silently', async () => {
    const result = await read('reject/geojson/unclosed-ring.geojson')
    const [f] = errors(result)
    expect(f).toMatchObject({ code: 'geojson.ring_unclosed', featureIndex: 1, parcelNo: 'DK-02' })
    expect(f!.sourceLocation).toEqual([107.001, 27.1])
    expectMessage(f!, ['DK-02', '第 1 个环', '没有闭合'], ['DK-02', 'ring 1', 'not closed'])
    const ring = result.features[1]!.geometry![0]![0]!
    expect(ring).toHaveLength(4)
    expect(ring[3]).not.toEqual(ring[0])
  })

  it('a ring of fewer than 4 positions is an error', async () => {
    const result = await read('reject/geojson/ring-too-short.geojson')
    expect(errors(result)).toMatchObject([
      { code: 'geojson.ring_too_short', featureIndex: 0, details: { count: 3 } },
    ])
  })

  it('Point and LineString features are errors on their features, and the polygons are read', async () => {
    const result = await read('reject/geojson/non-polygon-features.geojson')
    expect(result.features.map((f) => f.geometry === null)).toEqual([false, true, true])
    expect(errors(result).map((f) => [f.code, f.featureIndex, f.details!.type])).toEqual([
      ['geojson.not_polygon', 1, 'Point'],
      ['geojson.not_polygon', 2, 'LineString'],
    ])
  })

  it('a GeometryCollection is an error on its feature', async () => {
    const result = await read('reject/geojson/geometry-collection.geojson')
    expect(errors(result)).toMatchObject([
      { code: 'geojson.geometry_collection', featureIndex: 0, parcelNo: 'DK-01' },
    ])
    expect(result.features[0]!.geometry).toBeNull()
  })

  it('coordinates that are not finite numbers are errors naming ring and position', async () => {
    const result = await read('reject/geojson/bad-coordinates.geojson')
    expect(result.features.every((f) => f.geometry === null)).toBe(true)
    const found = errors(result)
    expect(found.map((f) => f.code)).toEqual([
      'geojson.bad_coordinates',
      'geojson.bad_coordinates',
      'geojson.bad_coordinates',
    ])
    expect(found[0]!.message.en).toContain('ring 1, position 2')
    expect(found[1]!.message.en).toContain('Infinity')
  })

  it('text that is not JSON is refused with its line and column', async () => {
    const [f] = await refusal(() => read('reject/geojson/invalid-json.geojson'))
    expect(f!.code).toBe('geojson.invalid_json')
    expect(f!.details).toMatchObject({ line: 3, column: 2 })
    expectMessage(f!, ['第 3 行'], ['line 3, column 2'])
  })

  it('a GBK file is refused as not UTF-8, saying it looks GBK; naming the encoding reads it', async () => {
    const [f] = await refusal(() => read('reject/geojson/gbk-encoded.geojson'))
    expect(f!.code).toBe('geojson.invalid_utf8')
    expect(f!.details).toMatchObject({ line: 2 })
    expectMessage(f!, ['GBK'], ['GBK'])
    const result = await read('reject/geojson/gbk-encoded.geojson', { encoding: 'gbk' })
    expect(result.features[0]!.name).toBe('城东安置区一期')
    expect([result.encoding, result.encodingSource]).toEqual(['gbk', 'user'])
  })

  it('JSON that is not GeoJSON is refused', async () => {
    const [f] = await refusal(() => read('reject/geojson/not-geojson.json'))
    expect(f!.code).toBe('geojson.not_geojson')
    const [array] = await refusal(() => readGeoJson(text([1, 2]), options()))
    expect(array!.code).toBe('geojson.not_geojson')
  })

  it('a member of a FeatureCollection that is not a Feature is an error, not a crash', () => {
    const result = readGeoJson(
      text({ type: 'FeatureCollection', features: [{ type: 'Polygon', coordinates: [square] }, 42] }),
      options(),
    )
    expect(errors(result).map((f) => [f.code, f.featureIndex])).toEqual([
      ['geojson.not_feature', 0],
      ['geojson.not_feature', 1],
    ])
  })

  it('what geojson-validation finds beyond the deeper checks becomes a warning', () => {
    const result = readGeoJson(
      text({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [square] } }],
      }),
      options(),
    )
    expect(result.features[0]!.geometry).not.toBeNull()
    expect(result.findings.find((f) => f.code === 'geojson.structure')).toMatchObject({
      severity: 'warning',
      featureIndex: 0,
    })
  })

  it('an area that is not a number is a warning on its feature, and the declared area stays empty', () => {
    const result = readGeoJson(
      text({
        type: 'Feature',
        properties: { DKBH: 'DK-01', MJ: '约 8000' },
        geometry: { type: 'Polygon', coordinates: [square] },
      }),
      options(),
    )
    expect(result.features[0]!.declaredAreaM2).toBeNull()
    expect(result.findings).toMatchObject([
      {
        code: 'fields.area_not_number',
        featureIndex: 0,
        parcelNo: 'DK-01',
        details: { field: 'MJ', value: '约 8000' },
      },
    ])
  })

  it('an empty FeatureCollection reads with a warning', () => {
    const result = readGeoJson(text({ type: 'FeatureCollection', features: [] }), options())
    expect(result.features).toEqual([])
    expect(codes(result)).toEqual(['geojson.no_features'])
  })

  it('limits on features and vertices refuse the file', async () => {
    const file = fixture('accept/geojson/feature-collection.geojson')[0]!
    expect((await refusal(() => readGeoJson(file, options({}, { maxFeatures: 2 }))))[0]!.code).toBe(
      'limits.features',
    )
    expect((await refusal(() => readGeoJson(file, options({}, { maxVertices: 6 }))))[0]!.code).toBe(
      'limits.vertices',
    )
  })

  it('an encoding the user names applies to GeoJSON too, and a byte-order mark is dropped', () => {
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...iconv.encode(JSON.stringify({ type: 'Polygon', coordinates: [square] }), 'utf-8'),
    ])
    const result = readGeoJson({ name: 'a.geojson', bytes }, options({ encoding: 'utf-8' }))
    expect(result.features).toHaveLength(1)
  })
})

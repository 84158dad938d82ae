import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { readCoordTxt } from '../../../gis/formats/cn-coord-txt/read'
import { writeCoordTxt, type CoordParcel } from '../../../gis/formats/cn-coord-txt/write'
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

const E0 = 36_401_500
const N0 = 2_999_600
const file = (text: string, encoding = 'gbk') => ({
  name: '坐标.txt',
  bytes: new Uint8Array(iconv.encode(text, encoding)),
})

function expectFirstTwo(result: ReadResult): void {
  expect(result.format).toBe('cn-coord-txt')
  expect(
    result.features
      .slice(0, 2)
      .map((f) => [f.parcelNo, f.name, f.landUse, f.landClassCode, f.declaredAreaM2]),
  ).toEqual([
    ['DK-01', '城东安置区一期', '住宅用地', '07', 3000],
    ['DK-02', '工业园区（含附属），A-3地块', '工矿仓储用地', '06', 7600],
  ])
  expect(planarArea(result.features[0]!.geometry!)).toBeCloseTo(3000, 6)
  expect(planarArea(result.features[1]!.geometry!)).toBeCloseTo(7600, 6)
}

describe('gis/formats/cn-coord-txt/read', () => {
  it('a GBK file with CRLF gives its parcels, header keys and positions as [easting, northing]', async () => {
    const result = await read('accept/cn-coord-txt/gbk-crlf.txt')
    expectFirstTwo(result)
    expect([result.encoding, result.encodingSource]).toEqual(['gbk', 'detected'])
    expect(result.crsHints.coordTxtHeader).toMatchObject({
      坐标系: '2000国家大地坐标系',
      几度分带: '3',
      投影类型: '高斯克吕格',
      带号: '36',
      计量单位: '米',
    })
    const ring = result.features[0]!.geometry![0]![0]!
    expect(ring[0]).toEqual([E0, N0])
    expect(ring).toHaveLength(5)
    expect(ring[4]).toEqual(ring[0])
    expect(result.features[0]!.attributes).toMatchObject({
      界址点数: 5,
      地块面积: 0.3,
      地块编号: 'DK-01',
      记录图形属性: '面',
      图幅号: 'G48G022081',
    })
    expect(result.features[0]!.vertexCount).toBe(5)
  })

  it('a UTF-8 file with a byte-order mark and LF line ends is read, the encoding coming from the mark', async () => {
    const result = await read('accept/cn-coord-txt/utf8-bom-lf.txt')
    expectFirstTwo(result)
    expect([result.encoding, result.encodingSource]).toEqual(['utf-8', 'bom'])
    expect(result.findings).toEqual([])
  })

  it('a UTF-8 file without a byte-order mark is detected as UTF-8', async () => {
    const result = await read('accept/cn-coord-txt/utf8-lf.txt')
    expect(result.features[0]!.name).toBe('城东安置区一期')
    expect([result.encoding, result.encodingSource]).toEqual(['utf-8', 'detected'])
  })

  it('a UTF-16 file with a byte-order mark (Notepad\'s "Unicode") is read', async () => {
    const result = await read('accept/cn-coord-txt/utf16le-bom.txt')
    expect(result.features[0]!.name).toBe('城东安置区一期')
    expect([result.encoding, result.encodingSource]).toEqual(['utf-16le', 'bom'])
    expect(result.findings).toEqual([])
  })

  it('full-width punctuation and digits are read as ASCII with one warning; a full-width comma inside a name stays', async () => {
    const result = await read('accept/cn-coord-txt/fullwidth-punctuation.txt')
    expectFirstTwo(result)
    expect(result.crsHints.coordTxtHeader!['带号']).toBe('36')
    expect(codes(result)).toEqual(['coordtxt.fullwidth'])
    expect(result.findings[0]!.details).toMatchObject({ count: 5, line: 9 })
    expect(result.features[0]!.geometry![0]![0]![1]).toEqual([E0 + 60, N0])
  })

  it('ring 2 inside ring 1 is a hole', async () => {
    const result = await read('accept/cn-coord-txt/hole-inside-ring-1.txt')
    expect(result.features[0]!.geometry!.map((p) => p.length)).toEqual([2])
    expect(result.findings).toEqual([])
  })

  it('a ring outside ring 1 is a separate part (point-in-polygon), with its own hole', async () => {
    const result = await read('accept/cn-coord-txt/ring-outside-ring-1.txt')
    const geometry = result.features[0]!.geometry!
    expect(geometry.map((p) => p.length)).toEqual([1, 2])
    expect(planarArea(geometry)).toBeCloseTo(4000, 6)
    expect(result.findings).toMatchObject([
      {
        code: 'coordtxt.ring_outside',
        featureIndex: 0,
        parcelNo: 'DK-03',
        severity: 'warning',
        details: { ring: 2 },
      },
    ])
  })

  it('a declared point count and area that differ from the data are warnings', async () => {
    const result = await read('accept/cn-coord-txt/declared-count-and-area-mismatch.txt')
    expect(result.features[0]!.declaredAreaM2).toBe(3100)
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([
      ['coordtxt.point_count_mismatch', 'warning'],
      ['coordtxt.area_mismatch', 'warning'],
    ])
    expect(result.findings[0]!.details).toMatchObject({ declared: 6, actual: 5, line: 13 })
    expect(result.findings[1]!.details).toMatchObject({ declaredM2: 3100, computedM2: 3000, percent: 3.33 })
    expectMessage(result.findings[1]!, ['DK-01', '0.31 公顷', '3000 平方米'], ['DK-01', '0.31 ha', '3000 m²'])
  })

  it('the area is not compared when the coordinates are degrees', () => {
    const text =
      '[属性描述]\r\n坐标系=2000国家大地坐标系\r\n[地块坐标]\r\n5,9.9999,DK-01,经纬度地块,面,,,,@\r\n' +
      'J1,1,27.1,107.0\r\nJ2,1,27.1,107.001\r\nJ3,1,27.101,107.001\r\nJ4,1,27.101,107.0\r\nJ1,1,27.1,107.0\r\n'
    const result = readCoordTxt(file(text), options())
    expect(result.features[0]!.geometry![0]![0]![0]).toEqual([107.0, 27.1])
    expect(result.findings).toEqual([])
  })

  it('parcel lines of 13 fields keep the extra fields as attributes', async () => {
    const result = await read('accept/cn-coord-txt/header-13-fields.txt')
    expectFirstTwo(result)
    expect(result.features[0]!.attributes).toMatchObject({
      属性9: '项目甲',
      属性10: '2026',
      属性11: '第3批次',
      属性12: '补充说明',
    })
    expect(result.findings).toEqual([])
  })

  it('an unclosed ring is closed with a warning, because the closing point is the convention of the format', async () => {
    const result = await read('accept/cn-coord-txt/unclosed-ring.txt')
    const ring = result.features[0]!.geometry![0]![0]!
    expect(ring).toHaveLength(5)
    expect(ring[4]).toEqual(ring[0])
    expect(result.features[0]!.vertexCount).toBe(4)
    expect(result.findings).toMatchObject([
      { code: 'coordtxt.ring_unclosed', severity: 'warning', sourceLocation: [E0, N0] },
    ])
    expectMessage(result.findings[0]!, ['自动闭合', '约定'], ['closed', 'convention'])
  })

  it('parcel lines without the sections are read, with a warning about the missing header', async () => {
    const result = await read('accept/cn-coord-txt/no-header-section.txt')
    expect(result.features[0]!.parcelNo).toBe('DK-01')
    expect(result.crsHints.coordTxtHeader).toBeNull()
    expect(codes(result)).toEqual(['coordtxt.no_header_section'])
  })

  it('malformed lines are errors with their line numbers', async () => {
    const result = await read('reject/cn-coord-txt/malformed-lines.txt')
    expect(errors(result).map((f) => [f.code, f.details!.line])).toEqual([
      ['coordtxt.point_before_parcel', 13],
      ['coordtxt.bad_number', 17],
      ['coordtxt.bad_line', 18],
    ])
    expect(errors(result)[1]!.details).toMatchObject({ value: '2999x650.000' })
    expectMessage(errors(result)[1]!, ['第 17 行', 'X 坐标', '2999x650.000'], ['line 17', 'northing'])
  })

  it('a parcel whose shape type is not 面 is an error', async () => {
    const result = await read('reject/cn-coord-txt/shape-type-line.txt')
    expect(errors(result)).toMatchObject([
      { code: 'coordtxt.not_polygon', featureIndex: 0, details: { shape: '线' } },
    ])
    expect(result.features[0]!.geometry).toBeNull()
  })

  it('a parcel line of fewer than 9 fields is an error', async () => {
    const result = await read('reject/cn-coord-txt/too-few-fields.txt')
    expect(errors(result)).toMatchObject([
      { code: 'coordtxt.parcel_fields', details: { count: 7, line: 13 } },
    ])
  })

  it('a ring of fewer than 3 distinct points is an error', async () => {
    const result = await read('reject/cn-coord-txt/ring-too-short.txt')
    expect(errors(result)).toMatchObject([
      { code: 'coordtxt.ring_too_short', parcelNo: 'DK-09', details: { count: 2 } },
    ])
  })

  it('a file without parcels is refused', async () => {
    const [f] = await refusal(() => read('reject/cn-coord-txt/no-parcels.txt'))
    expect(f!.code).toBe('coordtxt.no_parcels')
  })

  it('stray lines, unknown sections, broken header lines, empty parcels and reused ring numbers are reported', () => {
    const text =
      '说明：本文件由测绘单位提供\r\n' +
      '[属性描述]\r\n带号=36\r\n这一行没有等号\r\n' +
      '[备注]\r\n任意内容,1,2,3\r\n' +
      '[地块坐标]\r\n' +
      '0,0.0000,DK-00,空地块,面,,,,@\r\n' +
      '8,0.0002,DK-01,两圈同号,面,,,,@\r\n' +
      'J1,1,0,0\r\nJ2,1,0,10\r\nJ3,1,10,10\r\nJ1,1,0,0\r\n' +
      'J4,1,20,20\r\nJ5,1,20,30\r\nJ6,1,30,30\r\nJ4,1,20,20\r\n'
    const result = readCoordTxt(file(text), options())
    expect(result.findings.map((f) => [f.code, f.details!.line ?? null])).toEqual([
      ['coordtxt.stray_line', 1],
      ['coordtxt.bad_header_line', 4],
      ['coordtxt.unknown_section', 5],
      ['coordtxt.no_points', 8],
      ['coordtxt.ring_reused', 10],
      ['coordtxt.ring_outside', null],
    ])
    expect(result.features[1]!.geometry!.map((p) => p.length)).toEqual([1, 1])
  })

  it('a line that does not decode is reported with its line number', () => {
    const bytes = new Uint8Array([
      ...iconv.encode('[地块坐标]\r\n4,0.0001,DK-01,', 'gbk'),
      0xff,
      0xff,
      ...iconv.encode(',面,,,,@\r\nJ1,1,0,0\r\nJ2,1,0,1\r\nJ3,1,1,1\r\nJ1,1,0,0\r\n', 'gbk'),
    ])
    const result = readCoordTxt({ name: '坐标.txt', bytes }, options())
    expect(result.findings.filter((f) => f.code === 'coordtxt.decode_error')).toMatchObject([
      { severity: 'warning', details: { line: 2, encoding: 'gbk' } },
    ])
  })

  it('CR-only line ends and a user-named encoding are honoured', () => {
    const text =
      '[属性描述]\r带号=36\r[地块坐标]\r4,0.0001,DK-01,小,面,,,,@\rJ1,1,0,0\rJ2,1,0,1\rJ3,1,1,1\rJ1,1,0,0\r'
    const result = readCoordTxt(file(text, 'utf-8'), options({ encoding: 'utf-8' }))
    expect(result.features[0]).toMatchObject({ parcelNo: 'DK-01', name: '小' })
    expect([result.encoding, result.encodingSource]).toEqual(['utf-8', 'user'])
  })

  it('what the writer writes, the reader reads back vertex for vertex', () => {
    const parcels: CoordParcel[] = [
      {
        parcelNo: 'DK-01',
        name: '城东安置区一期',
        rings: [
          [
            [E0, N0],
            [E0 + 60.123, N0],
            [E0 + 60.123, N0 + 50.456],
            [E0, N0 + 50.456],
          ],
        ],
      },
      {
        parcelNo: 'DK-02',
        name: '工业园区',
        rings: [
          [
            [E0 + 100, N0],
            [E0 + 200, N0],
            [E0 + 200, N0 + 80],
            [E0 + 100, N0 + 80],
          ],
          [
            [E0 + 140, N0 + 30],
            [E0 + 140, N0 + 50],
            [E0 + 160, N0 + 50],
            [E0 + 160, N0 + 30],
          ],
        ],
      },
    ]
    for (const encoding of ['gbk', 'utf-8'] as const) {
      const bytes = writeCoordTxt({ zone: 36 }, parcels, { encoding })
      const result = readCoordTxt({ name: 'round-trip.txt', bytes }, options())
      expect(result.findings).toEqual([])
      result.features.forEach((f, i) => {
        const rings = parcels[i]!.rings.map((r) => [...r, r[0]!])
        expectSameGeometry(f.geometry, [rings], 0)
      })
    }
  })

  it('limits on parcels and vertices refuse the file', async () => {
    const f = fixture('accept/cn-coord-txt/gbk-crlf.txt')[0]!
    expect((await refusal(() => readCoordTxt(f, options({}, { maxFeatures: 2 }))))[0]!.code).toBe(
      'limits.features',
    )
    expect((await refusal(() => readCoordTxt(f, options({}, { maxVertices: 10 }))))[0]!.code).toBe(
      'limits.vertices',
    )
  })
})

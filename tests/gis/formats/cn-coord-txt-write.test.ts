import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { writeCoordTxt, type CoordParcel } from '../../../gis/formats/cn-coord-txt/write'

const E = 36_512_000
const N = 2_998_000
/** 100 m × 100 m with a 20 m × 20 m hole: 9 600 m² = 0.96 ha. Rings in GIS order [easting, northing]. */
const parcel: CoordParcel = {
  parcelNo: 'DK-01',
  name: '城东安置区一期',
  mapSheet: 'G48G012034',
  use: '建设用地',
  landClassCode: '05',
  rings: [
    [
      [E, N + 100],
      [E + 100, N + 100],
      [E + 100, N],
      [E, N],
      [E, N + 100],
    ],
    [
      [E + 40.5, N + 40.25],
      [E + 60.5, N + 40.25],
      [E + 60.5, N + 60.25],
      [E + 40.5, N + 60.25],
    ],
  ],
}

const expected = [
  '[属性描述]',
  '格式版本号=1.01',
  '数据产生单位=南明县自然资源局',
  '数据产生日期=2026-11-20',
  '坐标系=2000国家大地坐标系',
  '几度分带=3',
  '投影类型=高斯克吕格',
  '计量单位=米',
  '带号=36',
  '精度=0.001',
  '转换参数=,,,,,,',
  '[地块坐标]',
  '10,0.9600,DK-01,城东安置区一期,面,G48G012034,建设用地,05,@',
  'J1,1,2998100.000,36512000.000',
  'J2,1,2998100.000,36512100.000',
  'J3,1,2998000.000,36512100.000',
  'J4,1,2998000.000,36512000.000',
  'J1,1,2998100.000,36512000.000',
  'J5,2,2998040.250,36512040.500',
  'J6,2,2998040.250,36512060.500',
  'J7,2,2998060.250,36512060.500',
  'J8,2,2998060.250,36512040.500',
  'J5,2,2998040.250,36512040.500',
]

const header = { zone: 36, producer: '南明县自然资源局', date: '2026-11-20' }

describe('gis/formats/cn-coord-txt/write', () => {
  it('a parcel with a hole is written as GBK with CRLF, X = northing and Y = easting, rings closed on their first point', () => {
    const bytes = writeCoordTxt(header, [parcel])
    expect(bytes[0]).toBe(0x5b) // "[", no byte-order mark
    const text = iconv.decode(Buffer.from(bytes), 'gbk')
    expect(text).toBe(expected.join('\r\n') + '\r\n')
  })

  it('is GBK, not UTF-8, by default', () => {
    const bytes = writeCoordTxt(header, [parcel])
    expect(Buffer.from(bytes).includes(Buffer.from(iconv.encode('城东安置区一期', 'gbk')))).toBe(true)
    expect(Buffer.from(bytes).includes(Buffer.from('城东安置区一期', 'utf8'))).toBe(false)
  })

  it('writes UTF-8 with a byte-order mark and LF line ends when asked', () => {
    const bytes = writeCoordTxt(header, [parcel], { encoding: 'utf-8', bom: true, eol: 'lf' })
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes.slice(3))
    expect(text).toBe(expected.join('\n') + '\n')
  })

  it('numbers points across parcels from J1 again and uses a given area', () => {
    const second: CoordParcel = { ...parcel, parcelNo: 'DK-02', rings: [parcel.rings[0]!], areaHa: 1.03 }
    const text = iconv.decode(Buffer.from(writeCoordTxt(header, [parcel, second])), 'gbk')
    const lines = text.split('\r\n')
    expect(lines).toContain('5,1.0300,DK-02,城东安置区一期,面,G48G012034,建设用地,05,@')
    expect(lines.filter((l) => l.startsWith('J1,1,'))).toHaveLength(4)
  })

  it('refuses a name with a comma, which would shift the columns', () => {
    expect(() => writeCoordTxt(header, [{ ...parcel, name: '一期,二期' }])).toThrow(/parcel DK-01: name/)
  })
})

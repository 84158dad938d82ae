/**
 * Writes the national boundary-coordinate exchange file (坐标交换文件, format `cn-coord-txt`).
 *
 * Layout (an INI-like text, usually GBK with CRLF line ends):
 *
 *   [属性描述]
 *   格式版本号=1.01
 *   ...key=value lines...
 *   [地块坐标]
 *   5,0.3612,DK-01,城东安置区一期,面,G48G012034,建设用地,05,@
 *   J1,1,2934567.123,36512345.678
 *   ...
 *
 * Each parcel starts with a header line: point count, area in hectares (4 decimals), parcel number,
 * name, shape type (面 = polygon), map sheet, use, land-class code, and the end mark `@`. Then one
 * line per boundary point: point name, ring number (圈号: 1 = outer ring, 2.. = holes and further
 * parts), X, Y — where, as in every Chinese survey document, X is the northing and Y the easting
 * (with the zone prefix when the CRS has one). Each ring repeats its first point, under the same
 * name, to close it; the point count in the header counts those closing lines too. Points are
 * numbered J1, J2, ... across the whole parcel.
 *
 * Coordinates are written with 3 decimals (millimetres) exactly as given: the caller chooses the CRS
 * and says which in the header (坐标系, 带号).
 */
import iconv from 'iconv-lite'

/** A ring as [easting, northing] pairs (GIS axis order); closed or not, it is written closed. */
export type CoordRing = [number, number][]

export interface CoordParcel {
  /** 地块编号, e.g. "DK-01". */
  parcelNo: string
  /** 地块名称. */
  name: string
  /**
   * Rings in order: the first is the outer ring (圈号 1), the rest are holes or further parts
   * (圈号 2, 3, ...).
   */
  rings: CoordRing[]
  /** 面积 in hectares; computed from the rings (planar, outer minus holes) when omitted. */
  areaHa?: number
  /** 图形属性, "面" (polygon) unless told otherwise. */
  shapeType?: string
  /** 图幅号, e.g. "G48G012034"; empty when unknown. */
  mapSheet?: string
  /** 地块用途, e.g. "建设用地". */
  use?: string
  /** 地类编码, e.g. "05". */
  landClassCode?: string
}

export interface CoordHeader {
  formatVersion?: string
  producer?: string
  /** 数据产生日期, YYYY-MM-DD. */
  date?: string
  coordinateSystem?: string
  zoneWidth?: 3 | 6
  projection?: string
  unit?: string
  /** 带号, e.g. 36. */
  zone: number
  precision?: string
  /** 转换参数, seven comma-separated values (empty when none). */
  transformParameters?: string
}

export interface WriteCoordTxtOptions {
  encoding?: 'gbk' | 'utf-8'
  /** Prefix a UTF-8 byte-order mark (UTF-8 only; default false). */
  bom?: boolean
  /** Line ending (default CRLF, as the Windows tools that read these files expect). */
  eol?: 'crlf' | 'lf'
}

const DEFAULT_HEADER: Required<Omit<CoordHeader, 'zone'>> = {
  formatVersion: '1.01',
  producer: '',
  date: '2026-01-01',
  coordinateSystem: '2000国家大地坐标系',
  zoneWidth: 3,
  projection: '高斯克吕格',
  unit: '米',
  precision: '0.001',
  transformParameters: ',,,,,,',
}

/** Planar area of a closed or open ring (absolute value). */
function ringArea(ring: CoordRing): number {
  let sum = 0
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!
    const b = ring[(i + 1) % ring.length]!
    sum += a[0] * b[1] - b[0] * a[1]
  }
  return Math.abs(sum) / 2
}

function openRing(ring: CoordRing): CoordRing {
  const first = ring[0]
  const last = ring[ring.length - 1]
  if (!first || !last) return ring
  return first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : ring
}

function checkField(value: string, what: string, parcelNo: string): string {
  if (/[,\r\n]/.test(value))
    throw new RangeError(`parcel ${parcelNo}: ${what} "${value}" may not contain a comma or line break`)
  return value
}

/** The text of a boundary-coordinate file (before encoding). */
export function formatCoordTxt(
  header: CoordHeader,
  parcels: readonly CoordParcel[],
  eol: 'crlf' | 'lf' = 'crlf',
): string {
  const h = { ...DEFAULT_HEADER, ...header }
  const lines: string[] = [
    '[属性描述]',
    `格式版本号=${h.formatVersion}`,
    `数据产生单位=${h.producer}`,
    `数据产生日期=${h.date}`,
    `坐标系=${h.coordinateSystem}`,
    `几度分带=${h.zoneWidth}`,
    `投影类型=${h.projection}`,
    `计量单位=${h.unit}`,
    `带号=${h.zone}`,
    `精度=${h.precision}`,
    `转换参数=${h.transformParameters}`,
    '[地块坐标]',
  ]
  for (const parcel of parcels) {
    const rings = parcel.rings.map(openRing)
    if (rings.length === 0 || rings.some((r) => r.length < 3)) {
      throw new RangeError(`parcel ${parcel.parcelNo}: every ring needs at least 3 distinct points`)
    }
    const pointLines: string[] = []
    let pointNo = 0
    rings.forEach((ring, r) => {
      const firstNo = pointNo + 1
      for (const [easting, northing] of ring) {
        pointNo++
        pointLines.push(`J${pointNo},${r + 1},${northing.toFixed(3)},${easting.toFixed(3)}`)
      }
      const [e0, n0] = ring[0]!
      pointLines.push(`J${firstNo},${r + 1},${n0.toFixed(3)},${e0.toFixed(3)}`)
    })
    const areaM2 = rings.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * ringArea(ring), 0)
    const areaHa = parcel.areaHa ?? areaM2 / 10_000
    const no = parcel.parcelNo
    lines.push(
      [
        String(pointLines.length),
        areaHa.toFixed(4),
        checkField(no, 'parcel number', no),
        checkField(parcel.name, 'name', no),
        checkField(parcel.shapeType ?? '面', 'shape type', no),
        checkField(parcel.mapSheet ?? '', 'map sheet', no),
        checkField(parcel.use ?? '', 'use', no),
        checkField(parcel.landClassCode ?? '', 'land-class code', no),
        '@',
      ].join(','),
      ...pointLines,
    )
  }
  const newline = eol === 'crlf' ? '\r\n' : '\n'
  return lines.join(newline) + newline
}

/** Writes a boundary-coordinate file as bytes (GBK and CRLF by default). */
export function writeCoordTxt(
  header: CoordHeader,
  parcels: readonly CoordParcel[],
  options: WriteCoordTxtOptions = {},
): Uint8Array {
  const text = formatCoordTxt(header, parcels, options.eol ?? 'crlf')
  if ((options.encoding ?? 'gbk') === 'gbk') {
    if (options.bom) throw new RangeError('a byte-order mark only exists for UTF-8')
    return new Uint8Array(iconv.encode(text, 'gbk'))
  }
  const body = new TextEncoder().encode(text)
  if (!options.bom) return body
  const out = new Uint8Array(body.length + 3)
  out.set([0xef, 0xbb, 0xbf])
  out.set(body, 3)
  return out
}

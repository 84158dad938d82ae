/**
 * Writes polygon shapefiles (.shp/.shx/.dbf, optional .prj and .cpg) as bytes, and zips them.
 *
 * The shapes follow the ESRI Shapefile Technical Description (1998): shape type 5 (Polygon), every
 * ring closed, outer rings clockwise and holes counter-clockwise (x = east, y = north); a
 * MultiPolygon becomes one record with all rings of all its polygons as parts. Coordinates are written
 * exactly as given: the caller chooses the CRS and passes its WKT for the `.prj`.
 *
 * The attribute table is dBASE III (version 0x03) with character (C) and numeric (N) fields. Chinese
 * GIS tools usually write GBK tables and mark them with the language-driver byte (LDID, offset 29 of
 * the header) 0x7A = code page 936; UTF-8 tables carry LDID 0 and a `.cpg` that says "UTF-8".
 *
 * Everything is deterministic (the dBASE "last update" date is a fixed option, the zip entries carry a
 * fixed time), so the same input gives the same bytes.
 */
import { zipSync } from 'fflate'
import type { MultiPolygon, Polygon, Position } from 'geojson'
import iconv from 'iconv-lite'

export type DbfEncoding = 'utf-8' | 'gbk'

export interface DbfField {
  /** Field name, 1–10 ASCII characters (letters, digits, underscore), e.g. "DKBH". */
  name: string
  /** C = character, N = numeric. */
  type: 'C' | 'N'
  /** Width in bytes (C: 1–254, N: 1–20). For C fields it counts encoded bytes, not characters. */
  length: number
  /** Digits after the decimal point (N only, default 0). */
  decimals?: number
}

export type DbfValue = string | number | null | undefined

export interface ShapefileFeature {
  geometry: Polygon | MultiPolygon | null
  properties: Record<string, DbfValue>
}

export interface WriteShapefileOptions {
  fields: DbfField[]
  /** Encoding of the character fields (default 'utf-8'). */
  encoding?: DbfEncoding
  /** WKT text of the coordinate system, written as the `.prj` when given. */
  prj?: string
  /** Whether to write a `.cpg` naming the encoding (default: yes for UTF-8, no for GBK). */
  cpg?: boolean
  /** The dBASE header's "last update" date (default 2026-01-01); only year, month and day are used. */
  lastUpdate?: { year: number; month: number; day: number }
}

export interface ShapefileFiles {
  shp: Uint8Array
  shx: Uint8Array
  dbf: Uint8Array
  prj?: Uint8Array
  cpg?: Uint8Array
}

const SHAPE_NULL = 0
const SHAPE_POLYGON = 5
const FILE_CODE = 9994
const VERSION = 1000
const HEADER_BYTES = 100
/** LDID for code page 936 (GBK). 0x4D means the same; 0x7A is what ArcGIS writes. */
const LDID_GBK = 0x7a
const LDID_NONE = 0x00

/** Writes polygon features to the bytes of a shapefile. */
export function writeShapefile(
  features: readonly ShapefileFeature[],
  options: WriteShapefileOptions,
): ShapefileFiles {
  const encoding = options.encoding ?? 'utf-8'
  const { shp, shx } = writeShapes(features.map((f) => f.geometry))
  const dbf = writeDbf(
    features.map((f) => f.properties),
    options.fields,
    encoding,
    options.lastUpdate ?? { year: 2026, month: 1, day: 1 },
  )
  const files: ShapefileFiles = { shp, shx, dbf }
  if (options.prj !== undefined) files.prj = new TextEncoder().encode(options.prj)
  if (options.cpg ?? encoding === 'utf-8')
    files.cpg = new TextEncoder().encode(encoding === 'gbk' ? 'GBK' : 'UTF-8')
  return files
}

export interface ZipShapefileOptions {
  /** Modification time stored for every entry, in local time fields (default 2026-01-01 00:00). */
  mtime?: Date
  /** Extra entries (path inside the zip → bytes), e.g. a readme, added after the shapefile parts. */
  extra?: Record<string, Uint8Array>
}

/**
 * Zips the parts of one shapefile as `<name>.shp`, `<name>.shx`, ... `name` may contain a folder
 * (`成果/地块`); non-ASCII names are stored as UTF-8 with the zip's UTF-8 flag set.
 */
export function zipShapefile(
  name: string,
  files: ShapefileFiles,
  options: ZipShapefileOptions = {},
): Uint8Array {
  // DOS time stamps hold local-time fields; building the Date from fields keeps them identical in every
  // time zone.
  const mtime = options.mtime ?? new Date(2026, 0, 1, 0, 0, 0)
  const entries: Record<string, Uint8Array> = {}
  for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg'] as const) {
    const bytes = files[ext]
    if (bytes) entries[`${name}.${ext}`] = bytes
  }
  for (const [path, bytes] of Object.entries(options.extra ?? {})) entries[path] = bytes
  return zipSync(entries, { level: 6, mtime })
}

// ---------------------------------------------------------------------------------------------------
// .shp and .shx

type Ring = Position[]

function polygonsOf(geometry: Polygon | MultiPolygon): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
}

function closed(ring: Ring): Ring {
  const first = ring[0]
  const last = ring[ring.length - 1]
  if (!first || !last) return ring
  return first[0] === last[0] && first[1] === last[1] ? ring : [...ring, first]
}

/** Twice the signed area (shoelace); positive when counter-clockwise in a y-up plane. */
function signedArea2(ring: Ring): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!
    const b = ring[i + 1]!
    sum += a[0]! * b[1]! - b[0]! * a[1]!
  }
  return sum
}

/** The parts of one record: outer rings clockwise, holes counter-clockwise. */
function shapeParts(geometry: Polygon | MultiPolygon): Ring[] {
  const parts: Ring[] = []
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((input, index) => {
      const ring = closed(input)
      if (ring.length < 4) throw new RangeError(`polygon ring ${index + 1} has fewer than 4 points`)
      const clockwise = signedArea2(ring) < 0
      const wantClockwise = index === 0
      parts.push(clockwise === wantClockwise ? ring : [...ring].reverse())
    })
  }
  return parts
}

interface Box {
  xmin: number
  ymin: number
  xmax: number
  ymax: number
}

function boxOf(rings: Ring[]): Box {
  const box = { xmin: Infinity, ymin: Infinity, xmax: -Infinity, ymax: -Infinity }
  for (const ring of rings) {
    for (const p of ring) {
      const x = p[0]!
      const y = p[1]!
      if (!Number.isFinite(x) || !Number.isFinite(y))
        throw new RangeError(`coordinate is not finite: ${x}, ${y}`)
      if (x < box.xmin) box.xmin = x
      if (x > box.xmax) box.xmax = x
      if (y < box.ymin) box.ymin = y
      if (y > box.ymax) box.ymax = y
    }
  }
  return box
}

function writeShapes(geometries: readonly (Polygon | MultiPolygon | null)[]): {
  shp: Uint8Array
  shx: Uint8Array
} {
  const records: { parts: Ring[]; box: Box | null; bytes: number }[] = geometries.map((geometry, i) => {
    if (!geometry) return { parts: [], box: null, bytes: 4 }
    let parts: Ring[]
    try {
      parts = shapeParts(geometry)
    } catch (error) {
      throw new RangeError(`feature ${i + 1}: ${(error as Error).message}`, { cause: error })
    }
    const points = parts.reduce((n, r) => n + r.length, 0)
    return { parts, box: boxOf(parts), bytes: 44 + 4 * parts.length + 16 * points }
  })

  const shpLength = HEADER_BYTES + records.reduce((n, r) => n + 8 + r.bytes, 0)
  const shxLength = HEADER_BYTES + 8 * records.length
  const shp = new DataView(new ArrayBuffer(shpLength))
  const shx = new DataView(new ArrayBuffer(shxLength))

  const boxes = records.map((r) => r.box).filter((b): b is Box => b !== null)
  const fileBox: Box = boxes.length
    ? {
        xmin: Math.min(...boxes.map((b) => b.xmin)),
        ymin: Math.min(...boxes.map((b) => b.ymin)),
        xmax: Math.max(...boxes.map((b) => b.xmax)),
        ymax: Math.max(...boxes.map((b) => b.ymax)),
      }
    : { xmin: 0, ymin: 0, xmax: 0, ymax: 0 }
  writeMainHeader(shp, shpLength, fileBox)
  writeMainHeader(shx, shxLength, fileBox)

  let offset = HEADER_BYTES
  records.forEach((record, i) => {
    shx.setInt32(HEADER_BYTES + 8 * i, offset / 2, false)
    shx.setInt32(HEADER_BYTES + 8 * i + 4, record.bytes / 2, false)
    shp.setInt32(offset, i + 1, false)
    shp.setInt32(offset + 4, record.bytes / 2, false)
    let o = offset + 8
    if (!record.box) {
      shp.setInt32(o, SHAPE_NULL, true)
    } else {
      shp.setInt32(o, SHAPE_POLYGON, true)
      shp.setFloat64(o + 4, record.box.xmin, true)
      shp.setFloat64(o + 12, record.box.ymin, true)
      shp.setFloat64(o + 20, record.box.xmax, true)
      shp.setFloat64(o + 28, record.box.ymax, true)
      shp.setInt32(o + 36, record.parts.length, true)
      shp.setInt32(
        o + 40,
        record.parts.reduce((n, r) => n + r.length, 0),
        true,
      )
      o += 44
      let start = 0
      for (const ring of record.parts) {
        shp.setInt32(o, start, true)
        o += 4
        start += ring.length
      }
      for (const ring of record.parts) {
        for (const p of ring) {
          shp.setFloat64(o, p[0]!, true)
          shp.setFloat64(o + 8, p[1]!, true)
          o += 16
        }
      }
    }
    offset += 8 + record.bytes
  })
  return { shp: new Uint8Array(shp.buffer), shx: new Uint8Array(shx.buffer) }
}

function writeMainHeader(view: DataView, byteLength: number, box: Box): void {
  view.setInt32(0, FILE_CODE, false)
  view.setInt32(24, byteLength / 2, false)
  view.setInt32(28, VERSION, true)
  view.setInt32(32, SHAPE_POLYGON, true)
  view.setFloat64(36, box.xmin, true)
  view.setFloat64(44, box.ymin, true)
  view.setFloat64(52, box.xmax, true)
  view.setFloat64(60, box.ymax, true)
  // Z and M ranges (68–99) stay 0 for a 2D polygon file.
}

// ---------------------------------------------------------------------------------------------------
// .dbf

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,9}$/

function checkFields(fields: readonly DbfField[]): void {
  if (fields.length === 0) throw new RangeError('a dBASE table needs at least one field')
  const seen = new Set<string>()
  for (const f of fields) {
    if (!FIELD_NAME.test(f.name)) {
      throw new RangeError(`field name "${f.name}" must be 1–10 ASCII letters, digits or underscores`)
    }
    const upper = f.name.toUpperCase()
    if (seen.has(upper)) throw new RangeError(`field name "${f.name}" is used twice`)
    seen.add(upper)
    const max = f.type === 'C' ? 254 : 20
    if (!Number.isInteger(f.length) || f.length < 1 || f.length > max) {
      throw new RangeError(`field ${f.name}: length ${f.length} is outside 1–${max} for type ${f.type}`)
    }
    const decimals = f.decimals ?? 0
    if (f.type === 'N' && (decimals < 0 || decimals > 15 || decimals >= f.length)) {
      throw new RangeError(`field ${f.name}: ${decimals} decimals do not fit a width of ${f.length}`)
    }
  }
}

function encodeText(text: string, encoding: DbfEncoding): Uint8Array {
  return encoding === 'gbk' ? new Uint8Array(iconv.encode(text, 'gbk')) : new TextEncoder().encode(text)
}

/** Encodes a character value, cutting it at a character boundary so that it fits `length` bytes. */
function characterValue(value: string, length: number, encoding: DbfEncoding): Uint8Array {
  let bytes = encodeText(value, encoding)
  if (bytes.length > length) {
    const chars = Array.from(value)
    while (chars.length && bytes.length > length) {
      chars.pop()
      bytes = encodeText(chars.join(''), encoding)
    }
  }
  return bytes
}

function numericValue(value: number, field: DbfField, row: number): string {
  if (!Number.isFinite(value))
    throw new RangeError(`row ${row + 1}, field ${field.name}: ${value} is not a number`)
  const text = value.toFixed(field.decimals ?? 0)
  if (text.length > field.length) {
    throw new RangeError(
      `row ${row + 1}, field ${field.name}: ${text} does not fit a width of ${field.length}`,
    )
  }
  return text.padStart(field.length, ' ')
}

function writeDbf(
  rows: readonly Record<string, DbfValue>[],
  fields: readonly DbfField[],
  encoding: DbfEncoding,
  lastUpdate: { year: number; month: number; day: number },
): Uint8Array {
  checkFields(fields)
  const headerLength = 32 + 32 * fields.length + 1
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0)
  const bytes = new Uint8Array(headerLength + recordLength * rows.length + 1)
  const view = new DataView(bytes.buffer)

  bytes[0] = 0x03
  bytes[1] = lastUpdate.year - 1900
  bytes[2] = lastUpdate.month
  bytes[3] = lastUpdate.day
  view.setUint32(4, rows.length, true)
  view.setUint16(8, headerLength, true)
  view.setUint16(10, recordLength, true)
  bytes[29] = encoding === 'gbk' ? LDID_GBK : LDID_NONE

  fields.forEach((f, i) => {
    const o = 32 + 32 * i
    for (let j = 0; j < f.name.length; j++) bytes[o + j] = f.name.charCodeAt(j)
    bytes[o + 11] = f.type.charCodeAt(0)
    bytes[o + 16] = f.length
    bytes[o + 17] = f.type === 'N' ? (f.decimals ?? 0) : 0
  })
  bytes[headerLength - 1] = 0x0d

  const space = 0x20
  rows.forEach((row, r) => {
    let o = headerLength + r * recordLength
    bytes[o++] = space // not deleted
    for (const f of fields) {
      bytes.fill(space, o, o + f.length)
      const value = row[f.name]
      if (value !== null && value !== undefined) {
        if (f.type === 'C') {
          bytes.set(characterValue(String(value), f.length, encoding), o)
        } else {
          const num = typeof value === 'number' ? value : Number(value)
          const text = numericValue(num, f, r)
          for (let j = 0; j < text.length; j++) bytes[o + j] = text.charCodeAt(j)
        }
      }
      o += f.length
    }
  })
  bytes[bytes.length - 1] = 0x1a
  return bytes
}

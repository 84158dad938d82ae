/**
 * Newline-delimited GeoJSON (GeoJSONSeq, RFC 8142: `.geojsonl`, `.geojsons`, `.ndjson`): one Feature
 * per line, the form reference layers of a million polygons come in (GDAL writes it, so does
 * `npm run sample-data -- --scale N`). Unlike the whole-file readers of `gis/formats`, this one reads
 * line by line as the import consumes features, so a 300 MB file never sits in memory.
 *
 * `openGeoJsonSeq` reads ahead the first features (`head`) to learn the attribute names and to give the
 * CRS detection a sample; `features()` then yields every feature, head first, as the file is read.
 * Features come out as the readers' `RawFeature` (coordinates as in the file). A line that is not JSON
 * makes the whole file unreadable (`UnreadableUpload`, as a broken GeoJSON does): the import is one
 * transaction, so nothing of it is kept. A line that is JSON but no usable polygon feature becomes a
 * feature without geometry and a `reason`, for the import to report and skip.
 *
 * Text is UTF-8 (RFC 8259) unless the caller names another encoding; a record separator (0x1E, RFC 8142)
 * or a byte-order mark at the start of a line, and blank lines, are ignored.
 *
 * Pure: no database, no HTTP. It belongs beside the other readers in `gis/formats/` (left there for
 * the lead to move: `gis/` is not edited by the layer import work).
 */
import fs from 'node:fs'
import readline from 'node:readline'
import { Readable } from 'node:stream'
import iconv from 'iconv-lite'
import { userEncoding } from '../../gis/formats/encoding'
import { checkDeadline, checkFeatureCount, DEADLINE_STRIDE } from '../../gis/formats/limits'
import { unreadable } from '../../gis/formats/messages'
import type { PolygonCoords, Position, RawFeature, ReadLimits, Ring } from '../../gis/formats/types'

const EXTENSIONS = ['.geojsonl', '.geojsons', '.geojsonseq', '.ndjson']

/** Whether a file name says newline-delimited GeoJSON. */
export function isGeoJsonSeq(name: string): boolean {
  const lower = name.toLowerCase()
  return EXTENSIONS.some((ext) => lower.endsWith(ext))
}

/** Why a feature of the file has no usable geometry, in both languages. */
export interface SkipReason {
  en: string
  zh: string
}

export interface SeqFeature extends RawFeature {
  /** Set when the line holds no usable polygon (the geometry is then null). */
  skipped?: SkipReason
}

export interface GeoJsonSeqReader {
  name: string
  encoding: string | null
  /** The first features of the file, read ahead. */
  head: SeqFeature[]
  /** Every feature, the head first, as the file is read (closes the file at the end). */
  features(): AsyncGenerator<SeqFeature>
  /** Closes the file without reading on. */
  close(): void
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function attributeValue(value: Json): string | number | boolean | null {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value
  return JSON.stringify(value)
}

const NOT_POSITIONS: SkipReason = {
  en: 'malformed coordinates: positions must be arrays of two finite numbers',
  zh: '坐标结构有误：每个坐标应为两个有限数字组成的数组',
}

/** A polygon's rings as 2-D positions, or null when they are not arrays of finite number pairs. */
function polygon(value: Json | undefined): PolygonCoords | null {
  if (!Array.isArray(value) || value.length === 0) return null
  const rings: Ring[] = []
  for (const r of value) {
    if (!Array.isArray(r)) return null
    const ring: Ring = new Array(r.length)
    for (let i = 0; i < r.length; i++) {
      const p = r[i]
      if (!Array.isArray(p) || p.length < 2) return null
      const x = p[0]
      const y = p[1]
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y))
        return null
      ring[i] = [x, y] as Position
    }
    rings.push(ring)
  }
  return rings
}

/** One parsed line as a feature. */
function toFeature(index: number, value: Json): SeqFeature {
  const feature: SeqFeature = {
    index,
    parcelNo: null,
    name: null,
    landUse: null,
    landClassCode: null,
    declaredAreaM2: null,
    attributes: {},
    geometry: null,
    vertexCount: 0,
  }
  if (!isObject(value) || value.type !== 'Feature') {
    const type = isObject(value) ? String(value.type ?? '—') : Array.isArray(value) ? 'array' : typeof value
    feature.skipped = {
      en: `the line is not a Feature (type ${type})`,
      zh: `该行不是 Feature（type 为 ${type}）`,
    }
    return feature
  }
  if (isObject(value.properties)) {
    for (const [key, v] of Object.entries(value.properties)) feature.attributes[key] = attributeValue(v)
  }
  const g = value.geometry
  if (g === null || g === undefined) {
    feature.skipped = { en: 'no geometry', zh: '没有几何' }
    return feature
  }
  if (!isObject(g) || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
    const type = isObject(g) ? String(g.type) : typeof g
    feature.skipped = {
      en: `a ${type}, not a Polygon or MultiPolygon`,
      zh: `几何为 ${type}，不是面（Polygon/MultiPolygon）`,
    }
    return feature
  }
  let polygons: PolygonCoords[] | null = []
  if (g.type === 'Polygon') {
    const p = polygon(g.coordinates)
    polygons = p ? [p] : null
  } else if (Array.isArray(g.coordinates)) {
    for (const member of g.coordinates) {
      const p = polygon(member)
      if (!p) {
        polygons = null
        break
      }
      polygons.push(p)
    }
  } else polygons = null
  if (!polygons) {
    feature.skipped = NOT_POSITIONS
    return feature
  }
  feature.geometry = polygons
  for (const p of polygons) for (const r of p) feature.vertexCount += r.length
  return feature
}

/** 1-based column of a JSON.parse error in a line. */
function errorColumn(message: string, line: string): number {
  const at = /position (\d+)/.exec(message)
  return (at ? Number(at[1]) : line.length) + 1
}

/**
 * Opens a GeoJSONSeq file (from disk by `path`, or already in memory as `bytes`) and reads its first
 * `headCount` features. Throws `UnreadableUpload` for an unknown encoding, a line that is not JSON, text
 * that is not UTF-8 (without an encoding), more features than `limits.maxFeatures`, or the deadline.
 */
export async function openGeoJsonSeq(
  source: { name: string; path?: string; bytes?: Uint8Array },
  options: { encoding?: string; limits: ReadLimits; headCount?: number },
): Promise<GeoJsonSeqReader> {
  const { name } = source
  const { limits } = options
  let encoding: string | null = null
  if (options.encoding !== undefined && options.encoding.trim() !== '') {
    encoding = userEncoding(options.encoding)
    if (!encoding) throw unreadable('encoding.unknown', { encoding: options.encoding })
  }
  const raw = source.path
    ? fs.createReadStream(source.path, { highWaterMark: 1 << 20 })
    : Readable.from([Buffer.from(source.bytes ?? new Uint8Array())])
  const input =
    encoding && encoding !== 'utf-8' && encoding !== 'utf8' ? raw.pipe(iconv.decodeStream(encoding)) : raw
  const lines = readline.createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]()

  let lineNo = 0
  let index = 0
  /** The next feature of the file, or null at its end. */
  async function next(): Promise<SeqFeature | null> {
    for (;;) {
      const step = await lines.next()
      if (step.done) return null
      lineNo++
      let line = step.value
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1)
      if (line.charCodeAt(0) === 0x1e) line = line.slice(1)
      if (line.trim() === '') continue
      if (encoding === null) {
        const bad = line.indexOf('\ufffd')
        if (bad >= 0) {
          throw unreadable('geojson.invalid_utf8', {
            file: name,
            line: lineNo,
            column: bad + 1,
            hint: '',
            hintZh: '',
          })
        }
      }
      let value: Json
      try {
        value = JSON.parse(line) as Json
      } catch (error) {
        const message = (error as Error).message
        throw unreadable('geojson.invalid_json', {
          file: name,
          line: lineNo,
          column: errorColumn(message, line),
          reason: message.replace(/ in JSON at position \d+.*$/, '').slice(0, 120),
        })
      }
      if (index % DEADLINE_STRIDE === 0) checkDeadline(limits, name)
      checkFeatureCount(limits, index + 1, name)
      return toFeature(index++, value)
    }
  }

  const head: SeqFeature[] = []
  const headCount = options.headCount ?? 1000
  try {
    while (head.length < headCount) {
      const f = await next()
      if (!f) break
      head.push(f)
    }
  } catch (error) {
    raw.destroy()
    throw error
  }

  return {
    name,
    encoding,
    head,
    async *features() {
      try {
        yield* head
        for (let f = await next(); f; f = await next()) yield f
      } finally {
        raw.destroy()
      }
    },
    close: () => raw.destroy(),
  }
}

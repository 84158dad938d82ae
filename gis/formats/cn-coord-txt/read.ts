/**
 * Reads the national boundary-coordinate exchange file (坐标交换文件; `./write.ts` shows the layout).
 *
 * - Encoding: a byte-order mark decides (UTF-8 or UTF-16); else text that is valid UTF-8 is UTF-8,
 *   anything else GBK (what the Windows survey tools write); the user can force one. Lines that do
 *   not decode cleanly are reported.
 * - Line ends CRLF, LF or CR. Full-width punctuation typed with a Chinese input method (，＝＠［］
 *   and full-width digits) is read as ASCII with one warning for the file; a full-width comma only
 *   separates fields on a line that has no ASCII comma, so a name such as “城东，二期” on an
 *   ASCII-separated line keeps its comma.
 * - `[属性描述]` key=value lines go to `crsHints.coordTxtHeader` as they are.
 * - `[地块坐标]`: a parcel line `点数,面积(公顷),地块编号,地块名称,面,图幅号,用途,地类编码,@`
 *   (9 to 13 fields up to the `@`; the ones after 地类编码 are kept as attributes 属性9…), then point
 *   lines `点号,圈号,X,Y` where X is the northing and Y the easting, so each position is [Y, X].
 * - Rings: points with the same 圈号 in sequence form a ring, which closes by repeating its first
 *   point. An unclosed ring is closed with a warning: in this format the repeated first point is the
 *   convention, so adding it changes nothing but the bytes. Ring 1 is the outer ring; a later ring
 *   inside an outer ring is its hole, one outside every outer ring is another part of the parcel
 *   (point-in-polygon test on its first vertex not on the boundary), with a warning.
 * - Declared point count and area are compared with the data (warnings). The area is compared only
 *   when the coordinates are projected (not degrees): then the planar area of the coordinates is
 *   what a surveyor computes on the Gauss-Krüger plane, so the tolerance is tight (1 m² or 0.1%).
 */
import { decode, decodeLines, hasNonAscii, isUtf8, REPLACEMENT, userEncoding } from '../encoding'
import { checkDeadline, checkFeatureCount, checkVertexCount, DEADLINE_STRIDE } from '../limits'
import { FindingList, unreadable } from '../messages'
import { M2_PER_HECTARE, type AttributeValue } from '../fields'
import type { InputFile, PolygonCoords, Position, RawFeature, ReadOptions, ReadResult, Ring } from '../types'

/** Declared and computed areas agree within this many m² … */
export const AREA_TOLERANCE_M2 = 1
/** … or this fraction of the computed area, whichever is larger. */
export const AREA_TOLERANCE_RATIO = 0.001

const HEADER_SECTION = '属性描述'
const PARCEL_SECTION = '地块坐标'
/** Attribute names of the parcel-line fields, in order (the standard's own names). */
const PARCEL_FIELDS = [
  '界址点数',
  '地块面积',
  '地块编号',
  '地块名称',
  '记录图形属性',
  '图幅号',
  '地块用途',
  '地类编码',
]

interface Decoded {
  lines: string[]
  encoding: string
  source: NonNullable<ReadResult['encodingSource']>
}

const split = (text: string) => text.split(/\r\n|\n|\r/)

function decodeFile(bytes: Uint8Array, options: ReadOptions): Decoded {
  if (options.encoding !== undefined && options.encoding.trim() !== '') {
    const encoding = userEncoding(options.encoding)
    if (!encoding) throw unreadable('encoding.unknown', { encoding: options.encoding })
    return { lines: split(decode(bytes, encoding).replace(/^\ufeff/, '')), encoding, source: 'user' }
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { lines: split(decode(bytes.subarray(3), 'utf-8')), encoding: 'utf-8', source: 'bom' }
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { lines: split(decode(bytes.subarray(2), 'utf-16le')), encoding: 'utf-16le', source: 'bom' }
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { lines: split(decode(bytes.subarray(2), 'utf-16be')), encoding: 'utf-16be', source: 'bom' }
  }
  if (!hasNonAscii(bytes))
    return { lines: split(decode(bytes, 'utf-8')), encoding: 'utf-8', source: 'default' }
  if (isUtf8(bytes)) return { lines: split(decode(bytes, 'utf-8')), encoding: 'utf-8', source: 'detected' }
  return { lines: decodeLines(bytes, 'gbk'), encoding: 'gbk', source: 'detected' }
}

/** Whether decoded text looks like a boundary-coordinate file (for format detection). */
export function looksLikeCoordTxt(text: string): boolean {
  if (/[[［【]\s*(属性描述|地块坐标)\s*[\]］】]/.test(text.slice(0, 4096))) return true
  const lines = text
    .slice(0, 4096)
    .split(/\r\n|\n|\r/)
    .map((l) => l.trim())
    .filter(Boolean)
  return (
    lines.length >= 2 &&
    /[,，]\s*[@＠]\s*[,，]?$/.test(lines[0]!) &&
    /^[^,]*,\s*\d+\s*,\s*-?[\d.]+\s*,\s*-?[\d.]+\s*$/.test(lines[1]!)
  )
}

// ---------------------------------------------------------------------------------------------------
// full-width forms

/** Full-width digits, Latin letters, `.`, `-`, `+` and the ideographic space → ASCII. */
function asciiForms(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (
      (c >= 0xff10 && c <= 0xff19) ||
      (c >= 0xff21 && c <= 0xff3a) ||
      (c >= 0xff41 && c <= 0xff5a) ||
      c === 0xff0e ||
      c === 0xff0d ||
      c === 0xff0b
    ) {
      out += String.fromCharCode(c - 0xfee0)
    } else if (c === 0x3000) {
      out += ' '
    } else {
      out += text[i]
    }
  }
  return out
}

const FULLWIDTH_HINT = /[\uff01-\uff5e\u3000【】]/
const SECTION = /^[[［【]\s*(.+?)\s*[\]］】]$/

function hasFullwidth(value: string): boolean {
  return FULLWIDTH_HINT.test(value)
}

/**
 * Splits a data line into trimmed fields (into `values`), reading full-width separators where the
 * line uses them. Returns whether full-width forms were read as ASCII.
 */
function splitFields(line: string, values: string[]): boolean {
  let normalised = false
  let separator = ','
  if (!line.includes(',') && line.includes('，')) {
    separator = '，'
    normalised = true
  }
  const parts = line.split(separator)
  values.length = parts.length
  for (let i = 0; i < parts.length; i++) {
    let v = parts[i]!.trim()
    // The end mark.
    if (v === '＠') {
      v = '@'
      normalised = true
    }
    values[i] = v
  }
  return normalised
}

/** A number field (NaN when empty or not a number); full-width digits are read as ASCII. */
function numberOf(value: string): number {
  const n = value === '' ? Number.NaN : Number(value)
  if (!Number.isNaN(n) || !FULLWIDTH_HINT.test(value)) return n
  const ascii = asciiForms(value).trim()
  return ascii === '' ? Number.NaN : Number(ascii)
}

/** The number in line[start, end) without copying more than needed; NaN when blank or not a number. */
function numberAt(line: string, start: number, end: number): number {
  const text = line.slice(start, end)
  const n = Number(text)
  return n === 0 && text.trim() === '' ? Number.NaN : n
}

function numberOrNull(value: string | undefined): number | null {
  const n = numberOf(value ?? '')
  return Number.isFinite(n) ? n : null
}

// ---------------------------------------------------------------------------------------------------
// geometry helpers

/** Twice the signed planar area of a closed ring. */
function signedArea2(ring: Ring): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++)
    sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1]
  return sum
}

/** 1 inside, -1 outside, 0 on the boundary (even-odd rule). */
function pointInRing(point: Position, ring: Ring): number {
  const [x, y] = point
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi)
    if (
      cross === 0 &&
      Math.min(xi, xj) <= x &&
      x <= Math.max(xi, xj) &&
      Math.min(yi, yj) <= y &&
      y <= Math.max(yi, yj)
    ) {
      return 0
    }
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside ? 1 : -1
}

/** Whether `ring` lies inside `outer`, judged by its first vertex that is not on the boundary. */
function ringInside(ring: Ring, outer: Ring): boolean {
  for (const point of ring) {
    const at = pointInRing(point, outer)
    if (at !== 0) return at > 0
  }
  return true
}

// ---------------------------------------------------------------------------------------------------

interface PointLine {
  ring: number
  x: number
  y: number
  line: number
}

interface ParcelBlock {
  index: number
  line: number
  values: string[]
  points: PointLine[]
  /** Whether the parcel line itself is broken (too few fields, bad numbers): already reported. */
  broken: boolean
}

/** Reads a boundary-coordinate file (see the module header). */
export function readCoordTxt(file: InputFile, options: ReadOptions): ReadResult {
  const { limits } = options
  const findings = new FindingList()
  const decoded = decodeFile(file.bytes, options)
  const lines = decoded.lines

  const header: Record<string, string> = {}
  let sawHeaderSection = false
  let sawParcelSection = false
  let section: 'none' | 'header' | 'parcels' | 'unknown' = 'none'
  let fullwidthLines = 0
  let firstFullwidth = 0
  const blocks: ParcelBlock[] = []
  let current: ParcelBlock | null = null
  let vertices = 0

  let lastFullwidth = 0
  const noteFullwidth = (lineNo: number) => {
    if (lineNo === lastFullwidth) return
    lastFullwidth = lineNo
    fullwidthLines++
    if (firstFullwidth === 0) firstFullwidth = lineNo
  }

  const values: string[] = []
  for (let i = 0; i < lines.length; i++) {
    if (i % DEADLINE_STRIDE === 0) checkDeadline(limits, file.name)
    const lineNo = i + 1
    const line = lines[i]!.trim()
    if (line === '') continue
    if (line.includes(REPLACEMENT)) {
      findings.add('coordtxt.decode_error', { file: file.name, line: lineNo, encoding: decoded.encoding })
    }

    // Section lines: [属性描述], ［地块坐标］, 【地块坐标】.
    const first = line.charCodeAt(0)
    const sectionMatch = first === 0x5b || first === 0xff3b || first === 0x3010 ? SECTION.exec(line) : null
    if (sectionMatch) {
      if (!/^\[.*\]$/.test(line)) noteFullwidth(lineNo)
      const name = sectionMatch[1]!
      if (name === HEADER_SECTION) {
        section = 'header'
        sawHeaderSection = true
      } else if (name === PARCEL_SECTION) {
        section = 'parcels'
        sawParcelSection = true
      } else {
        section = 'unknown'
        findings.add('coordtxt.unknown_section', { file: file.name, line: lineNo, section: line })
      }
      continue
    }

    if (section === 'header') {
      let at = line.indexOf('=')
      if (at < 0) {
        at = line.indexOf('＝')
        if (at >= 0) noteFullwidth(lineNo)
      }
      if (at <= 0) {
        findings.add('coordtxt.bad_header_line', { file: file.name, line: lineNo, text: line.slice(0, 80) })
        continue
      }
      const value = line.slice(at + 1).trim()
      const ascii = FULLWIDTH_HINT.test(value) ? asciiForms(value).replace(/，/g, ',') : value
      if (ascii !== value) noteFullwidth(lineNo)
      header[line.slice(0, at).trim()] = ascii
      continue
    }
    if (section === 'unknown') continue

    // The common case first: an ASCII point line "name,ring,X,Y" of the current parcel.
    if (current !== null && section === 'parcels') {
      const c1 = line.indexOf(',')
      const c2 = c1 < 0 ? -1 : line.indexOf(',', c1 + 1)
      const c3 = c2 < 0 ? -1 : line.indexOf(',', c2 + 1)
      if (c3 > 0 && line.indexOf(',', c3 + 1) < 0) {
        const ring = numberAt(line, c1 + 1, c2)
        const x = numberAt(line, c2 + 1, c3)
        const y = numberAt(line, c3 + 1, line.length)
        if (Number.isInteger(ring) && ring >= 1 && Number.isFinite(x) && Number.isFinite(y)) {
          current.points.push({ ring, x, y, line: lineNo })
          vertices++
          if (vertices % DEADLINE_STRIDE === 0) checkVertexCount(limits, vertices, file.name)
          continue
        }
      }
    }

    const normalised = splitFields(line, values)
    const atMark = values.indexOf('@')
    if (section === 'none') {
      // Parcels without a [地块坐标] line: start reading them at the first parcel line.
      if (atMark < 0) {
        findings.add('coordtxt.stray_line', { file: file.name, line: lineNo, text: line.slice(0, 80) })
        continue
      }
      section = 'parcels'
    }
    if (normalised) noteFullwidth(lineNo)

    if (atMark >= 0) {
      const count = atMark + 1
      current = {
        index: blocks.length,
        line: lineNo,
        values: values.slice(0, atMark),
        points: [],
        broken: false,
      }
      blocks.push(current)
      checkFeatureCount(limits, blocks.length, file.name)
      if (count < 9 || count > 13) {
        findings.add(
          'coordtxt.parcel_fields',
          { file: file.name, line: lineNo, count },
          { featureIndex: current.index },
        )
        current.broken = count < 9
      }
      continue
    }

    if (values.length === 4 || (values.length > 4 && values.slice(4).every((v) => v === ''))) {
      if (!current) {
        findings.add('coordtxt.point_before_parcel', { file: file.name, line: lineNo })
        continue
      }
      const ring = numberOf(values[1]!)
      const x = numberOf(values[2]!)
      const y = numberOf(values[3]!)
      if (Number.isInteger(ring) && ring >= 1 && Number.isFinite(x) && Number.isFinite(y)) {
        if (
          !normalised &&
          (hasFullwidth(values[1]!) || hasFullwidth(values[2]!) || hasFullwidth(values[3]!))
        ) {
          noteFullwidth(lineNo)
        }
        current.points.push({ ring, x, y, line: lineNo })
        vertices++
        if (vertices % DEADLINE_STRIDE === 0) checkVertexCount(limits, vertices, file.name)
        continue
      }
      const [what, whatZh, value] = !(Number.isInteger(ring) && ring >= 1)
        ? ['ring number (圈号)', '圈号', values[1]!]
        : !Number.isFinite(x)
          ? ['X (northing)', 'X 坐标', values[2]!]
          : ['Y (easting)', 'Y 坐标', values[3]!]
      findings.add(
        'coordtxt.bad_number',
        { file: file.name, line: lineNo, what, whatZh, value },
        { featureIndex: current.index, parcelNo: current.values[2] || null },
      )
      continue
    }

    findings.add(
      'coordtxt.bad_line',
      { file: file.name, line: lineNo, text: line.slice(0, 80) },
      current ? { featureIndex: current.index } : {},
    )
  }
  checkVertexCount(limits, vertices, file.name)

  if (fullwidthLines > 0) {
    findings.add('coordtxt.fullwidth', { file: file.name, count: fullwidthLines, line: firstFullwidth })
  }
  if (!sawHeaderSection) findings.add('coordtxt.no_header_section', { file: file.name })
  if (blocks.length === 0) {
    // Neither section nor parcel line: this text is not a boundary-coordinate file at all.
    if (!sawHeaderSection && !sawParcelSection) throw unreadable('upload.unknown_format', { file: file.name })
    throw unreadable('coordtxt.no_parcels', { file: file.name })
  }

  const features = blocks.map((block) => parcelFeature(block, file.name, findings))
  return {
    format: 'cn-coord-txt',
    layer: null,
    layers: [],
    encoding: decoded.encoding,
    encodingSource: decoded.source,
    crsHints: { coordTxtHeader: sawHeaderSection ? header : null },
    features,
    findings: findings.done(),
  }
}

function parcelFeature(block: ParcelBlock, file: string, findings: FindingList): RawFeature {
  const v = block.values
  const parcelNo = textField(v, 2)
  const where = { featureIndex: block.index, parcelNo }
  const line = block.line

  // Attributes under the standard's names; numbers where they are numbers.
  const attributes: Record<string, AttributeValue> = {}
  for (let i = 0; i < v.length; i++)
    attributes[PARCEL_FIELDS[i] ?? `属性${i + 1}`] = v[i] === '' ? null : v[i]!
  const declaredCount = numberOrNull(v[0])
  const areaHa = numberOrNull(v[1])
  if ((v[0] ?? '') !== '') {
    if (declaredCount === null || !Number.isInteger(declaredCount)) {
      findings.add(
        'coordtxt.bad_number',
        { file, line, what: 'point count (界址点数)', whatZh: '界址点数', value: v[0]! },
        where,
      )
    } else attributes[PARCEL_FIELDS[0]!] = declaredCount
  }
  if ((v[1] ?? '') !== '') {
    if (areaHa === null) {
      findings.add(
        'coordtxt.bad_number',
        { file, line, what: 'area (地块面积)', whatZh: '地块面积', value: v[1]! },
        where,
      )
    } else attributes[PARCEL_FIELDS[1]!] = areaHa
  }
  const declaredAreaM2 = areaHa === null ? null : Math.round(areaHa * M2_PER_HECTARE * 1e6) / 1e6

  const feature: RawFeature = {
    index: block.index,
    parcelNo,
    name: textField(v, 3),
    landUse: textField(v, 6),
    landClassCode: textField(v, 7),
    declaredAreaM2,
    attributes,
    geometry: null,
    vertexCount: block.points.length,
  }

  const shape = textField(v, 4)
  if (shape !== null && shape !== '面' && !/^polygon$/i.test(shape)) {
    findings.add('coordtxt.not_polygon', { line, shape }, where)
    return feature
  }
  if (block.points.length === 0) {
    if (!block.broken) findings.add('coordtxt.no_points', { line }, where)
    return feature
  }
  if (declaredCount !== null && Number.isInteger(declaredCount) && declaredCount !== block.points.length) {
    findings.add(
      'coordtxt.point_count_mismatch',
      { line, declared: declaredCount, actual: block.points.length },
      where,
    )
  }

  // Rings in sequence; each as [easting, northing] = [Y, X].
  const rings: { number: number; line: number; ring: Ring }[] = []
  let ring: Ring | null = null
  let ringNumber = 0
  let closed = false
  for (const p of block.points) {
    const position: Position = [p.y, p.x]
    const startsNew = ring === null || p.ring !== ringNumber || closed
    if (startsNew) {
      if (ring !== null && p.ring === ringNumber && closed) {
        findings.add('coordtxt.ring_reused', { ring: ringNumber, line: rings[rings.length - 1]!.line }, where)
      }
      ring = [position]
      ringNumber = p.ring
      closed = false
      rings.push({ number: p.ring, line: p.line, ring })
      continue
    }
    ring!.push(position)
    const first = ring![0]!
    closed = ring!.length >= 4 && first[0] === position[0] && first[1] === position[1]
  }

  let valid = true
  for (const r of rings) {
    const first = r.ring[0]!
    const last = r.ring[r.ring.length - 1]!
    if (r.ring.length < 2 || first[0] !== last[0] || first[1] !== last[1]) {
      findings.add(
        'coordtxt.ring_unclosed',
        { ring: r.number, line: r.line },
        { ...where, sourceLocation: first },
      )
      r.ring.push([first[0], first[1]])
    }
    const distinct = distinctPoints(r.ring, 3)
    if (distinct < 3) {
      findings.add(
        'coordtxt.ring_too_short',
        { ring: r.number, line: r.line, count: distinct },
        { ...where, sourceLocation: first },
      )
      valid = false
    }
  }

  // Ring 1 is the outer ring; later rings are holes of the part they lie in, or parts of their own.
  const polygons: PolygonCoords[] = []
  for (const r of rings) {
    const host = polygons.find((polygon) => ringInside(r.ring, polygon[0]!))
    if (host && polygons.length > 0) host.push(r.ring)
    else {
      if (polygons.length > 0)
        findings.add('coordtxt.ring_outside', { ring: r.number }, { ...where, sourceLocation: r.ring[0]! })
      polygons.push([r.ring])
    }
  }
  feature.geometry = polygons

  // Declared area against the planar area, for projected coordinates only.
  const projected = rings.every((r) => r.ring.every(([x, y]) => Math.abs(x) > 360 || Math.abs(y) > 360))
  if (valid && projected && declaredAreaM2 !== null) {
    let computed = 0
    for (const polygon of polygons) {
      polygon.forEach((r, i) => {
        computed += ((i === 0 ? 1 : -1) * Math.abs(signedArea2(r))) / 2
      })
    }
    const tolerance = Math.max(AREA_TOLERANCE_M2, AREA_TOLERANCE_RATIO * computed)
    if (Math.abs(declaredAreaM2 - computed) > tolerance) {
      findings.add(
        'coordtxt.area_mismatch',
        {
          line,
          declaredHa: areaHa,
          declaredM2: round2(declaredAreaM2),
          computedM2: round2(computed),
          percent: computed > 0 ? round2(((declaredAreaM2 - computed) / computed) * 100) : '∞',
        },
        where,
      )
    }
  }
  return feature
}

function textField(values: string[], i: number): string | null {
  const s = values[i] ?? ''
  return s === '' ? null : s
}

/** How many distinct points a closed ring has, counting up to `enough`. */
function distinctPoints(ring: Ring, enough: number): number {
  const found: Position[] = []
  for (let i = 0; i + 1 < ring.length && found.length < enough; i++) {
    const p = ring[i]!
    if (!found.some((q) => q[0] === p[0] && q[1] === p[1])) found.push(p)
  }
  return found.length
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}

/**
 * Reads the attribute table of a shapefile: a dBASE III/IV or FoxPro `.dbf` file.
 *
 * Layout: a 32-byte header (version, last update, record count, header length, record length,
 * language driver at byte 29), 32-byte field descriptors up to a 0x0D terminator (FoxPro adds a
 * 263-byte backlink, which the header length covers), then fixed-width records, each starting with
 * a deletion flag ('*' = deleted), and an optional 0x1A end mark. Field types read: C (text),
 * N and F (numbers written as text), D (date YYYYMMDD), L (logical), I (32-bit integer), O and
 * FoxPro's B (double), Y (currency), T (date-time), + (auto-increment). Memo and binary fields
 * (M, G, P, W, B in dBASE) live in other files and are left out with a warning. As in shapelib, a
 * C field's length byte is extended by its decimal-count byte (FoxPro's long text fields).
 *
 * Text is decoded with the encoding resolved in this order: the user's choice; the `.cpg` when it
 * names a code page; the language-driver byte; else the content (UTF-8 or GBK, see `./encoding`),
 * with a warning. Whatever the choice, a value that does not decode cleanly (a U+FFFD replacement
 * character) is reported with its field and record, so no mojibake passes silently; and a table
 * declared in a single-byte Western code page whose bytes read as Chinese gets a warning too.
 *
 * Records keep their file positions: a deleted record is `null` in `rows`, so row i still belongs
 * to shape i.
 */
import { unreadable, FindingList } from '../messages'
import {
  decode,
  decodeMany,
  hasNonAscii,
  isMultiByte,
  isUtf8,
  LDID_ANSI,
  LDID_ENCODINGS,
  parseCodePageName,
  readsAsChinese,
  REPLACEMENT,
  userEncoding,
} from '../encoding'
import { checkDeadline, checkFeatureCount, DEADLINE_STRIDE } from '../limits'
import type { AttributeValue } from '../fields'
import type { Finding } from '../../findings'
import type { ReadLimits, ReadResult } from '../types'

export interface DbfColumn {
  name: string
  type: string
  length: number
  decimals: number
  /** Byte offset inside a record (after the deletion flag). */
  offset: number
}

export type DbfRow = Record<string, AttributeValue>

export interface DbfTable {
  /** The columns that were read, in file order. */
  columns: DbfColumn[]
  /** One entry per record in file order; null for a record marked deleted. */
  rows: (DbfRow | null)[]
  encoding: string
  encodingSource: NonNullable<ReadResult['encodingSource']>
  findings: Finding[]
}

export interface DbfOptions {
  /** The .dbf's name, for messages. */
  file: string
  /** User override (e.g. 'gbk'). */
  encoding?: string
  /** The .cpg file, when there is one. */
  cpg?: { file: string; bytes: Uint8Array } | null
  /** Picks the parcel-number column among the column names, so findings can name the parcel. */
  parcelNoColumn?: (names: string[]) => string | null
  limits: ReadLimits
}

/** Thrown when the table's structure cannot be read at all. */
export class DbfStructureError extends Error {
  constructor(
    message: string,
    /** The same in Chinese. */
    readonly zh: string,
  ) {
    super(message)
  }
}

const READABLE = new Set(['C', 'N', 'F', 'D', 'L', 'I', 'O', 'Y', 'T', '+'])
/** FoxPro versions, in which B is a double rather than a dBASE binary memo. */
const FOXPRO = new Set([0x30, 0x31, 0x32, 0xf5, 0xfb])

interface Header {
  version: number
  recordCount: number
  headerLength: number
  recordLength: number
  ldid: number
  /** Field descriptors with raw names, all types. */
  fields: { rawName: Uint8Array; type: string; length: number; decimals: number; offset: number }[]
}

function readHeader(bytes: Uint8Array): Header {
  if (bytes.length < 32)
    throw new DbfStructureError(
      `only ${bytes.length} bytes, shorter than a dBASE header`,
      `只有 ${bytes.length} 字节，不足 dBASE 文件头`,
    )
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const version = bytes[0]!
  const recordCount = view.getUint32(4, true)
  const headerLength = view.getUint16(8, true)
  const recordLength = view.getUint16(10, true)
  if (headerLength < 33 || recordLength < 1) {
    throw new DbfStructureError(
      `header length ${headerLength} or record length ${recordLength} is impossible`,
      `文件头长度 ${headerLength} 或记录长度 ${recordLength} 不合理`,
    )
  }
  const fields: Header['fields'] = []
  let offset = 1
  for (let o = 32; o + 32 <= Math.min(headerLength, bytes.length); o += 32) {
    if (bytes[o] === 0x0d) break
    const nameEnd = bytes.subarray(o, o + 11).indexOf(0)
    const rawName = bytes.subarray(o, o + (nameEnd < 0 ? 11 : nameEnd))
    const type = String.fromCharCode(bytes[o + 11]!).toUpperCase()
    let length = bytes[o + 16]!
    let decimals = bytes[o + 17]!
    if (type === 'C') {
      length += decimals * 256
      decimals = 0
    }
    fields.push({ rawName, type, length, decimals, offset })
    offset += length
  }
  if (fields.length === 0) throw new DbfStructureError('it declares no fields', '没有声明任何字段')
  if (offset > recordLength) {
    throw new DbfStructureError(
      `its fields take ${offset} bytes but a record is only ${recordLength} bytes`,
      `字段共占 ${offset} 字节，但每条记录只有 ${recordLength} 字节`,
    )
  }
  return { version, recordCount, headerLength, recordLength, ldid: bytes[29]!, fields }
}

/** Start and end of a value without leading and trailing spaces and NULs. */
function trimmed(bytes: Uint8Array, start: number, end: number): [number, number] {
  while (start < end && (bytes[start] === 0x20 || bytes[start] === 0)) start++
  while (end > start && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--
  return [start, end]
}

/** Every non-blank text value (and non-ASCII field name) as byte ranges, for encoding detection. */
function* textValues(
  bytes: Uint8Array,
  header: Header,
  records: number,
): Generator<{ start: number; end: number; field: number; record: number }> {
  const text = header.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.type === 'C')
  for (let r = 0; r < records; r++) {
    const base = header.headerLength + r * header.recordLength
    if (bytes[base] === 0x2a) continue
    for (const { f, i } of text) {
      const [start, end] = trimmed(bytes, base + f.offset, base + f.offset + f.length)
      if (start < end && hasNonAscii(bytes, start, end)) yield { start, end, field: i, record: r }
    }
  }
}

interface Resolved {
  encoding: string
  source: DbfTable['encodingSource']
}

function resolveEncoding(
  bytes: Uint8Array,
  header: Header,
  records: number,
  options: DbfOptions,
  findings: FindingList,
): Resolved {
  if (options.encoding !== undefined && options.encoding.trim() !== '') {
    const encoding = userEncoding(options.encoding)
    if (!encoding) throw unreadable('encoding.unknown', { encoding: options.encoding })
    return { encoding, source: 'user' }
  }

  // What the table declares without the .cpg, to name the fallback in a .cpg warning.
  const ldidEncoding = LDID_ENCODINGS.get(header.ldid) ?? null
  const fallback = ldidEncoding
    ? {
        zh: `语言驱动字节（0x${hex(header.ldid)}）所示的 ${ldidEncoding}`,
        en: `${ldidEncoding} from the language-driver byte (0x${hex(header.ldid)})`,
      }
    : { zh: '按内容判断的编码', en: 'the encoding judged from the content' }

  if (options.cpg) {
    const raw = decode(options.cpg.bytes, 'utf-8').replace(/^\ufeff/, '')
    const value = raw.split(/\r?\n/)[0]!.trim()
    const parsed = parseCodePageName(value)
    if (parsed.kind === 'encoding') return { encoding: parsed.encoding, source: 'cpg' }
    findings.add(parsed.kind === 'unspecific' ? 'dbf.cpg_unspecific' : 'dbf.cpg_unknown', {
      cpg: options.cpg.file,
      value: value.slice(0, 60),
      fallback: fallback.en,
      fallbackZh: fallback.zh,
    })
  }

  if (ldidEncoding) return { encoding: ldidEncoding, source: 'ldid' }

  // Nothing declared (LDID 0 or unknown) or ESRI's unspecific "ANSI" (0x57): the content decides.
  let nonAscii = 0
  let utf8 = 0
  for (const v of textValues(bytes, header, records)) {
    nonAscii++
    if (isUtf8(bytes, v.start, v.end, true)) utf8++
  }
  for (const f of header.fields) {
    if (hasNonAscii(f.rawName)) {
      nonAscii++
      if (isUtf8(f.rawName)) utf8++
    }
  }
  const why =
    header.ldid === LDID_ANSI
      ? {
          zh: '（语言驱动字节 0x57 只表示“系统默认代码页”）',
          en: ' (language-driver byte 0x57 only means "the system code page")',
        }
      : {
          zh: `（${options.cpg ? '.cpg 未指明代码页' : '没有 .cpg'}，语言驱动字节为 0x${hex(header.ldid)}）`,
          en: ` (${options.cpg ? 'its .cpg names no code page' : 'no .cpg'}, language-driver byte 0x${hex(header.ldid)})`,
        }
  if (nonAscii === 0) {
    // Plain ASCII: every candidate reads it the same.
    return header.ldid === LDID_ANSI
      ? { encoding: 'windows-1252', source: 'ldid' }
      : { encoding: 'utf-8', source: 'default' }
  }
  let encoding: string
  if (utf8 === nonAscii) {
    encoding = 'utf-8'
  } else if (header.ldid === LDID_ANSI && !gbkReadsWell(bytes, header, records)) {
    encoding = 'windows-1252'
  } else {
    encoding = 'gbk'
  }
  findings.add('dbf.encoding_detected', { file: options.file, encoding, why: why.en, whyZh: why.zh })
  return { encoding, source: 'detected' }
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0')
}

function gbkReadsWell(bytes: Uint8Array, header: Header, records: number): boolean {
  let seen = 0
  for (const v of textValues(bytes, header, records)) {
    const text = decode(bytes.subarray(v.start, v.end), 'gbk')
    if (text.includes(REPLACEMENT) || !readsAsChinese(text, true)) return false
    if (++seen >= 1000) break
  }
  return true
}

const CHINESE = new Set(['gbk', 'gb18030', 'big5', 'big5hkscs'])

/** Values looked at by the plausibility check after decoding (the first ones of the table). */
const PLAUSIBILITY_SAMPLE = 1000

/**
 * After decoding: does the table read as plausible text in the chosen encoding? A single-byte
 * Western code page decodes any bytes, so Chinese text hiding in it is looked for (most values
 * being valid UTF-8, or reading as Chinese in GBK); a multi-byte code page other than UTF-8 (whose
 * failures show as replacement characters) is doubted when many values do not read as Chinese.
 */
function checkPlausible(
  bytes: Uint8Array,
  header: Header,
  names: string[],
  records: number,
  resolved: Resolved,
  options: DbfOptions,
  findings: FindingList,
): void {
  if (resolved.source === 'user' || resolved.encoding === 'utf-8') return
  const singleByte = !isMultiByte(resolved.encoding)
  // Of the multi-byte code pages only the Chinese ones can be judged by reading as Chinese.
  if (!singleByte && !CHINESE.has(resolved.encoding)) return
  let sampled = 0
  let odd = 0
  let first: { field: number; record: number; sample: string; likely: string } | null = null
  for (const v of textValues(bytes, header, records)) {
    if (++sampled > PLAUSIBILITY_SAMPLE) break
    const raw = bytes.subarray(v.start, v.end)
    if (singleByte) {
      const gbk = decode(raw, 'gbk')
      const likely = isUtf8(raw)
        ? 'utf-8'
        : !gbk.includes(REPLACEMENT) && readsAsChinese(gbk, true)
          ? 'gbk'
          : null
      if (likely) {
        odd++
        first ??= { field: v.field, record: v.record, sample: '', likely }
      }
    } else {
      const text = decode(raw, resolved.encoding)
      const simplified = !resolved.encoding.startsWith('big5')
      if (!text.includes(REPLACEMENT) && !readsAsChinese(text, simplified)) {
        odd++
        first ??= { field: v.field, record: v.record, sample: text.slice(0, 40), likely: '' }
      }
    }
  }
  sampled = Math.min(sampled, PLAUSIBILITY_SAMPLE)
  if (!first || odd < Math.max(1, sampled * (singleByte ? 0.5 : 0.2))) return
  const where = {
    file: options.file,
    encoding: resolved.encoding,
    field: names[first.field]!,
    record: first.record + 1,
  }
  if (singleByte) {
    const source =
      resolved.source === 'cpg' ? '.cpg' : resolved.source === 'ldid' ? 'language-driver byte' : 'content'
    const sourceZh =
      resolved.source === 'cpg' ? ' .cpg ' : resolved.source === 'ldid' ? '语言驱动字节' : '内容'
    findings.add('dbf.encoding_suspect', { ...where, likely: first.likely, source, sourceZh })
  } else {
    findings.add('dbf.encoding_doubtful', { ...where, sample: first.sample })
  }
}

/** Reads a .dbf file. Throws `DbfStructureError` when its structure is unreadable. */
export function readDbf(bytes: Uint8Array, options: DbfOptions): DbfTable {
  const findings = new FindingList()
  const header = readHeader(bytes)
  const available = Math.max(0, Math.floor((bytes.length - header.headerLength) / header.recordLength))
  let records = Math.min(header.recordCount, available)
  // An end mark where a record should start ends the table early.
  for (let r = 0; r < records; r++) {
    if (bytes[header.headerLength + r * header.recordLength] === 0x1a) {
      records = r
      break
    }
  }
  if (records < header.recordCount) {
    findings.add('dbf.truncated', { file: options.file, declared: header.recordCount, actual: records })
  }
  checkFeatureCount(options.limits, records, options.file)

  const resolved = resolveEncoding(bytes, header, records, options, findings)
  const encoding = resolved.encoding
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

  // Column names, decoded like the values; duplicates (ignoring case) get a suffix.
  const names: string[] = []
  const seen = new Set<string>()
  for (const f of header.fields) {
    let name = decode(f.rawName, encoding).trim()
    if (name === '') name = `FIELD${names.length + 1}`
    if (seen.has(name.toUpperCase())) {
      let k = 2
      while (seen.has(`${name}_${k}`.toUpperCase())) k++
      findings.add('dbf.duplicate_field', { file: options.file, field: name, renamed: `${name}_${k}` })
      name = `${name}_${k}`
    }
    seen.add(name.toUpperCase())
    names.push(name)
  }

  const columns: DbfColumn[] = []
  const readers: { name: string; start: number; end: number; type: string; decimals: number }[] = []
  header.fields.forEach((f, i) => {
    const type = f.type === 'B' && FOXPRO.has(header.version) ? 'O' : f.type
    if (!READABLE.has(type)) {
      if (type !== '0')
        findings.add('dbf.field_ignored', { file: options.file, field: names[i]!, type: f.type })
      return
    }
    columns.push({ name: names[i]!, type, length: f.length, decimals: f.decimals, offset: f.offset })
    readers.push({ name: names[i]!, start: f.offset, end: f.offset + f.length, type, decimals: f.decimals })
  })

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const parcelNoColumn = options.parcelNoColumn?.(columns.map((c) => c.name)) ?? null
  // Records are read DEADLINE_STRIDE at a time as one Latin-1 string: ASCII values are slices of it
  // (cheap in V8; one string per block keeps clear of V8's string length limit on huge tables), and
  // non-ASCII text values are collected and decoded in batches afterwards (see `decodeMany`).
  let latin1 = ''
  let latin1Start = 0
  const textRows: DbfRow[] = []
  const textFields: string[] = []
  const textRecords: number[] = []
  const textStarts: number[] = []
  const textEnds: number[] = []
  const badNumbers: { record: number; field: string; value: string }[] = []

  const rows: (DbfRow | null)[] = new Array(records)
  for (let r = 0; r < records; r++) {
    const base = header.headerLength + r * header.recordLength
    if (r % DEADLINE_STRIDE === 0) {
      checkDeadline(options.limits, options.file)
      latin1Start = base
      latin1 = buffer.toString(
        'latin1',
        base,
        Math.min(bytes.length, base + DEADLINE_STRIDE * header.recordLength),
      )
    }
    if (bytes[base] === 0x2a) {
      rows[r] = null
      continue
    }
    const row: DbfRow = {}
    for (const c of readers) {
      const from = base + c.start
      const to = base + c.end
      let value: AttributeValue = null
      switch (c.type) {
        case 'C': {
          const [s, e] = trimmed(bytes, from, to)
          if (s === e) value = ''
          else if (!hasNonAscii(bytes, s, e)) value = latin1.slice(s - latin1Start, e - latin1Start)
          else {
            textRows.push(row)
            textFields.push(c.name)
            textRecords.push(r)
            textStarts.push(s)
            textEnds.push(e)
            value = ''
          }
          break
        }
        case 'N':
        case 'F': {
          const [s, e] = trimmed(bytes, from, to)
          if (s === e) break
          const text = latin1.slice(s - latin1Start, e - latin1Start)
          const n = Number(text)
          if (Number.isFinite(n)) value = n
          else if (/^[*?]+$/.test(text)) value = null
          else {
            const comma = Number(text.replace(',', '.'))
            if (Number.isFinite(comma)) value = comma
            else badNumbers.push({ record: r, field: c.name, value: text.slice(0, 40) })
          }
          break
        }
        case 'D': {
          const [s, e] = trimmed(bytes, from, to)
          if (s === e) break
          const text = latin1.slice(s - latin1Start, e - latin1Start)
          if (/^0+$/.test(text)) break
          value = /^\d{8}$/.test(text) ? `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}` : text
          break
        }
        case 'L': {
          const ch = bytes[from]
          if (ch === 0x54 || ch === 0x74 || ch === 0x59 || ch === 0x79) value = true
          else if (ch === 0x46 || ch === 0x66 || ch === 0x4e || ch === 0x6e) value = false
          break
        }
        case 'I':
        case '+':
          if (c.end - c.start >= 4) value = view.getInt32(from, true)
          break
        case 'O':
          if (c.end - c.start >= 8) value = view.getFloat64(from, true)
          break
        case 'Y':
          if (c.end - c.start >= 8) value = Number(view.getBigInt64(from, true)) / 10_000
          break
        case 'T': {
          if (c.end - c.start < 8) break
          const julian = view.getInt32(from, true)
          const ms = view.getInt32(from + 4, true)
          if (julian > 0) value = new Date((julian - 2440588) * 86_400_000 + ms).toISOString()
          break
        }
      }
      row[c.name] = value
    }
    rows[r] = row
  }

  // Non-ASCII text, decoded in batches; every value that does not decode cleanly is reported.
  const decoded = decodeMany(bytes, textStarts, textEnds, encoding)
  for (let i = 0; i < decoded.length; i++) textRows[i]![textFields[i]!] = decoded[i]!
  const parcelNoOf = (r: number): string | null => {
    const no = parcelNoColumn === null ? null : rows[r]?.[parcelNoColumn]
    return no === null || no === undefined || no === '' ? null : String(no)
  }
  for (let i = 0; i < decoded.length; i++) {
    if (!decoded[i]!.includes(REPLACEMENT)) continue
    const r = textRecords[i]!
    findings.add(
      'dbf.decode_error',
      { file: options.file, field: textFields[i]!, record: r + 1, encoding, value: decoded[i]!.slice(0, 60) },
      { featureIndex: r, parcelNo: parcelNoOf(r) },
    )
  }
  for (const bad of badNumbers) {
    findings.add(
      'dbf.bad_number',
      { file: options.file, field: bad.field, record: bad.record + 1, value: bad.value },
      { featureIndex: bad.record, parcelNo: parcelNoOf(bad.record) },
    )
  }
  checkPlausible(bytes, header, names, records, resolved, options, findings)
  return { columns, rows, encoding, encodingSource: resolved.source, findings: findings.done() }
}

/**
 * Text encodings of uploaded files: the names a `.cpg` file or a user may give, the dBASE
 * language-driver byte (LDID), and telling UTF-8 from GBK by content.
 *
 * Chinese land data comes in three flavours. Tables written by ArcGIS on a Chinese Windows are GBK
 * (code page 936) and say so with LDID 0x4D or 0x7A, or with a `.cpg` such as "936" or "OEM 936";
 * tables from QGIS and GDAL are mostly UTF-8 with a `.cpg` saying "UTF-8"; and many tables from
 * smaller tools say nothing at all. For those, content decides: text that is valid UTF-8 and holds
 * multi-byte sequences is UTF-8 (GBK text is almost never valid UTF-8), anything else is read as
 * GBK and checked for plausibility. Decoding itself is iconv-lite's.
 *
 * The LDID table follows the dBASE IV / Visual FoxPro language-driver list as ArcGIS reads it
 * (ESRI technical article 21106, and GDAL's shapefile driver). 0x57 is ESRI's "ANSI", meaning the
 * Windows code page of whoever wrote the file: on a Chinese system that is GBK, so 0x57 is treated
 * as unknown and the content decides, with cp1252 as the fallback.
 */
import { isUtf8 as isUtf8Native } from 'node:buffer'
import iconv from 'iconv-lite'

/** Encodings whose characters take several bytes (where decoding can fail or split a character). */
const MULTI_BYTE = new Set(['utf-8', 'gbk', 'gb18030', 'big5', 'big5hkscs', 'shift_jis', 'cp949', 'euc-jp'])

export function isMultiByte(encoding: string): boolean {
  return MULTI_BYTE.has(encoding)
}

/** dBASE language-driver IDs (header byte 29) → encoding; 0x57 ("ANSI") is deliberately absent. */
export const LDID_ENCODINGS: ReadonlyMap<number, string> = new Map([
  [0x01, 'cp437'], // US MS-DOS
  [0x02, 'cp850'], // International MS-DOS
  [0x03, 'windows-1252'], // Windows ANSI Latin-1
  [0x04, 'macintosh'], // Standard Macintosh
  [0x08, 'cp865'], // Danish OEM
  [0x09, 'cp437'], // Dutch OEM
  [0x0a, 'cp850'], // Dutch OEM*
  [0x0b, 'cp437'], // Finnish OEM
  [0x0d, 'cp437'], // French OEM
  [0x0e, 'cp850'], // French OEM*
  [0x0f, 'cp437'], // German OEM
  [0x10, 'cp850'], // German OEM*
  [0x11, 'cp437'], // Italian OEM
  [0x12, 'cp850'], // Italian OEM*
  [0x13, 'shift_jis'], // Japanese Shift-JIS
  [0x14, 'cp850'], // Spanish OEM*
  [0x15, 'cp437'], // Swedish OEM
  [0x16, 'cp850'], // Swedish OEM*
  [0x17, 'cp865'], // Norwegian OEM
  [0x18, 'cp437'], // Spanish OEM
  [0x19, 'cp437'], // English OEM (Britain)
  [0x1a, 'cp850'], // English OEM (Britain)*
  [0x1b, 'cp437'], // English OEM (US)
  [0x1c, 'cp863'], // French OEM (Canada)
  [0x1d, 'cp850'], // French OEM*
  [0x1f, 'cp852'], // Czech OEM
  [0x22, 'cp852'], // Hungarian OEM
  [0x23, 'cp852'], // Polish OEM
  [0x24, 'cp860'], // Portuguese OEM
  [0x25, 'cp850'], // Portuguese OEM*
  [0x26, 'cp866'], // Russian OEM
  [0x37, 'cp850'], // English OEM (US)*
  [0x40, 'cp852'], // Romanian OEM
  [0x4d, 'gbk'], // Chinese GBK (PRC), code page 936
  [0x4e, 'cp949'], // Korean (ANSI/OEM)
  [0x4f, 'big5'], // Chinese Big5 (Taiwan), code page 950
  [0x50, 'windows-874'], // Thai (ANSI/OEM)
  [0x58, 'windows-1252'], // Western European ANSI
  [0x59, 'windows-1252'], // Spanish ANSI
  [0x64, 'cp852'], // Eastern European MS-DOS
  [0x65, 'cp866'], // Russian MS-DOS
  [0x66, 'cp865'], // Nordic MS-DOS
  [0x67, 'cp861'], // Icelandic MS-DOS
  [0x6a, 'cp737'], // Greek MS-DOS (437G)
  [0x6b, 'cp857'], // Turkish MS-DOS
  [0x6c, 'cp863'], // French-Canadian MS-DOS
  [0x78, 'big5'], // Taiwan Big5 (Visual FoxPro)
  [0x79, 'cp949'], // Hangul Wansung
  [0x7a, 'gbk'], // PRC GBK (what ArcGIS writes for code page 936)
  [0x7b, 'shift_jis'], // Japanese Shift-JIS
  [0x7c, 'windows-874'], // Thai Windows/MS-DOS
  [0x86, 'cp737'], // Greek OEM
  [0x87, 'cp852'], // Slovenian OEM
  [0x88, 'cp857'], // Turkish OEM
  [0x96, 'maccyrillic'], // Russian Macintosh
  [0x97, 'maccenteuro'], // Eastern European Macintosh
  [0x98, 'macgreek'], // Greek Macintosh
  [0xc8, 'windows-1250'], // Eastern European Windows
  [0xc9, 'windows-1251'], // Russian Windows
  [0xca, 'windows-1254'], // Turkish Windows
  [0xcb, 'windows-1253'], // Greek Windows
  [0xcc, 'windows-1257'], // Baltic Windows
])

/** ESRI's LDID for "the writer's Windows ANSI code page" (unspecific). */
export const LDID_ANSI = 0x57

/** Windows/IBM code-page numbers → encoding. */
const CODE_PAGES: ReadonlyMap<number, string> = new Map([
  [437, 'cp437'],
  [737, 'cp737'],
  [775, 'cp775'],
  [850, 'cp850'],
  [852, 'cp852'],
  [855, 'cp855'],
  [857, 'cp857'],
  [860, 'cp860'],
  [861, 'cp861'],
  [862, 'cp862'],
  [863, 'cp863'],
  [864, 'cp864'],
  [865, 'cp865'],
  [866, 'cp866'],
  [869, 'cp869'],
  [874, 'windows-874'],
  [932, 'shift_jis'],
  [936, 'gbk'],
  [949, 'cp949'],
  [950, 'big5'],
  [1250, 'windows-1250'],
  [1251, 'windows-1251'],
  [1252, 'windows-1252'],
  [1253, 'windows-1253'],
  [1254, 'windows-1254'],
  [1255, 'windows-1255'],
  [1256, 'windows-1256'],
  [1257, 'windows-1257'],
  [1258, 'windows-1258'],
  [10000, 'macintosh'],
  [20866, 'koi8-r'],
  [21866, 'koi8-u'],
  [54936, 'gb18030'],
  [65001, 'utf-8'],
])

/** Names (upper case, without spaces, dashes and underscores) → encoding. */
const NAMES: ReadonlyMap<string, string> = new Map([
  ['UTF8', 'utf-8'],
  ['GBK', 'gbk'],
  ['GB2312', 'gbk'],
  ['GB231280', 'gbk'],
  ['EUCCN', 'gbk'],
  ['CHINESE', 'gbk'],
  ['GB18030', 'gb18030'],
  ['BIG5', 'big5'],
  ['BIG5HKSCS', 'big5hkscs'],
  ['SHIFTJIS', 'shift_jis'],
  ['SJIS', 'shift_jis'],
  ['EUCJP', 'euc-jp'],
  ['EUCKR', 'cp949'],
  ['KSC5601', 'cp949'],
  ['KOI8R', 'koi8-r'],
  ['KOI8U', 'koi8-u'],
  ['LATIN1', 'iso-8859-1'],
  ['ASCII', 'utf-8'],
  ['USASCII', 'utf-8'],
])

/** Words that name "the system's code page" without saying which: a `.cpg` with only these is unspecific. */
const UNSPECIFIC = new Set(['ANSI', 'OEM', 'SYSTEM', 'DEFAULT', 'ACP', 'OEMCP'])

export type CodePageName =
  { kind: 'encoding'; encoding: string } | { kind: 'unspecific' } | { kind: 'unknown' }

/**
 * What a code-page name means: "UTF-8", "65001", "GBK", "936", "CP936", "OEM 936", "ANSI 1252",
 * "GB2312", "GB18030", "Big5", "950", "1250", "88591" (ESRI's ISO 8859-1), "ISO-8859-5" …
 */
export function parseCodePageName(text: string): CodePageName {
  const compact = text
    .trim()
    .toUpperCase()
    .replace(/[\s_\-.]+/g, '')
  if (compact === '') return { kind: 'unknown' }
  if (UNSPECIFIC.has(compact)) return { kind: 'unspecific' }
  const named = NAMES.get(compact)
  if (named) return { kind: 'encoding', encoding: named }
  const iso = /^(?:ISO)?8859(\d{1,2})$/.exec(compact)
  if (iso) {
    const part = Number(iso[1])
    const name = `iso-8859-${part}`
    return part >= 1 && part <= 16 && iconv.encodingExists(name)
      ? { kind: 'encoding', encoding: name }
      : { kind: 'unknown' }
  }
  const numbered = /^(?:CP|WINDOWS|WIN|ANSI|OEM|MS|IBM|CODEPAGE)?(\d{3,5})$/.exec(compact)
  if (numbered) {
    const page = Number(numbered[1])
    if (page >= 28591 && page <= 28606) return parseCodePageName(`8859${page - 28590}`)
    const encoding = CODE_PAGES.get(page)
    return encoding ? { kind: 'encoding', encoding } : { kind: 'unknown' }
  }
  return { kind: 'unknown' }
}

/** The encoding a user asked for, or null when iconv-lite cannot decode it. */
export function userEncoding(name: string): string | null {
  const parsed = parseCodePageName(name)
  if (parsed.kind === 'encoding') return parsed.encoding
  const plain = name.trim().toLowerCase()
  return plain !== '' && iconv.encodingExists(plain) ? plain : null
}

/** Whether bytes[start, end) hold a byte ≥ 0x80. */
export function hasNonAscii(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  for (let i = start; i < end; i++) if (bytes[i]! >= 0x80) return true
  return false
}

/**
 * Where bytes[start, end) stop being well-formed UTF-8 (no overlong forms, no surrogates): the offset
 * of the first bad sequence, or -1 when all is well. With `allowCutEnd`, a multi-byte character cut
 * off at the very end counts as well-formed: writers that fill fixed-width dBASE fields byte by byte
 * leave such cuts.
 */
export function utf8ErrorAt(bytes: Uint8Array, start = 0, end = bytes.length, allowCutEnd = false): number {
  let i = start
  while (i < end) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    let min: number
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1
      min = 0x80
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2
      min = 0x800
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3
      min = 0x10000
    } else {
      return i
    }
    let cp = b & (0x3f >> need)
    for (let k = 1; k <= need; k++) {
      if (i + k >= end) return allowCutEnd ? -1 : i
      const c = bytes[i + k]!
      if ((c & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (c & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += need + 1
  }
  return -1
}

/** Whether bytes[start, end) are well-formed UTF-8 (see `utf8ErrorAt`). */
export function isUtf8(bytes: Uint8Array, start = 0, end = bytes.length, allowCutEnd = false): boolean {
  // Whole buffers go through Node's native check (a JS loop over a 20 MB file is measurable).
  if (start === 0 && end === bytes.length && !allowCutEnd && bytes.length > 4096) return isUtf8Native(bytes)
  return utf8ErrorAt(bytes, start, end, allowCutEnd) < 0
}

/** Decodes bytes with iconv-lite (UTF-8 through Node's own decoder). */
export function decode(bytes: Uint8Array, encoding: string): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return encoding === 'utf-8' ? buffer.toString('utf8') : iconv.decode(buffer, encoding)
}

export const REPLACEMENT = '\ufffd'

/**
 * Splits bytes of an ASCII-compatible encoding (UTF-8, GBK, Big5 …) into lines (CRLF, LF or CR) and
 * decodes them: lines of pure ASCII directly, the others in batches through the codec. A coordinate
 * file is mostly ASCII digits, and pushing all of it through iconv-lite's GBK decoder cost more
 * than the rest of the reading.
 */
export function decodeLines(bytes: Uint8Array, encoding: string): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // LF or CRLF; a file without any LF has classic Mac CR line ends.
  const eol = bytes.indexOf(0x0a) < 0 ? 0x0d : 0x0a
  const lines: string[] = []
  const slots: number[] = []
  const starts: number[] = []
  const ends: number[] = []
  // ASCII lines are slices of Latin-1 strings of up to 16 MiB (one string per chunk, not per line).
  let chunk = ''
  let chunkStart = 0
  let chunkEnd = 0
  for (let start = 0; start <= bytes.length;) {
    let next = bytes.indexOf(eol, start)
    if (next < 0) next = bytes.length
    const end = eol === 0x0a && next > start && bytes[next - 1] === 0x0d ? next - 1 : next
    if (hasNonAscii(bytes, start, end)) {
      slots.push(lines.length)
      starts.push(start)
      ends.push(end)
      lines.push('')
    } else {
      if (end > chunkEnd) {
        chunkStart = start
        chunkEnd = Math.min(bytes.length, start + Math.max(LINE_CHUNK, end - start))
        chunk = buffer.toString('latin1', chunkStart, chunkEnd)
      }
      lines.push(chunk.slice(start - chunkStart, end - chunkStart))
    }
    start = next + 1
  }
  const decoded = decodeMany(bytes, starts, ends, encoding)
  for (let k = 0; k < slots.length; k++) lines[slots[k]!] = decoded[k]!
  return lines
}

const LINE_CHUNK = 16 * 1024 * 1024

/** Values decoded per call of the codec in `decodeMany`. */
const BATCH = 4096

/**
 * Decodes many short byte ranges of one buffer: batches of them joined by NUL bytes go through the
 * codec in one call and are split again. A NUL is never part of a multi-byte character in any
 * encoding used here, so the split is exact; if a range holds a NUL itself or the decoder swallows
 * one after a broken sequence, the count of pieces differs and that batch is decoded range by range.
 * (One iconv-lite call per value costs about 2 µs, which dominated reading a 100,000-row table.)
 */
export function decodeMany(
  bytes: Uint8Array,
  starts: readonly number[],
  ends: readonly number[],
  encoding: string,
): string[] {
  const out: string[] = new Array(starts.length)
  for (let from = 0; from < starts.length; from += BATCH) {
    const to = Math.min(from + BATCH, starts.length)
    let total = 0
    for (let i = from; i < to; i++) total += ends[i]! - starts[i]! + 1
    const joined = new Uint8Array(total)
    let p = 0
    for (let i = from; i < to; i++) {
      joined.set(bytes.subarray(starts[i]!, ends[i]!), p)
      p += ends[i]! - starts[i]!
      joined[p++] = 0
    }
    const pieces = decode(joined, encoding).split('\0')
    if (pieces.length === to - from + 1) {
      for (let i = from; i < to; i++) out[i] = pieces[i - from]!
    } else {
      for (let i = from; i < to; i++) out[i] = decode(bytes.subarray(starts[i]!, ends[i]!), encoding)
    }
  }
  return out
}

let gb2312: Set<number> | null = null

/** The 6,763 hanzi of GB 2312 (GBK bytes B0A1–F7FE): the characters everyday Chinese text uses. */
function gb2312Hanzi(): Set<number> {
  if (gb2312) return gb2312
  const bytes: number[] = []
  for (let lead = 0xb0; lead <= 0xf7; lead++)
    for (let trail = 0xa1; trail <= 0xfe; trail++) bytes.push(lead, trail)
  const text = iconv.decode(Buffer.from(bytes), 'gbk')
  gb2312 = new Set<number>()
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== 0xfffd) gb2312.add(text.charCodeAt(i))
  return gb2312
}

/**
 * Whether decoded text reads like Chinese (or plain Western) text rather than mojibake: of its
 * non-ASCII characters at least 90% are CJK ideographs, CJK or full-width punctuation, or common
 * symbols (㎡, °, ×, ·, “”). With `simplified` (text decoded as GBK), at least 80% of the
 * ideographs must also be among the common hanzi of GB 2312: UTF-8 bytes read as GBK give rare
 * ideographs from GBK's extension areas ("城东" becomes "鍩庝笢"), which this rejects.
 */
export function readsAsChinese(text: string, simplified = false): boolean {
  let other = 0
  let good = 0
  let hanzi = 0
  let common = 0
  const commonSet = simplified ? gb2312Hanzi() : null
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) continue
    if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) {
      good++
      hanzi++
      if (commonSet?.has(c)) common++
    } else if (
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0xff00 && c <= 0xffef) ||
      (c >= 0x2010 && c <= 0x203b) ||
      c === 0x00b7 ||
      c === 0x00d7 ||
      c === 0x00b0 ||
      c === 0x00b2 ||
      c === 0x00b3 ||
      c === 0x33a1 ||
      c === 0x2103 ||
      (c >= 0x2160 && c <= 0x216b) ||
      (c >= 0x2460 && c <= 0x2473)
    ) {
      good++
    } else {
      other++
    }
  }
  if (other > (good + other) * 0.1) return false
  return !commonSet || common >= hanzi * 0.8
}

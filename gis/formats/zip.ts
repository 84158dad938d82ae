/**
 * Reads zip archives safely: a zip from a county office is a shapefile with its parts, maybe in
 * folders, maybe with a PDF beside it; a zip from an attacker is a bomb or a path-traversal trick.
 *
 * - The central directory is read the way every unzip tool does (it is authoritative: local headers
 *   can be stale), with zip64 sizes and offsets.
 * - Entry names: UTF-8 when the entry's UTF-8 flag (bit 11) is set or it carries an Info-ZIP Unicode
 *   Path field; otherwise the raw bytes are UTF-8 when they are valid UTF-8 with non-ASCII characters
 *   (macOS writes UTF-8 without the flag) and GBK when not (Chinese Windows tools write GBK without
 *   the flag). fflate's `Unzip` decodes names itself and hides the flag, so it cannot do this.
 * - Data is inflated by Node's zlib with `maxOutputLength`: zlib counts the bytes it produces and
 *   stops at the cap, so a header that lies about the uncompressed size cannot make it produce more
 *   than the limits allow (total uncompressed bytes of the archive; compression ratio per entry,
 *   applied above 1 MiB so that small, very compressible files such as a blank .dbf are not
 *   refused). fflate's streaming inflate gives the same guarantee but is about ten times slower,
 *   which mattered for a 100,000-parcel zip (≈ 0.5 s of 24 MB against 0.05 s). The CRC-32 of each
 *   entry is checked, so a damaged archive is not read as silently wrong coordinates.
 * - Absolute paths and `..` segments refuse the whole archive; directories, `__MACOSX/`, `._*`,
 *   `.DS_Store` and `Thumbs.db` are left out.
 */
import buffer from 'node:buffer'
import zlib from 'node:zlib'
import { decode, hasNonAscii, isUtf8 } from './encoding'
import { checkDeadline } from './limits'
import { unreadable } from './messages'
import type { ReadLimits } from './types'

export interface ZipEntry {
  /** Path inside the archive, `/`-separated, decoded. */
  path: string
  /** Uncompressed size the archive declares (the reader does not trust it). */
  size: number
  compressedSize: number
  /** @internal */
  readonly method: number
  /** @internal */
  readonly flags: number
  /** @internal */
  readonly crc: number
  /** @internal */
  readonly localHeaderOffset: number
}

export interface ZipArchive {
  /** The archive's own file name, for messages. */
  name: string
  /** Files in archive order, without directories and operating-system junk. */
  entries: ZipEntry[]
  /** The uncompressed bytes of one entry, counted against the limits of the whole archive. */
  read(entry: ZipEntry): Uint8Array
}

/** An entry passes the ratio check until it has produced this many bytes. */
export const RATIO_CHECK_FLOOR = 1024 * 1024

const SIG_LOCAL = 0x04034b50
const SIG_CENTRAL = 0x02014b50
const SIG_END = 0x06054b50
const SIG_END64 = 0x06064b50
const SIG_END64_LOCATOR = 0x07064b50

/** Whether bytes start like a zip archive (a local file header, or the end record of an empty one). */
export function isZip(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) ||
      (bytes[2] === 0x05 && bytes[3] === 0x06) ||
      (bytes[2] === 0x07 && bytes[3] === 0x08))
  )
}

/** CRC-32 (IEEE 802.3) of bytes, as zip stores it. */
export function crc32(bytes: Uint8Array): number {
  return zlib.crc32(bytes)
}

// ---------------------------------------------------------------------------------------------------

/** Junk that archivers add: macOS resource forks and Finder/Explorer metadata. */
function isJunk(path: string): boolean {
  if (path.startsWith('__MACOSX/')) return true
  const base = path.slice(path.lastIndexOf('/') + 1)
  return (
    base.startsWith('._') ||
    base === '.DS_Store' ||
    base.toLowerCase() === 'thumbs.db' ||
    base.toLowerCase() === 'desktop.ini'
  )
}

function isTraversal(path: string): boolean {
  return (
    path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split('/').some((segment) => segment === '..')
  )
}

function entryName(raw: Uint8Array, flags: number, unicodePath: string | null): string {
  if (flags & 0x800) return decode(raw, 'utf-8')
  if (unicodePath !== null) return unicodePath
  if (!hasNonAscii(raw)) return decode(raw, 'utf-8')
  return isUtf8(raw) ? decode(raw, 'utf-8') : decode(raw, 'gbk')
}

class ZipStructureError extends Error {
  constructor(
    message: string,
    readonly zh: string,
  ) {
    super(message)
  }
}

function findEnd(view: DataView): number {
  const last = view.byteLength - 22
  const first = Math.max(0, last - 0xffff)
  for (let o = last; o >= first; o--) {
    if (view.getUint32(o, true) === SIG_END) return o
  }
  return -1
}

/** Opens an archive: reads its directory and checks every name; data is inflated on `read`. */
export function openZip(bytes: Uint8Array, name: string, limits: ReadLimits): ZipArchive {
  if (!isZip(bytes)) {
    throw unreadable('zip.invalid', {
      file: name,
      reason:
        bytes.length === 0 ? 'the file is empty' : 'it does not start with a zip signature (PK\\x03\\x04)',
      reasonZh: bytes.length === 0 ? '文件是空的' : '文件开头没有 zip 标志（PK\\x03\\x04）',
    })
  }
  let all: ZipEntry[]
  try {
    all = readDirectory(bytes)
  } catch (error) {
    // A directory read past its bounds (a RangeError from DataView) is as damaged as one that says so.
    if (!(error instanceof ZipStructureError) && !(error instanceof RangeError)) throw error
    const reason = error instanceof ZipStructureError ? error.message : 'its central directory is damaged'
    const reasonZh = error instanceof ZipStructureError ? error.zh : '中央目录已损坏'
    throw unreadable('zip.invalid', { file: name, reason, reasonZh })
  }
  for (const entry of all) {
    if (isTraversal(entry.path)) throw unreadable('zip.path_traversal', { file: name, entry: entry.path })
  }
  const entries = all.filter((e) => !e.path.endsWith('/') && !isJunk(e.path))
  if (entries.length === 0) throw unreadable('zip.empty', { file: name })

  let total = 0
  return {
    name,
    entries,
    read(entry: ZipEntry): Uint8Array {
      checkDeadline(limits, name)
      const data = entryData(bytes, entry, name)
      let out: Uint8Array
      if (entry.method === 0) {
        total += data.length
        if (total > limits.maxUncompressedBytes) {
          throw unreadable('zip.too_large', {
            file: name,
            entry: entry.path,
            limit: limits.maxUncompressedBytes,
          })
        }
        out = data
      } else {
        out = inflate(data, entry, name, limits, total)
        total += out.length
      }
      if (crc32(out) !== entry.crc) {
        throw unreadable('zip.corrupt_entry', {
          file: name,
          entry: entry.path,
          reason: 'CRC-32 mismatch',
          reasonZh: 'CRC-32 校验不符',
        })
      }
      return out
    },
  }
}

function readDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const end = view.byteLength >= 22 ? findEnd(view) : -1
  if (end < 0)
    throw new ZipStructureError(
      'its central directory is missing: the file is truncated or damaged',
      '缺少中央目录：文件不完整或已损坏',
    )
  let count = view.getUint16(end + 10, true)
  let cdOffset = view.getUint32(end + 16, true)
  if (count === 0xffff || cdOffset === 0xffffffff) {
    const locator = end - 20
    if (locator >= 0 && view.getUint32(locator, true) === SIG_END64_LOCATOR) {
      const end64 = Number(view.getBigUint64(locator + 8, true))
      if (end64 + 56 > view.byteLength || view.getUint32(end64, true) !== SIG_END64) {
        throw new ZipStructureError('its zip64 end record is damaged', 'zip64 结束记录已损坏')
      }
      count = Number(view.getBigUint64(end64 + 32, true))
      cdOffset = Number(view.getBigUint64(end64 + 48, true))
    }
  }
  const entries: ZipEntry[] = []
  let o = cdOffset
  for (let i = 0; i < count; i++) {
    if (o + 46 > view.byteLength || view.getUint32(o, true) !== SIG_CENTRAL) {
      throw new ZipStructureError(
        `its central directory is damaged at entry ${i + 1}`,
        `中央目录第 ${i + 1} 项已损坏`,
      )
    }
    const flags = view.getUint16(o + 8, true)
    const method = view.getUint16(o + 10, true)
    const crc = view.getUint32(o + 16, true)
    let compressedSize = view.getUint32(o + 20, true)
    let size = view.getUint32(o + 24, true)
    const nameLength = view.getUint16(o + 28, true)
    const extraLength = view.getUint16(o + 30, true)
    const commentLength = view.getUint16(o + 32, true)
    let localHeaderOffset = view.getUint32(o + 42, true)
    const nameStart = o + 46
    const extraStart = nameStart + nameLength
    const next = extraStart + extraLength + commentLength
    if (next > view.byteLength) {
      throw new ZipStructureError(
        `its central directory is damaged at entry ${i + 1}`,
        `中央目录第 ${i + 1} 项已损坏`,
      )
    }
    const raw = bytes.subarray(nameStart, extraStart)
    let unicodePath: string | null = null
    for (let e = extraStart; e + 4 <= extraStart + extraLength;) {
      const id = view.getUint16(e, true)
      const length = view.getUint16(e + 2, true)
      const body = e + 4
      if (body + length > extraStart + extraLength) break
      if (id === 0x0001) {
        let p = body
        if (size === 0xffffffff && p + 8 <= body + length) {
          size = Number(view.getBigUint64(p, true))
          p += 8
        }
        if (compressedSize === 0xffffffff && p + 8 <= body + length) {
          compressedSize = Number(view.getBigUint64(p, true))
          p += 8
        }
        if (localHeaderOffset === 0xffffffff && p + 8 <= body + length) {
          localHeaderOffset = Number(view.getBigUint64(p, true))
        }
      } else if (id === 0x7075 && length >= 5 && bytes[body] === 1) {
        const nameBytes = bytes.subarray(body + 5, body + length)
        if (view.getUint32(body + 1, true) === crc32(raw) && isUtf8(nameBytes)) {
          unicodePath = decode(nameBytes, 'utf-8')
        }
      }
      e = body + length
    }
    const path = entryName(raw, flags, unicodePath).replace(/\\/g, '/')
    entries.push({ path, size, compressedSize, method, flags, crc, localHeaderOffset })
    o = next
  }
  return entries
}

function entryData(bytes: Uint8Array, entry: ZipEntry, name: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const o = entry.localHeaderOffset
  if (o + 30 > bytes.length || view.getUint32(o, true) !== SIG_LOCAL) {
    throw unreadable('zip.corrupt_entry', {
      file: name,
      entry: entry.path,
      reason: 'its local header is missing',
      reasonZh: '缺少本地文件头',
    })
  }
  if (entry.flags & 0x1) throw unreadable('zip.encrypted', { file: name, entry: entry.path })
  if (entry.method !== 0 && entry.method !== 8) {
    const methods: Record<number, string> = {
      9: 'Deflate64',
      12: 'bzip2',
      14: 'LZMA',
      93: 'Zstandard',
      95: 'XZ',
      99: 'AES',
    }
    throw unreadable('zip.unsupported_method', {
      file: name,
      entry: entry.path,
      method: methods[entry.method] ?? `method ${entry.method}`,
    })
  }
  const start = o + 30 + view.getUint16(o + 26, true) + view.getUint16(o + 28, true)
  const end = start + entry.compressedSize
  if (end > bytes.length) {
    throw unreadable('zip.corrupt_entry', {
      file: name,
      entry: entry.path,
      reason: 'its data runs past the end of the file (truncated)',
      reasonZh: '数据超出文件末尾（文件不完整）',
    })
  }
  return bytes.subarray(start, end)
}

/**
 * Inflates one entry, producing at most what the remaining budget and the ratio limit allow: zlib
 * stops at `maxOutputLength`, and which cap was hit decides the message.
 */
function inflate(
  data: Uint8Array,
  entry: ZipEntry,
  name: string,
  limits: ReadLimits,
  used: number,
): Uint8Array {
  const budget = limits.maxUncompressedBytes - used
  const maxRatio = limits.maxCompressionRatio
  const ratioCap = Math.max(RATIO_CHECK_FLOOR, maxRatio * Math.max(1, data.length))
  const cap = Math.min(budget, ratioCap, buffer.constants.MAX_LENGTH)
  try {
    if (cap < 1) throw Object.assign(new RangeError('budget spent'), { code: 'ERR_BUFFER_TOO_LARGE' })
    const out = zlib.inflateRawSync(data, { maxOutputLength: cap })
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      if (ratioCap < budget) {
        throw unreadable('zip.ratio', {
          file: name,
          entry: entry.path,
          limit: maxRatio,
          compressed: data.length,
          produced: cap,
        })
      }
      throw unreadable('zip.too_large', { file: name, entry: entry.path, limit: limits.maxUncompressedBytes })
    }
    throw unreadable('zip.corrupt_entry', {
      file: name,
      entry: entry.path,
      reason: (error as Error).message,
      reasonZh: `解压出错：${(error as Error).message}`,
    })
  }
}

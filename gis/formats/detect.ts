/**
 * Reads an upload whatever its format: picks the reader by content first (a zip's `PK\x03\x04`, the
 * shapefile file code 9994, JSON's opening brace, the text format's `[属性描述]`/`[地块坐标]` or
 * its parcel and point lines) and by extension only where content says nothing, because county
 * staff rename files (`地块.txt` that is GeoJSON, `成果.zip.txt`).
 *
 * A zip is opened once: a shapefile inside is read from it (any folder depth); a zip without a
 * shapefile but with exactly one `.geojson`/`.json` or coordinate `.txt` is read as that file (a
 * readme `.txt` beside it does not count). Several loose files are the parts of one shapefile.
 */
import { decode, isUtf8 } from './encoding'
import { unreadable } from './messages'
import { looksLikeCoordTxt, readCoordTxt } from './cn-coord-txt/read'
import { readGeoJson } from './geojson/read'
import { isShapefilePart, readShapefile, readShapefileParts, zipParts } from './shapefile/read'
import { isZip, openZip } from './zip'
import type { FormatName, InputFile, ReadOptions, ReadResult } from './types'

/** Extensions of files that may sit beside a shapefile and are not data (ArcGIS indexes, metadata). */
const SIDECARS = new Set([
  'sbn',
  'sbx',
  'qix',
  'fix',
  'xml',
  'qpj',
  'qmd',
  'atx',
  'ain',
  'aih',
  'idx',
  'lock',
])

function extension(name: string): string {
  const base = name.slice(name.replace(/\\/g, '/').lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  return dot < 0 ? '' : base.slice(dot + 1).toLowerCase()
}

function isShp(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0x27 && bytes[3] === 0x0a
}

/** The first non-blank character after an optional UTF-8 byte-order mark. */
function firstChar(bytes: Uint8Array): string {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)
  )
    i++
  return i < bytes.length ? String.fromCharCode(bytes[i]!) : ''
}

/** The start of a text as text: UTF-16 by its byte-order mark (Notepad's "Unicode"), UTF-8, or GBK. */
function textStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 4096)
  if (isUtf16(head)) return decode(head.subarray(2), head[0] === 0xff ? 'utf-16le' : 'utf-16be')
  return isUtf8(head, 0, head.length, true) ? decode(head, 'utf-8') : decode(head, 'gbk')
}

function isUtf16(bytes: Uint8Array): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
}

/** Which reader a single non-zip file needs, or null when neither content nor name tells. */
export function sniffFormat(file: InputFile): FormatName | null {
  const { bytes } = file
  if (isShp(bytes)) return 'shapefile'
  const ext = extension(file.name)
  if (isShapefilePart(file.name)) return 'shapefile'
  if (isUtf16(bytes)) return looksLikeCoordTxt(textStart(bytes)) ? 'cn-coord-txt' : null
  // Binary content (NUL bytes) is none of the text formats.
  if (bytes.subarray(0, 4096).includes(0)) return null
  const first = firstChar(bytes)
  if (first === '{' || first === '[') {
    // `[属性描述]` also starts with a bracket.
    return looksLikeCoordTxt(textStart(bytes)) ? 'cn-coord-txt' : 'geojson'
  }
  if (looksLikeCoordTxt(textStart(bytes))) return 'cn-coord-txt'
  if (ext === 'geojson' || ext === 'json') return 'geojson'
  if (ext === 'txt') return 'cn-coord-txt'
  return null
}

function readOne(
  file: InputFile,
  format: FormatName,
  options: ReadOptions,
): Promise<ReadResult> | ReadResult {
  if (format === 'geojson') return readGeoJson(file, options)
  if (format === 'cn-coord-txt') return readCoordTxt(file, options)
  return readShapefile([file], options)
}

/**
 * Reads an upload: one zip, one GeoJSON or text file, or the loose parts of one shapefile. Throws
 * `UnreadableUpload` when it cannot be read at all (see each reader), and `upload.unknown_format`
 * naming the accepted formats when nothing fits.
 */
export async function readUpload(files: InputFile[], options: ReadOptions): Promise<ReadResult> {
  if (files.length === 0) throw unreadable('upload.no_files')
  for (const file of files)
    if (file.bytes.length === 0) throw unreadable('upload.empty_file', { file: file.name })

  if (files.length > 1) {
    const data = files.filter((f) => !SIDECARS.has(extension(f.name)))
    if (data.every((f) => isShapefilePart(f.name) || isShp(f.bytes))) return readShapefile(data, options)
    if (data.length === 1) return readUpload(data, options)
    throw unreadable('upload.several_files', { files: files.map((f) => f.name) })
  }

  const file = files[0]!
  if (isZip(file.bytes) || extension(file.name) === 'zip') {
    const zip = openZip(file.bytes, file.name, options.limits)
    const paths = zip.entries.map((e) => e.path)
    if (paths.some((p) => extension(p) === 'shp'))
      return readShapefileParts(zipParts(zip), file.name, options)
    let data = zip.entries.filter((e) => ['geojson', 'json', 'txt'].includes(extension(e.path)))
    const inflated = new Map<string, Uint8Array>()
    if (data.length > 1) {
      // A readme beside the data is common: keep the entries whose content is GeoJSON or coordinates.
      data = data.filter((e) => {
        const bytes = zip.read(e)
        inflated.set(e.path, bytes)
        return extension(e.path) === 'txt' ? looksLikeCoordTxt(textStart(bytes)) : firstChar(bytes) === '{'
      })
    }
    if (data.length === 1) {
      const entry = data[0]!
      const inner: InputFile = { name: entry.path, bytes: inflated.get(entry.path) ?? zip.read(entry) }
      if (inner.bytes.length === 0)
        throw unreadable('upload.empty_file', { file: `${file.name}: ${entry.path}` })
      const format = sniffFormat(inner)
      if (format === null) throw unreadable('upload.unknown_format', { file: `${file.name}: ${entry.path}` })
      return readOne(inner, format, options)
    }
    if (data.length > 1)
      throw unreadable('upload.zip_several_files', { file: file.name, entries: data.map((e) => e.path) })
    if (paths.some(isShapefilePart)) return readShapefileParts(zipParts(zip), file.name, options)
    throw unreadable('upload.zip_no_data', {
      file: file.name,
      entries: paths.slice(0, 20).join(', ') + (paths.length > 20 ? ' …' : ''),
    })
  }

  const format = sniffFormat(file)
  if (format === null) throw unreadable('upload.unknown_format', { file: file.name })
  return readOne(file, format, options)
}

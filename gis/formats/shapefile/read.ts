/**
 * Reads polygon shapefiles: from a zip (any folder depth, any case of extension, one or several
 * layers) or from loose `.shp/.shx/.dbf/.prj/.cpg` files matched by base name.
 *
 * The geometry is assembled by the `shapefile` package (rings into polygons by orientation:
 * clockwise rings are outer rings, counter-clockwise rings holes of the outer ring that contains
 * them; Z and M values are dropped). That package trusts the file: it reads until the bytes run
 * out, fails on a record cut short, and scans past a record whose shape type differs from the
 * file's, silently losing records. So before handing the `.shp` over, this reader walks the record
 * headers itself (cheap: a few integers per record) and
 *
 * - cuts the bytes at the header's declared file length when data follows it (zero padding or junk
 *   after the last record: a warning), and reports a file shorter than its declared length as
 *   truncated (an error; the complete records before the cut are still read and shown);
 * - reads a Polygon record in a PolygonZ or PolygonM file (or the like) as the file's type: parts and
 *   points sit at the same offsets, and only x and y are read;
 * - checks each record's length, shape type, part and point counts, and neutralises a damaged
 *   record (its shape type set to 0 in a copy, so the package reads it as a null shape) with an
 *   error finding that names it — the records after it are still read;
 * - counts features and vertices against the limits before any geometry is built.
 *
 * Attributes come from `./dbf` (own reader: encodings and deleted records), matched to shapes by
 * record position; `.shx` is not needed because records are read in sequence.
 */
import { openShp } from 'shapefile'
import type { Geometry } from 'geojson'
import { applyMapping, mapFields, PARCEL_NO_NAMES, type AttributeValue } from '../fields'
import { decode, isUtf8, REPLACEMENT } from '../encoding'
import { checkDeadline, checkFeatureCount, checkVertexCount, DEADLINE_STRIDE } from '../limits'
import { FindingList, unreadable } from '../messages'
import { isZip, openZip, type ZipArchive } from '../zip'
import { readDbf, DbfStructureError, type DbfTable } from './dbf'
import type { InputFile, PolygonCoords, RawFeature, ReadOptions, ReadResult } from '../types'

/** One file of a shapefile upload, loaded on demand (a zip may hold layers that are not read). */
export interface ShapefilePart {
  /** Path as uploaded or inside the zip, e.g. `成果/地块.shp`. */
  path: string
  load(): Uint8Array
}

const SHAPE_TYPES: Record<number, { en: string; zh: string }> = {
  0: { en: 'Null', zh: '空图形' },
  1: { en: 'Point', zh: '点' },
  3: { en: 'PolyLine', zh: '线' },
  5: { en: 'Polygon', zh: '面' },
  8: { en: 'MultiPoint', zh: '多点' },
  11: { en: 'PointZ', zh: '点' },
  13: { en: 'PolyLineZ', zh: '线' },
  15: { en: 'PolygonZ', zh: '面' },
  18: { en: 'MultiPointZ', zh: '多点' },
  21: { en: 'PointM', zh: '点' },
  23: { en: 'PolyLineM', zh: '线' },
  25: { en: 'PolygonM', zh: '面' },
  28: { en: 'MultiPointM', zh: '多点' },
  31: { en: 'MultiPatch', zh: '多面体' },
}
const POLYGON_TYPES = new Set([5, 15, 25])
const FILE_CODE = 9994
const HEADER_BYTES = 100
const PART_EXTENSIONS = new Set(['shp', 'shx', 'dbf', 'prj', 'cpg'])

type Extension = 'shp' | 'shx' | 'dbf' | 'prj' | 'cpg'

interface Layer {
  /** Path without extension, as in the upload: `成果/地块`. */
  name: string
  parts: Partial<Record<Extension, ShapefilePart>>
}

function extensionOf(path: string): string {
  const dot = path.lastIndexOf('.')
  return dot < 0 || dot < path.lastIndexOf('/') ? '' : path.slice(dot + 1).toLowerCase()
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The parts of a zip, each inflated only when read. */
export function zipParts(zip: ZipArchive): ShapefilePart[] {
  return zip.entries.map((entry) => ({ path: entry.path, load: () => zip.read(entry) }))
}

/** Whether a path names a shapefile part (.shp/.shx/.dbf/.prj/.cpg). */
export function isShapefilePart(path: string): boolean {
  return PART_EXTENSIONS.has(extensionOf(path))
}

/**
 * Reads a shapefile upload: one zip, or the loose parts of one shapefile. See the module header.
 * Throws `UnreadableUpload` when there is nothing to read (no .shp, not a shapefile, not polygons,
 * several layers and none chosen, limits).
 */
export async function readShapefile(files: InputFile[], options: ReadOptions): Promise<ReadResult> {
  const parts: ShapefilePart[] = []
  for (const file of files) {
    if (isZip(file.bytes) || /\.zip$/i.test(file.name)) {
      parts.push(...zipParts(openZip(file.bytes, file.name, options.limits)))
    } else {
      parts.push({ path: file.name.replace(/\\/g, '/'), load: () => file.bytes })
    }
  }
  const container = files.length === 1 ? files[0]!.name : files.map((f) => f.name).join(', ')
  return readShapefileParts(parts, container, options)
}

function groupLayers(parts: ShapefilePart[]): Layer[] {
  const groups = new Map<string, Layer>()
  for (const part of parts) {
    const ext = extensionOf(part.path)
    if (!PART_EXTENSIONS.has(ext)) continue
    const stem = part.path.slice(0, part.path.length - ext.length - 1)
    const key = stem.toLowerCase()
    let layer = groups.get(key)
    if (!layer) groups.set(key, (layer = { name: stem, parts: {} }))
    if (ext === 'shp') layer.name = stem
    layer.parts[ext as Extension] ??= part
  }
  return [...groups.values()].filter((layer) => layer.parts.shp)
}

function chooseLayer(
  layers: Layer[],
  parts: ShapefilePart[],
  container: string,
  wanted: string | undefined,
): Layer {
  if (layers.length === 0) {
    const found = parts.map((p) => p.path)
    throw unreadable('shapefile.no_shp', {
      file: container,
      found: found.length ? found.slice(0, 20).join(', ') + (found.length > 20 ? ' …' : '') : '—',
    })
  }
  const layerList = layers.map((l) => l.name)
  if (wanted !== undefined && wanted.trim() !== '') {
    const want = wanted
      .trim()
      .replace(/\\/g, '/')
      .replace(/\.shp$/i, '')
      .toLowerCase()
    const exact = layers.filter((l) => l.name.toLowerCase() === want)
    const byBase = layers.filter((l) => baseName(l.name).toLowerCase() === want)
    const matches = exact.length ? exact : byBase
    if (matches.length === 1) return matches[0]!
    if (matches.length > 1) {
      throw unreadable('shapefile.choose_layer', {
        file: container,
        count: matches.length,
        layerList: matches.map((l) => l.name),
        layers: matches.map((l) => l.name),
      })
    }
    throw unreadable('shapefile.layer_not_found', {
      file: container,
      layer: wanted,
      layerList,
      layers: layerList,
    })
  }
  if (layers.length > 1) {
    throw unreadable('shapefile.choose_layer', {
      file: container,
      count: layers.length,
      layerList,
      layers: layerList,
    })
  }
  return layers[0]!
}

/** Text of a .prj: UTF-8, else GBK (Chinese names in WKT), else Latin-1. */
function prjText(bytes: Uint8Array): string {
  let text: string
  if (isUtf8(bytes)) text = decode(bytes, 'utf-8')
  else {
    text = decode(bytes, 'gbk')
    if (text.includes(REPLACEMENT)) text = decode(bytes, 'latin1')
  }
  return text.replace(/^\ufeff/, '').trim()
}

interface RecordInfo {
  /** 0-based record position. */
  index: number
  /** Byte offset of the record content (after the 8-byte record header). */
  content: number
  /** Shape type of the record after checks (0 = null or neutralised). */
  type: number
  numParts: number
  numPoints: number
}

/** Reads the chosen (or only) layer among shapefile parts. */
export async function readShapefileParts(
  parts: ShapefilePart[],
  container: string,
  options: ReadOptions,
): Promise<ReadResult> {
  const { limits } = options
  const layers = groupLayers(parts)
  const layer = chooseLayer(layers, parts, container, options.layer)
  const findings = new FindingList()
  const shpPart = layer.parts.shp!
  const shpFile = shpPart.path
  const shp = shpPart.load()

  // --- main file header ---------------------------------------------------------------------------
  if (shp.length < HEADER_BYTES) {
    throw unreadable('shapefile.invalid', {
      file: shpFile,
      reason: `only ${shp.length} bytes, shorter than the 100-byte header`,
      reasonZh: `只有 ${shp.length} 字节，不足 100 字节的文件头`,
    })
  }
  const view = new DataView(shp.buffer, shp.byteOffset, shp.byteLength)
  const fileCode = view.getInt32(0, false)
  if (fileCode !== FILE_CODE) {
    throw unreadable('shapefile.invalid', {
      file: shpFile,
      reason: `its file code is ${fileCode}, not 9994`,
      reasonZh: `文件代码为 ${fileCode}，应为 9994`,
    })
  }
  const shapeType = view.getInt32(32, true)
  if (!POLYGON_TYPES.has(shapeType)) {
    const known = SHAPE_TYPES[shapeType]
    if (!known) {
      throw unreadable('shapefile.invalid', {
        file: shpFile,
        reason: `unknown shape type ${shapeType}`,
        reasonZh: `未知的图形类型 ${shapeType}`,
      })
    }
    throw unreadable('shapefile.not_polygons', {
      file: shpFile,
      shapeType: known.en,
      shapeTypeZh: known.zh,
    })
  }
  const declared = view.getInt32(24, false) * 2
  const actual = shp.length
  const truncated = declared > actual
  let end = actual
  if (declared >= HEADER_BYTES && declared < actual) {
    end = declared
    let allZero = true
    for (let i = declared; i < actual && allZero; i++) if (shp[i] !== 0) allZero = false
    findings.add('shapefile.trailing_bytes', {
      file: shpFile,
      bytes: actual - declared,
      declared,
      what: allZero ? 'zero padding' : 'junk',
      whatZh: allZero ? '的零填充' : '的多余数据',
    })
  }

  // --- walk the records ---------------------------------------------------------------------------
  const records: RecordInfo[] = []
  let data = shp.subarray(0, end)
  let copied = false
  /** Sets a record's shape type in a copy of the bytes (0 makes the package read a null shape). */
  const setType = (at: number, type: number) => {
    if (!copied) {
      data = data.slice()
      copied = true
    }
    new DataView(data.buffer, data.byteOffset, data.byteLength).setInt32(at, type, true)
  }
  let vertices = 0
  let numberWarned = false
  let o = HEADER_BYTES
  let cut = HEADER_BYTES
  // Damaged records, reported once the attributes can name their parcels.
  const damaged: { index: number; offset: number; reason: string; reasonZh: string; kept: boolean }[] = []
  const badRecord = (reason: string, reasonZh: string, kept = false) =>
    damaged.push({ index: records.length, offset: o, reason, reasonZh, kept })
  while (o < end) {
    const index = records.length
    if (index % DEADLINE_STRIDE === 0) checkDeadline(limits, shpFile)
    if (o + 12 > end) {
      if (!truncated) {
        if (shp.subarray(o, end).every((b) => b === 0)) {
          findings.add('shapefile.trailing_bytes', {
            file: shpFile,
            bytes: end - o,
            declared,
            what: 'zero padding',
            whatZh: '的零填充',
          })
        } else {
          badRecord(`only ${end - o} bytes left, too few for a record`, `只剩 ${end - o} 字节，不足一条记录`)
        }
      }
      break
    }
    const number = view.getInt32(o, false)
    const length = view.getInt32(o + 4, false) * 2
    if (number === 0 && length === 0 && shp.subarray(o, end).every((b) => b === 0)) {
      findings.add('shapefile.trailing_bytes', {
        file: shpFile,
        bytes: end - o,
        declared,
        what: 'zero padding',
        whatZh: '的零填充',
      })
      break
    }
    if (length < 4 || o + 8 + length > end) {
      if (!(truncated && length >= 4)) {
        badRecord(
          `its content length ${length} does not fit the file; the records after it cannot be read`,
          `内容长度 ${length} 与文件不符，其后的记录无法读取`,
        )
      }
      break
    }
    if (number !== index + 1 && !numberWarned) {
      numberWarned = true
      findings.add('shapefile.record_number', { file: shpFile, record: index + 1, number })
    }
    const content = o + 8
    const info: RecordInfo = { index, content, type: view.getInt32(content, true), numParts: 0, numPoints: 0 }
    if (info.type !== shapeType && POLYGON_TYPES.has(info.type)) {
      // A Polygon record in a PolygonZ file (or the like): the parts and points sit at the same
      // offsets and only x and y are read, so the record is read as the file's type.
      setType(content, shapeType)
      info.type = shapeType
    }
    if (info.type !== 0) {
      let problem: [string, string] | null = null
      if (info.type !== shapeType) {
        const name = SHAPE_TYPES[info.type]?.en ?? `type ${info.type}`
        problem = [
          `its shape type is ${name} but the file holds ${SHAPE_TYPES[shapeType]!.en}`,
          `图形类型为 ${SHAPE_TYPES[info.type]?.zh ?? info.type}（${name}），与文件的面类型不符`,
        ]
      } else if (length < 44) {
        problem = [`its ${length} bytes are too few for a polygon`, `${length} 字节不足以构成一个面`]
      } else {
        const numParts = view.getInt32(content + 36, true)
        const numPoints = view.getInt32(content + 40, true)
        if (numParts < 0 || numPoints < 0 || (numParts === 0) !== (numPoints === 0)) {
          problem = [
            `it declares ${numParts} parts and ${numPoints} points`,
            `声明了 ${numParts} 个部分、${numPoints} 个点`,
          ]
        } else if (44 + 4 * numParts + 16 * numPoints > length) {
          problem = [
            `it declares ${numParts} parts and ${numPoints} points, more than its ${length} bytes hold`,
            `声明了 ${numParts} 个部分、${numPoints} 个点，超出其 ${length} 字节`,
          ]
        } else {
          let previous = -1
          for (let p = 0; p < numParts; p++) {
            const start = view.getInt32(content + 44 + 4 * p, true)
            if ((p === 0 && start !== 0) || start < previous || start >= numPoints) {
              problem = [
                `part ${p + 1} starts at point ${start}, which is impossible`,
                `第 ${p + 1} 部分的起点序号 ${start} 不合理`,
              ]
              break
            }
            previous = start
          }
          info.numParts = numParts
          info.numPoints = numPoints
        }
      }
      if (problem) {
        badRecord(problem[0], problem[1], true)
        setType(content, 0)
        info.type = 0
        info.numParts = 0
        info.numPoints = 0
      }
    }
    vertices += info.numPoints
    checkVertexCount(limits, vertices, shpFile)
    records.push(info)
    checkFeatureCount(limits, records.length, shpFile)
    o = content + length
    cut = o
  }
  if (truncated) {
    findings.add('shapefile.truncated', { file: shpFile, declared, actual, records: records.length })
  }

  // --- attributes ---------------------------------------------------------------------------------
  let table: DbfTable | null = null
  const dbfPart = layer.parts.dbf
  if (!dbfPart) {
    findings.add('shapefile.no_dbf', { file: shpFile })
  } else {
    try {
      table = readDbf(dbfPart.load(), {
        file: dbfPart.path,
        ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
        cpg: layer.parts.cpg ? { file: layer.parts.cpg.path, bytes: layer.parts.cpg.load() } : null,
        parcelNoColumn: (names) => mapFields(names).parcelNo,
        limits,
      })
      findings.push(...table.findings)
    } catch (error) {
      if (!(error instanceof DbfStructureError)) throw error
      findings.add('dbf.invalid', { file: dbfPart.path, reason: error.message, reasonZh: error.zh })
    }
    if (table && table.rows.length !== records.length) {
      findings.add('shapefile.count_mismatch', {
        shp: shpFile,
        dbf: dbfPart.path,
        shapes: records.length,
        rows: table.rows.length,
      })
    }
  }
  const columnNames = table ? table.columns.map((c) => c.name) : []
  const mapping = mapFields(columnNames)
  for (const d of damaged) {
    const row = d.kept ? table?.rows[d.index] : null
    const parcelNo = row ? applyMapping(mapping, row).parcelNo : null
    findings.add(
      'shapefile.bad_record',
      { file: shpFile, record: d.index + 1, offset: d.offset, reason: d.reason, reasonZh: d.reasonZh },
      d.kept ? { featureIndex: d.index, parcelNo } : {},
    )
  }
  if (table && mapping.parcelNo === null) {
    findings.add('fields.no_parcel_no', {
      file: dbfPart!.path,
      candidates: PARCEL_NO_NAMES,
      fields: columnNames.join(', ') || '—',
    })
  }

  // --- geometry -----------------------------------------------------------------------------------
  const features: RawFeature[] = []
  const source = await openShp(data.subarray(0, cut))
  for (const info of records) {
    if (info.index % DEADLINE_STRIDE === 0) checkDeadline(limits, shpFile)
    const result = await source.read()
    if (result.done) break
    const row = table ? table.rows[info.index] : undefined
    const attributes: Record<string, AttributeValue> = row ?? {}
    const mapped = applyMapping(mapping, attributes)
    const where = { featureIndex: info.index, parcelNo: mapped.parcelNo }
    if (row === null) {
      findings.add('shapefile.deleted_record', { dbf: dbfPart!.path }, where)
      continue
    }
    if (mapped.badArea) findings.add('fields.area_not_number', mapped.badArea, where)
    let geometry = polygonsOf(result.value as Geometry | null)
    if (geometry !== null && geometry.length === 0) {
      findings.add('shapefile.empty_shape', { file: shpFile }, where)
      geometry = null
    }
    if (geometry) reportOrphanHoles(geometry, info, data, findings, where)
    features.push({
      index: info.index,
      parcelNo: mapped.parcelNo,
      name: mapped.name,
      landUse: mapped.landUse,
      landClassCode: mapped.landClassCode,
      declaredAreaM2: mapped.declaredAreaM2,
      attributes,
      geometry,
      vertexCount: info.numPoints,
    })
  }

  const prj = layer.parts.prj
  return {
    format: 'shapefile',
    layer: layer.name,
    layers: layers.map((l) => l.name),
    encoding: table?.encoding ?? null,
    encodingSource: table?.encodingSource ?? null,
    crsHints: { prjWkt: prj ? prjText(prj.load()) : null },
    features,
    findings: findings.done(),
  }
}

function polygonsOf(geometry: Geometry | null): PolygonCoords[] | null {
  if (!geometry) return null
  if (geometry.type === 'Polygon') return [geometry.coordinates as PolygonCoords]
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as PolygonCoords[]
  return null
}

/** Twice the area with the sign the `shapefile` package uses: ≥ 0 means clockwise (an outer ring). */
function clockwise(ring: number[][]): boolean {
  const n = ring.length
  let area = ring[n - 1]![1]! * ring[0]![0]! - ring[n - 1]![0]! * ring[0]![1]!
  for (let i = 1; i < n; i++) area += ring[i - 1]![1]! * ring[i]![0]! - ring[i - 1]![0]! * ring[i]![1]!
  return area >= 0
}

/**
 * A polygon whose first ring is counter-clockwise was a hole inside no outer ring, which the package
 * turned into a polygon of its own: usually rings written with the wrong orientation.
 */
function reportOrphanHoles(
  polygons: PolygonCoords[],
  info: RecordInfo,
  data: Uint8Array,
  findings: FindingList,
  where: { featureIndex: number; parcelNo: string | null },
): void {
  for (const polygon of polygons) {
    const ring = polygon[0]
    if (!ring || ring.length < 4 || clockwise(ring)) continue
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
    // Which part of the record it was, by its first point.
    let ringNo = 0
    const pointsAt = info.content + 44 + 4 * info.numParts
    for (let p = 0; p < info.numParts; p++) {
      const start = view.getInt32(info.content + 44 + 4 * p, true)
      const x = view.getFloat64(pointsAt + 16 * start, true)
      const y = view.getFloat64(pointsAt + 16 * start + 8, true)
      if (x === ring[0]![0] && y === ring[0]![1]) {
        ringNo = p + 1
        break
      }
    }
    findings.add(
      'shapefile.orphan_hole',
      { ring: ringNo },
      { ...where, sourceLocation: [ring[0]![0], ring[0]![1]] },
    )
  }
}

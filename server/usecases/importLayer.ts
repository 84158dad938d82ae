/**
 * An administrator (or `landuse layers import`) brings in a new version of a reference layer:
 *
 *   label still free → read the files (the parcel readers of `gis/formats`, or GeoJSONSeq streamed)
 *   → decide the CRS (`gis/crs`) → pick the class field → in ONE transaction: create the version →
 *   reproject every feature to EPSG:4490 and bulk-insert it as it is read → make invalid geometry valid
 *   in PostGIS → record the feature count → make it current (unless told not to) → audit `layer.imported`.
 *
 * Reference layers are large and authoritative, so the parcel validation of `gis/validate` is not run.
 * What a layer may carry without losing trust in it becomes a warning finding: a feature without a
 * usable polygon is skipped, an unclosed ring closed, a ring of fewer than 4 positions dropped, an invalid
 * geometry made valid (`ST_MakeValid`, polygons kept) and counted, and one with no area left dropped.
 * What would make the whole layer untrustworthy refuses it, with nothing stored (422 `layer.unreadable`):
 * a file that cannot be read, a CRS that cannot be decided or that the coordinates contradict, an error
 * about the file as a whole (a truncated .shp loses features), no feature to import, or a class field
 * none of whose codes is in the layer's legend (a check against it would silently find nothing).
 *
 * Older versions are never touched: a check run records the version it used, so its findings can be
 * reproduced later. Making a version current is a separate, audited step (`activateLayer`).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import pg from 'pg'
import type { Database, Queryable } from '../db/database'
import type { Principal } from '../auth/principal'
import { AppError } from '../errors'
import { formatMessage, type MessageCode } from '../messages'
import { recordAudit } from '../repositories/audit'
import {
  activateLayerVersion,
  createLayerVersion,
  findLayerVersion,
  insertLayerFeatures,
  layerClassCodes,
  layerName,
  repairLayerGeometry,
  setLayerFeatureCount,
  subdivideLayerFeatures,
  type LayerFeatureRow,
  type LayerKind,
  type LayerVersion,
} from '../repositories/layers'
import { isGeoJsonSeq, openGeoJsonSeq, type SeqFeature, type SkipReason } from '../layers/geojsonl'
import { resolveCrs, type CrsSource } from '../../gis/crs/detect'
import { toLonLatConverter } from '../../gis/crs/toLonLat'
import { hasErrors, UnreadableUpload, type Finding } from '../../gis/findings'
import { readUpload } from '../../gis/formats/detect'
import { FindingList } from '../../gis/formats/messages'
import type { CrsHints, InputFile, PolygonCoords, Position, ReadLimits } from '../../gis/formats/types'

/** A file to import: bytes in memory, or (GeoJSONSeq only) a path streamed from disk. */
export type LayerFile = InputFile | { name: string; path: string }

export interface LayerImportRequest {
  kind: LayerKind
  /** The version label, unique per layer, e.g. "2025 年度更新". */
  label: string
  files: LayerFile[]
  /** The attribute holding the class code (required for cultivated land and planning zones). */
  classField?: string
  /** The user's CRS (EPSG code), overriding what the file declares. */
  crs?: number
  encoding?: string
  /** Which shapefile of a zip holding several. */
  layer?: string
  /** Make the new version current (default). */
  activate?: boolean
}

/** Read limits; `parseSeconds` null: no time limit (the command line). */
export type LayerImportLimits = Omit<ReadLimits, 'deadline'> & { parseSeconds: number | null }

export interface LayerImportSummary {
  format: string
  crs: string
  crsSource: CrsSource | null
  encoding: string | null
  /** Features in the file. */
  read: number
  /** Features stored (read − skipped − dropped). */
  imported: number
  /** Features without a usable polygon. */
  skipped: number
  /** Invalid geometries made valid. */
  repaired: number
  /** Invalid geometries with no area left once made valid. */
  dropped: number
  /** Features of more than SUBDIVIDE_ABOVE vertices stored in pieces, and how many pieces. */
  subdivided: number
  pieces: number
  seconds: number
}

export interface LayerImportResult {
  version: LayerVersion
  /** Warnings about the file and what the import did (same shape as an upload's findings). */
  findings: Finding[]
  summary: LayerImportSummary
}

/**
 * Polygons of more than this many vertices are stored in pieces of at most PIECE_VERTICES
 * (`ST_Subdivide`). Measured with `npm run bench:layers -- subdivide` (400 parcels of 150–210 m against
 * sinuous polygons, overlay query of the rules): at 300 vertices pieces were 1.1× faster on a server but
 * 1.8× slower embedded, at 600 2.8× faster on a server and even embedded, from 1,000 on 2–3× faster on
 * both, at 5,000 5–7×, at 20,000 12–17×. The farmland and cultivated patches (≈ 10 vertices) are never cut.
 */
export const SUBDIVIDE_ABOVE = 1000
export const PIECE_VERTICES = 256

/** Layers whose checks count by class code: they cannot be imported without the class field. */
const CLASS_FIELD_REQUIRED: ReadonlySet<LayerKind> = new Set(['cultivated_land', 'planning_zone'])

/** Reader findings about parcels only (parcel numbers, declared areas), or said again by the import. */
function relevant(f: Finding): boolean {
  return (
    !f.code.startsWith('fields.') &&
    !f.code.endsWith('.area_mismatch') &&
    !f.code.endsWith('.ring_unclosed') &&
    !f.code.endsWith('.ring_too_short')
  )
}

/** A finding of the import, its message from the server catalogue in both languages. */
function layerFinding(
  code: MessageCode,
  params: Record<string, unknown>,
  where: { featureIndex?: number | null; location?: [number, number] | null } = {},
): Finding {
  return {
    featureIndex: where.featureIndex ?? null,
    parcelNo: null,
    code,
    severity: 'warning',
    message: { 'zh-CN': formatMessage(code, 'zh-CN', params), en: formatMessage(code, 'en', params) },
    location: where.location ?? null,
    details: Object.fromEntries(
      Object.entries(params).filter(([k]) => k !== 'n' && k !== 'layer' && k !== 'ringLabel'),
    ),
  }
}

const bilingual = (r: SkipReason) => ({ 'zh-CN': r.zh, en: r.en })

/** Refuses the import: 422 `layer.unreadable` with the findings that explain why. */
function refuse(files: LayerFile[], findings: Finding[]): AppError {
  return new AppError(
    'layer.unreadable',
    422,
    { files: files.map((f) => f.name).join(', '), first: findings[0]?.message ?? '' },
    findings,
  )
}

// ---------------------------------------------------------------------------------------------------
// Reading

interface LayerSource {
  format: string
  /** The format's name for CRS detection (GeoJSONSeq is GeoJSON: lon/lat unless declared). */
  crsFormat: 'shapefile' | 'geojson' | 'cn-coord-txt'
  encoding: string | null
  crsHints: CrsHints
  /** Features known before the import starts: all of them, or the first ones of a stream. */
  known: readonly SeqFeature[]
  features(): Iterable<SeqFeature> | AsyncIterable<SeqFeature>
  findings: Finding[]
  close(): void
}

function bytesOf(file: LayerFile): InputFile {
  return 'bytes' in file ? file : { name: file.name, bytes: new Uint8Array(fs.readFileSync(file.path)) }
}

async function openSource(
  files: LayerFile[],
  request: LayerImportRequest,
  limits: LayerImportLimits,
): Promise<LayerSource> {
  const read = {
    ...limits,
    deadline: limits.parseSeconds === null ? Infinity : Date.now() + limits.parseSeconds * 1000,
  }
  const first = files[0]
  if (files.length === 1 && first && isGeoJsonSeq(first.name)) {
    const seq = await openGeoJsonSeq('path' in first ? first : { name: first.name, bytes: first.bytes }, {
      ...(request.encoding ? { encoding: request.encoding } : {}),
      limits: read,
    })
    return {
      format: 'geojsonseq',
      crsFormat: 'geojson',
      encoding: seq.encoding,
      crsHints: {},
      known: seq.head,
      features: () => seq.features(),
      findings: [],
      close: () => seq.close(),
    }
  }
  const result = await readUpload(files.map(bytesOf), {
    ...(request.encoding ? { encoding: request.encoding } : {}),
    ...(request.layer ? { layer: request.layer } : {}),
    limits: read,
  })
  return {
    format: result.format,
    crsFormat: result.format,
    encoding: result.encoding,
    crsHints: result.crsHints,
    known: result.features,
    features: () => result.features,
    findings: result.findings,
    close: () => {},
  }
}

/** At most this many vertices decide the CRS (spread evenly over what is known of the file). */
const SAMPLE_POINTS = 100_000

function sampleOf(features: readonly SeqFeature[]): Position[] {
  const total = features.reduce((n, f) => n + f.vertexCount, 0)
  const stride = Math.max(1, Math.ceil(total / SAMPLE_POINTS))
  const out: Position[] = []
  let k = 0
  for (const f of features)
    for (const p of f.geometry ?? [])
      for (const r of p) for (const q of r) if (k++ % stride === 0) out.push(q)
  return out
}

/** Attribute names in order of first appearance. */
function fieldsOf(features: readonly SeqFeature[]): string[] {
  const names = new Set<string>()
  for (const f of features) for (const key of Object.keys(f.attributes)) names.add(key)
  return [...names]
}

/** The class field as the file spells it: an exact match, else the one field equal ignoring case. */
async function chooseClassField(
  db: Queryable,
  kind: LayerKind,
  requested: string | undefined,
  fields: string[],
): Promise<string | null> {
  const list = fields.length ? fields.join(', ') : '—'
  const wanted = requested?.trim()
  if (!wanted) {
    if (!CLASS_FIELD_REQUIRED.has(kind)) return null
    throw new AppError(
      'layer.class_field_required',
      400,
      { layer: await layerName(db, kind), fields: list },
      [{ field: 'classField', fields }],
    )
  }
  if (fields.includes(wanted)) return wanted
  const folded = fields.filter((f) => f.toLowerCase() === wanted.toLowerCase())
  if (folded.length === 1) return folded[0]!
  throw new AppError('layer.class_field_unknown', 422, { field: wanted, fields: list }, [
    { field: 'classField', value: wanted, fields },
  ])
}

// ---------------------------------------------------------------------------------------------------
// Features as stored

const ROUND = 1e9

/** Reprojects every vertex to EPSG:4490, rounded to 1e-9° like parcels (gis/ingest); null if one fails. */
function reprojector(epsg: number): (g: PolygonCoords[]) => PolygonCoords[] | null {
  const convert = toLonLatConverter(epsg)
  return (g) => {
    const out: PolygonCoords[] = []
    for (const p of g) {
      const rings: Position[][] = []
      for (const r of p) {
        const ring: Position[] = new Array(r.length)
        for (let i = 0; i < r.length; i++) {
          const q = convert(r[i]![0], r[i]![1])
          if (!Number.isFinite(q[0]) || !Number.isFinite(q[1])) return null
          q[0] = Math.round(q[0] * ROUND) / ROUND
          q[1] = Math.round(q[1] * ROUND) / ROUND
          ring[i] = q
        }
        rings.push(ring)
      }
      out.push(rings)
    }
    return out
  }
}

function ringLabel(polygons: number, p: number, r: number): { 'zh-CN': string; en: string } {
  return polygons > 1
    ? { 'zh-CN': `第 ${p + 1} 个面的第 ${r + 1} 个环`, en: `polygon ${p + 1}, ring ${r + 1}` }
    : { 'zh-CN': `第 ${r + 1} 个环`, en: `ring ${r + 1}` }
}

/**
 * The polygons PostGIS can take: unclosed rings closed, rings of fewer than 4 positions dropped (a
 * polygon without its outer ring with them), each change reported. Null when nothing is left.
 */
function storable(index: number, polygons: PolygonCoords[], findings: FindingList): PolygonCoords[] | null {
  const out: PolygonCoords[] = []
  polygons.forEach((polygon, p) => {
    const rings: Position[][] = []
    for (let r = 0; r < polygon.length; r++) {
      let ring = polygon[r]!
      const first = ring[0]
      const last = ring[ring.length - 1]
      if (first && last && ring.length > 1 && (first[0] !== last[0] || first[1] !== last[1])) {
        ring = [...ring, first]
        findings.push(
          layerFinding(
            'layer.ring_closed',
            { n: index + 1, ringLabel: ringLabel(polygons.length, p, r) },
            { featureIndex: index },
          ),
        )
      }
      if (ring.length < 4) {
        findings.push(
          layerFinding(
            'layer.ring_dropped',
            { n: index + 1, ringLabel: ringLabel(polygons.length, p, r), count: polygon[r]!.length },
            { featureIndex: index },
          ),
        )
        if (r === 0) return // no outer ring: no polygon
        continue
      }
      rings.push(ring)
    }
    out.push(rings)
  })
  return out.length ? out : null
}

function classCodeOf(value: string | number | boolean | null | undefined): string | null {
  if (value === null || value === undefined) return null
  const text = String(value).trim()
  return text === '' ? null : text
}

// ---------------------------------------------------------------------------------------------------
// The story

/** Fails with 409 `layer.version_exists` when the layer already has a version with this label. */
async function assertLabelFree(db: Queryable, kind: LayerKind, label: string): Promise<void> {
  if (await findLayerVersion(db, kind, { label }))
    throw new AppError('layer.version_exists', 409, { layer: await layerName(db, kind), label })
}

async function sha256Of(file: LayerFile): Promise<string> {
  const hash = crypto.createHash('sha256')
  if ('bytes' in file) return hash.update(file.bytes).digest('hex')
  for await (const chunk of fs.createReadStream(file.path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Imports a new version of a reference layer (see the module header). `principal` is null for the
 * command line. Throws AppError: 400/422 for a bad request or file, 409 for a label in use.
 */
export async function importLayerVersion(
  db: Database,
  principal: Principal | null,
  request: LayerImportRequest,
  limits: LayerImportLimits,
  options: { clientIp?: string; onProgress?: (features: number) => void } = {},
): Promise<LayerImportResult> {
  const started = performance.now()
  const { kind, files } = request
  const label = request.label.trim()
  if (label.length < 1 || label.length > 200)
    throw new AppError('request.invalid', 400, { problems: 'version: 1–200 characters' }, [
      { field: 'version', problem: '1–200 characters' },
    ])
  if (!files.length) throw new AppError('upload.no_file', 400)
  await assertLabelFree(db, kind, label)

  let source: LayerSource
  try {
    source = await openSource(files, request, limits)
  } catch (error) {
    if (error instanceof UnreadableUpload) throw refuse(files, error.findings)
    throw error
  }
  try {
    return await importFrom(db, principal, request, label, source, options, started)
  } finally {
    source.close()
  }
}

async function importFrom(
  db: Database,
  principal: Principal | null,
  request: LayerImportRequest,
  label: string,
  source: LayerSource,
  options: { clientIp?: string; onProgress?: (features: number) => void },
  started: number,
): Promise<LayerImportResult> {
  const { kind, files } = request
  const crs = resolveCrs({
    hints: source.crsHints,
    sample: sampleOf(source.known),
    ...(request.crs !== undefined ? { override: request.crs } : {}),
    format: source.crsFormat,
  })
  const wholeFile = source.findings.filter((f) => f.featureIndex === null && f.severity === 'error')
  if (crs.epsg === null || hasErrors(crs.findings) || wholeFile.length)
    throw refuse(files, [...crs.findings.filter((f) => f.severity === 'error'), ...wholeFile])
  const epsg = crs.epsg

  const classField = await chooseClassField(db, kind, request.classField, fieldsOf(source.known))
  const legend = await layerClassCodes(db, kind)

  // reader findings: per feature, what was an error for a parcel is a warning here (the feature is
  // skipped or repaired); places in the file's coordinates are put on the map
  const locate = toLonLatConverter(epsg)
  const findings = new FindingList()
  findings.push(...crs.findings)
  for (const f of source.findings.filter(relevant)) {
    const at = f.sourceLocation
    const q = !f.location && at ? locate(at[0], at[1]) : null
    const { sourceLocation: _ignored, ...rest } = f
    findings.push({
      ...rest,
      severity: 'warning',
      location: f.location ?? (q && Number.isFinite(q[0]) && Number.isFinite(q[1]) ? q : null),
    })
  }

  const project = reprojector(epsg)
  let read = 0
  let skipped = 0
  const classes = new Map<string, number>()
  let missingClass = 0
  let firstMissing = -1
  let big = 0
  const skip = (f: SeqFeature, reason: SkipReason) => {
    skipped++
    findings.push(
      layerFinding(
        'layer.feature_skipped',
        { n: f.index + 1, reason: bilingual(reason) },
        { featureIndex: f.index },
      ),
    )
  }
  async function* rows(): AsyncGenerator<LayerFeatureRow> {
    for await (const f of source.features()) {
      if (++read % 10_000 === 0) options.onProgress?.(read)
      if (!f.geometry) {
        skip(f, f.skipped ?? { en: 'no usable geometry in the file', zh: '文件中没有可用的几何' })
        continue
      }
      const cleaned = storable(f.index, f.geometry, findings)
      if (!cleaned) {
        skip(f, { en: 'no ring of at least 4 positions', zh: '没有至少 4 个坐标的环' })
        continue
      }
      const polygons = project(cleaned)
      if (!polygons) {
        skip(f, {
          en: `its coordinates cannot be converted from EPSG:${epsg} to EPSG:4490`,
          zh: `坐标无法从 EPSG:${epsg} 换算到 EPSG:4490`,
        })
        continue
      }
      let vertices = 0
      for (const p of polygons) for (const r of p) vertices += r.length
      if (vertices > SUBDIVIDE_ABOVE) big++
      const classCode = classField ? classCodeOf(f.attributes[classField]) : null
      if (classField) {
        if (classCode === null) {
          if (missingClass++ === 0) firstMissing = f.index
        } else classes.set(classCode, (classes.get(classCode) ?? 0) + 1)
      }
      yield { sourceIndex: f.index, classCode, attributes: f.attributes, polygons }
    }
  }

  const layer = await layerName(db, kind)
  const activate = request.activate !== false
  const hashes = await Promise.all(files.map(sha256Of))
  const outcome = await db.transaction(async (tx) => {
    const versionId = await createLayerVersion(tx, {
      kind,
      label,
      sourceName: files.map((f) => f.name).join(', '),
      classField,
      importedBy: principal?.id ?? null,
    }).catch((error: unknown) => {
      if (error instanceof pg.DatabaseError && error.code === '23505')
        throw new AppError('layer.version_exists', 409, { layer, label })
      throw error
    })
    let inserted: number
    try {
      inserted = await insertLayerFeatures(tx, db.mode, versionId, rows())
    } catch (error) {
      if (error instanceof UnreadableUpload) throw refuse(files, error.findings)
      throw error
    }
    options.onProgress?.(read)

    const repair = await repairLayerGeometry(tx, versionId)
    for (const r of repair.features) {
      findings.push(
        layerFinding(
          r.dropped ? 'layer.geometry_dropped' : 'layer.geometry_repaired',
          { n: (r.sourceIndex ?? 0) + 1, reason: r.reason },
          { featureIndex: r.sourceIndex, location: r.location },
        ),
      )
    }
    const count = inserted - repair.dropped
    const cut = big
      ? await subdivideLayerFeatures(tx, versionId, SUBDIVIDE_ABOVE, PIECE_VERTICES)
      : { features: 0, pieces: 0 }
    if (count === 0) {
      throw new AppError(
        'layer.no_features',
        422,
        { files: files.map((f) => f.name).join(', '), read },
        findings.done(),
      )
    }
    if (classField)
      classFindings(findings, { classField, classes, missingClass, firstMissing, legend, layer })

    await setLayerFeatureCount(tx, versionId, count)
    const previous = activate ? await activateLayerVersion(tx, versionId) : null
    const summary: LayerImportSummary = {
      format: source.format,
      crs: `EPSG:${epsg}`,
      crsSource: crs.source,
      encoding: source.encoding,
      read,
      imported: count,
      skipped,
      repaired: repair.repaired,
      dropped: repair.dropped,
      subdivided: cut.features,
      pieces: cut.pieces,
      seconds: Math.round(performance.now() - started) / 1000,
    }
    await recordAudit(tx, {
      actorId: principal?.id ?? null,
      actorRole: principal?.role ?? 'cli',
      action: 'layer.imported',
      subjectType: 'reference_layer_version',
      subjectId: versionId,
      ...(activate ? { before: { currentVersionId: previous } } : {}),
      after: {
        kind,
        label,
        files: files.map((f, i) => ({ name: f.name, sha256: hashes[i] })),
        classField,
        activated: activate,
        ...summary,
      },
      clientIp: options.clientIp,
    })
    return { version: (await findLayerVersion(tx, kind, { id: versionId }))!, summary }
  })
  // fresh statistics after a bulk load, as PostgreSQL's documentation advises: the embedded database
  // has no autovacuum, and a server's may not have run yet when the first check plans its overlay
  await db.query('ANALYZE reference_feature')
  // about the whole file first, then feature by feature
  const sorted = findings.done().sort((a, b) => (a.featureIndex ?? -1) - (b.featureIndex ?? -1))
  return { ...outcome, findings: sorted }
}

/**
 * What the class codes say: features without one, and codes outside the layer's legend. None in the
 * legend at all refuses the import: every check against the layer would find nothing.
 */
function classFindings(
  findings: FindingList,
  c: {
    classField: string
    classes: Map<string, number>
    missingClass: number
    firstMissing: number
    legend: string[]
    layer: unknown
  },
): void {
  if (c.missingClass > 0) {
    findings.push(
      layerFinding('layer.class_missing', {
        field: c.classField,
        count: c.missingClass,
        first: c.firstMissing + 1,
      }),
    )
  }
  if (!c.legend.length) return
  const unknown = [...c.classes].filter(([code]) => !c.legend.includes(code)).sort((a, b) => b[1] - a[1])
  if (!unknown.length) return
  const codes = unknown
    .slice(0, 20)
    .map(([code, n]) => `${code} (${n})`)
    .join(', ')
  const params = {
    field: c.classField,
    codes: codes + (unknown.length > 20 ? ' …' : ''),
    known: c.legend.join(', '),
    layer: c.layer,
  }
  if (unknown.length === c.classes.size)
    throw new AppError('layer.no_known_classes', 422, params, findings.done())
  findings.push(layerFinding('layer.unknown_classes', params))
}

/** Makes a version of a layer the current one (audited); returns it. 404 when the layer has no such version. */
export async function activateLayer(
  db: Database,
  principal: Principal | null,
  kind: LayerKind,
  by: { id: number } | { label: string },
  clientIp?: string,
): Promise<{ version: LayerVersion; previous: LayerVersion | null }> {
  return db.transaction(async (tx) => {
    const version = await findLayerVersion(tx, kind, by)
    if (!version) {
      throw new AppError('layer.version_not_found', 404, {
        layer: await layerName(tx, kind),
        version: 'id' in by ? by.id : by.label,
      })
    }
    const previousId = await activateLayerVersion(tx, version.id)
    const previous = previousId === null ? null : await findLayerVersion(tx, kind, { id: previousId })
    if (previousId !== version.id) {
      await recordAudit(tx, {
        actorId: principal?.id ?? null,
        actorRole: principal?.role ?? 'cli',
        action: 'layer.activated',
        subjectType: 'reference_layer_version',
        subjectId: version.id,
        before: { currentVersionId: previousId, label: previous?.label ?? null },
        after: { kind, currentVersionId: version.id, label: version.label },
        clientIp,
      })
    }
    return { version: { ...version, current: true }, previous }
  })
}

/**
 * The upload pipeline the server and the CLI share: read the files, decide the coordinate system,
 * reproject every vertex to EPSG:4490, check (and on request repair) the geometry, check the parcels
 * lie in China and in the county, measure them, and hand back a preview with every finding.
 *
 *   readUpload → resolveCrs → reproject → locate reader findings → validateFeatures → checkLocations
 *   → areas → InspectResult
 *
 * Nothing here touches a database or the network; `inspectRead` is the same pipeline from an already
 * read file, for tests and for callers that read by other means. `UnreadableUpload` from the readers
 * propagates untouched (the server answers 422, the CLI exits 2).
 *
 * Speed: the pipeline is linear in the number of vertices except the overlap search (an R-tree,
 * n log n). Reprojection calls proj4 once per vertex through one converter; everything else works on
 * the coordinate arrays directly instead of through Turf's generic functions, which are kept for the
 * rare cases that need clipping (overlaps, parcels crossing the county boundary, repairs).
 */
import type { MultiPolygon } from 'geojson'
import { resolveCrs, type CrsSource } from '../crs/detect'
import { toLonLatConverter } from '../crs/toLonLat'
import { hasErrors, type Finding } from '../findings'
import { readUpload } from '../formats/detect'
import { checkDeadline } from '../formats/limits'
import type { InputFile, PolygonCoords, Position, ReadLimits, ReadResult } from '../formats/types'
import { numberAndCheck, validateFeatures, type FeatureToValidate } from '../validate'
import { checkLocations, type CountyArea, type LocatedParcel } from './location'

export type { CountyArea } from './location'

export interface InspectOptions {
  /** The user's CRS choice (EPSG code), overriding what the file declares. */
  crs?: number
  /** Force a text/attribute encoding ('gbk', 'utf-8' …). */
  encoding?: string
  /** Which shapefile of a zip holding several. */
  layer?: string
  /** Repair invalid geometry, each change reported as a `repair.*` warning. */
  repair?: boolean
  /** Read every coordinate with x and y exchanged: the user's answer to `crs.axes_swapped`. */
  swapAxes?: boolean
  limits: ReadLimits
  /** The county filing the parcels; with its boundary, every parcel is checked against it. */
  county?: CountyArea
}

export interface ParcelPreview {
  /** 0-based position in the file. */
  index: number
  /** The file's parcel number, or `P-<index + 1>` when it has none (a warning says so). */
  parcelNo: string
  name: string | null
  landUse: string | null
  landClassCode: string | null
  declaredAreaM2: number | null
  /** Area on the CGCS2000 ellipsoid, m²; 0 without a usable geometry (an error finding says why). */
  areaM2: number
  vertexCount: number
  /** In EPSG:4490, coordinates rounded to 1e-9°, outer rings counter-clockwise; null when unknown. */
  geometry: MultiPolygon | null
  /** In the source CRS, as read (or as repaired). */
  sourceGeometry: MultiPolygon | null
  repaired: boolean
}

export interface InspectResult {
  /** No error finding: the upload can be accepted. */
  ok: boolean
  format: ReadResult['format']
  layer: string | null
  layers: string[]
  encoding: string | null
  encodingSource: ReadResult['encodingSource']
  crs: number | null
  crsName: string | null
  crsSource: CrsSource | null
  featureCount: number
  parcels: ParcelPreview[]
  findings: Finding[]
}

/** Reads and inspects an upload (the server's and the CLI's entry point). */
export async function inspectFiles(files: InputFile[], options: InspectOptions): Promise<InspectResult> {
  const read = await readUpload(files, {
    ...(options.encoding ? { encoding: options.encoding } : {}),
    ...(options.layer ? { layer: options.layer } : {}),
    limits: options.limits,
  })
  return inspectRead(read, options)
}

/** At most this many vertices decide the CRS (spread evenly over the file). */
const SAMPLE_POINTS = 100_000
const ROUND = 1e9

function swapped(polygons: PolygonCoords[]): PolygonCoords[] {
  return polygons.map((p) => p.map((r) => r.map(([x, y]) => [y, x] as Position)))
}

function sampleOf(geometries: readonly (PolygonCoords[] | null)[], total: number): Position[] {
  const stride = Math.max(1, Math.ceil(total / SAMPLE_POINTS))
  const out: Position[] = []
  let k = 0
  for (const g of geometries) {
    if (!g) continue
    for (const p of g) {
      for (const r of p) {
        for (const q of r) {
          if (k++ % stride === 0) out.push(q)
        }
      }
    }
  }
  return out
}

/** Reprojects every vertex to EPSG:4490, rounded to 1e-9° (about 0.1 mm), keeping the structure. */
function reprojector(epsg: number): (g: PolygonCoords[]) => PolygonCoords[] {
  const convert = toLonLatConverter(epsg)
  return (g) =>
    g.map((p) =>
      p.map((r) => {
        const out: Position[] = new Array(r.length)
        for (let i = 0; i < r.length; i++) {
          const q = convert(r[i]![0], r[i]![1])
          q[0] = Math.round(q[0] * ROUND) / ROUND
          q[1] = Math.round(q[1] * ROUND) / ROUND
          out[i] = q
        }
        return out
      }),
    )
}

/** Outer rings counter-clockwise, holes clockwise (RFC 7946), on lon/lat; reverses rings in place. */
function rfc7946(polygons: PolygonCoords[]): PolygonCoords[] {
  for (const p of polygons) {
    for (let k = 0; k < p.length; k++) {
      const r = p[k]!
      let s = 0
      for (let i = 0, j = r.length - 1; i < r.length; j = i++)
        s += (r[j]![0] - r[i]![0]) * (r[j]![1] + r[i]![1])
      if (s > 0 !== (k === 0)) r.reverse() // s > 0: counter-clockwise
    }
  }
  return polygons
}

/** False when a coordinate could not be converted (NaN, Infinity): such a parcel is not drawn. */
function allFinite(polygons: PolygonCoords[]): boolean {
  for (const p of polygons) {
    for (const r of p) for (const q of r) if (!Number.isFinite(q[0]) || !Number.isFinite(q[1])) return false
  }
  return true
}

function countVertices(polygons: PolygonCoords[]): number {
  let n = 0
  for (const p of polygons) for (const r of p) n += r.length
  return n
}

/**
 * Validation findings the reader already made about the same feature (the GeoJSON and text readers
 * check ring closure and length, the text reader the declared area): the reader's finding is kept,
 * it knows the line or structure to point at.
 */
const TWINS: Record<string, string> = {
  'geometry.unclosed_ring': '.ring_unclosed',
  'geometry.too_few_points': '.ring_too_short',
  'parcel.area_mismatch': '.area_mismatch',
}

function withoutTwins(validation: Finding[], reader: readonly Finding[]): Finding[] {
  const said = new Set<string>()
  for (const f of reader) {
    const dot = f.code.indexOf('.')
    if (f.featureIndex !== null) said.add(`${f.featureIndex}${f.code.slice(dot)}`)
  }
  if (said.size === 0) return validation
  return validation.filter((f) => {
    const twin = TWINS[f.code]
    return !(twin && f.featureIndex !== null && said.has(`${f.featureIndex}${twin}`))
  })
}

function byFeature(a: Finding, b: Finding): number {
  return (a.featureIndex ?? -1) - (b.featureIndex ?? -1)
}

/** The pipeline on an already read upload; see the module header. */
export function inspectRead(
  read: ReadResult,
  options: Omit<InspectOptions, 'encoding' | 'layer'>,
): InspectResult {
  const deadline = () => checkDeadline(options.limits, read.layer ?? read.format)
  const features = read.features
  const source = features.map((f) => (f.geometry && options.swapAxes ? swapped(f.geometry) : f.geometry))
  const total = features.reduce((n, f) => n + f.vertexCount, 0)

  const crs = resolveCrs({
    hints: read.crsHints,
    sample: sampleOf(source, total),
    ...(options.crs !== undefined ? { override: options.crs } : {}),
    ...(options.county ? { county: { code: options.county.code, bbox: options.county.bbox } } : {}),
    format: read.format,
  })
  const findings: Finding[] = [...crs.findings]
  if (options.swapAxes && crs.epsg !== null) {
    findings.push({
      featureIndex: null,
      parcelNo: null,
      code: 'crs.axes_swapped_by_user',
      severity: 'warning',
      message: {
        'zh-CN': '已按您的选择交换每个坐标的 X 和 Y',
        en: 'X and Y of every coordinate were exchanged, as you chose',
      },
      location: null,
    })
  }
  deadline()

  let numbers: Map<number, string> | null = null
  const project = crs.epsg === null ? null : reprojector(crs.epsg)
  const lonLat = project ? source.map((g) => (g ? project(g) : null)) : source.map(() => null)
  deadline()

  // reader findings point at source coordinates: place them on the map
  const locate = crs.epsg === null ? null : toLonLatConverter(crs.epsg)
  for (const f of read.findings) {
    const at = f.sourceLocation
    if (f.location || !at || !locate) {
      findings.push(f)
      continue
    }
    const q = options.swapAxes ? locate(at[1], at[0]) : locate(at[0], at[1])
    findings.push({ ...f, location: Number.isFinite(q[0]) && Number.isFinite(q[1]) ? q : null })
  }

  let repaired = new Map<number, { polygons: PolygonCoords[]; polygons4490: PolygonCoords[] }>()
  let areas = new Map<number, number>()
  if (project) {
    const toValidate: FeatureToValidate[] = features.map((f, k) => ({
      index: f.index,
      parcelNo: f.parcelNo,
      declaredAreaM2: f.declaredAreaM2,
      polygons: source[k] ?? null,
      polygons4490: lonLat[k] ?? null,
    }))
    const validation = validateFeatures(toValidate, { repair: options.repair === true, onProgress: deadline })
    findings.push(...withoutTwins(validation.findings, read.findings))
    repaired = validation.repaired
    areas = validation.areasM2
    numbers = validation.parcelNumbers
    deadline()

    // location checks, unless the whole file is already known to be elsewhere
    if (!crs.findings.some((f) => f.code === 'crs.outside_china' || f.code === 'crs.outside_county')) {
      const located: LocatedParcel[] = []
      features.forEach((f, k) => {
        const g = repaired.get(f.index)?.polygons4490 ?? lonLat[k]
        const area = areas.get(f.index)
        if (!g || area === undefined) return
        located.push({
          who: { index: f.index, parcelNo: f.parcelNo?.trim() || null },
          polygons4490: g,
          areaM2: area,
        })
      })
      findings.push(...checkLocations(located, options.county))
    }
  } else {
    // no CRS: only what needs no coordinates
    const numbering = numberAndCheck(features)
    numbers = numbering.assigned
    findings.push(...numbering.findings)
  }
  findings.sort(byFeature)

  const parcels: ParcelPreview[] = features.map((f, k) => {
    const fixed = repaired.get(f.index)
    const g4490 = fixed?.polygons4490 ?? lonLat[k] ?? null
    const gSource = fixed?.polygons ?? source[k] ?? null
    return {
      index: f.index,
      parcelNo: numbers!.get(f.index)!,
      name: f.name,
      landUse: f.landUse,
      landClassCode: f.landClassCode,
      declaredAreaM2: f.declaredAreaM2,
      areaM2: areas.get(f.index) ?? 0,
      vertexCount: fixed ? countVertices(fixed.polygons) : f.vertexCount,
      geometry:
        g4490 && g4490.length && allFinite(g4490)
          ? { type: 'MultiPolygon', coordinates: rfc7946(g4490) }
          : null,
      sourceGeometry: gSource && gSource.length ? { type: 'MultiPolygon', coordinates: gSource } : null,
      repaired: fixed !== undefined,
    }
  })

  return {
    ok: !hasErrors(findings),
    format: read.format,
    layer: read.layer,
    layers: read.layers,
    encoding: read.encoding,
    encodingSource: read.encodingSource,
    crs: crs.epsg,
    crsName: crs.name,
    crsSource: crs.source,
    featureCount: features.length,
    parcels,
    findings,
  }
}

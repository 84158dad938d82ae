/**
 * Which coordinate system an upload's coordinates are in, and whether they can be right.
 *
 * Order of authority:
 * 1. the user's explicit choice (validated against the registry);
 * 2. what the file declares: the shapefile's `.prj`, the legacy GeoJSON `crs` member, the text file's
 *    `[属性描述]` header;
 * 3. inference from the coordinate ranges (see `shape.ts`), always said as a warning: lon/lat inside
 *    China → CGCS2000 lon/lat (EPSG:4490); 8-digit eastings → the CGCS2000 Gauss-Krüger zone their
 *    prefix names; 6-digit eastings → the CGCS2000 3° (or 6°) zone whose central meridian puts them
 *    inside the uploading county, when the county is known. CGCS2000 is assumed because it has been
 *    the national datum since 2008; Xian 1980 and Beijing 1954 data must be declared or chosen.
 *    GeoJSON without a `crs` member is lon/lat by definition (RFC 7946), so only lon/lat is assumed.
 *
 * Then the coordinates are held against the answer:
 * - exchanged axes — (northing, easting) or (lat, lon) — are an error, never swapped silently: a
 *   boundary is a legal record, and the preview must show what the county sent. The finding says how
 *   to fix it and carries `details.swapAxes`, so a client can offer the swap as an explicit choice;
 * - a declared system that the coordinates contradict (zone 35 declared, eastings prefixed 36; a
 *   prefixed system declared, plain eastings found) is `crs.mismatch`, naming both;
 * - coordinates that land outside China, or entirely outside the uploading county, are errors with the
 *   distance and direction, which is how a wrong zone shows itself ("310 km west of county 520102").
 */
import { finding, type Finding } from '../findings'
import type { CrsHints, FormatName, Position } from '../formats/types'
import { headerDeclaresCrs, epsgFromCoordTxtHeader } from './header'
import { crsLabel, equivalentCrs, gaussKrugerCode, msg, tidyZh, type Message } from './lookup'
import { epsgFromWkt, type CrsMatch } from './prj'
import { transformer } from './proj'
import {
  crsByCode,
  gk3ZoneForLongitude,
  gk6ZoneForLongitude,
  STORAGE_SRID,
  type CrsDefinition,
} from './registry'
import { CHINA_BBOX, coordinateShape, type CoordinateShape } from './shape'

export type CrsSource = 'user' | 'prj' | 'header' | 'geojson-crs' | 'inferred' | 'assumed'

export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number]

export interface CountyRef {
  /** 6-digit division code (行政区划代码). */
  code: string
  /** Bounding box in EPSG:4490. */
  bbox: BBox
}

export interface ResolveCrsInput {
  hints: CrsHints
  /** Source coordinates of the file (all vertices or a sample), GIS axis order. */
  sample: readonly Position[]
  /** The user's explicit choice (EPSG code). */
  override?: number
  county?: CountyRef
  /** The format read; GeoJSON without a `crs` member is only ever assumed to be lon/lat. */
  format?: FormatName
}

export interface CrsResolution {
  epsg: number | null
  name: string | null
  source: CrsSource | null
  findings: Finding[]
  /** The coordinates are (northing, easting) or (lat, lon); `epsg` is then null. */
  axesSwapped: boolean
}

/** How many points the location checks reproject at most. */
const CHECK_POINTS = 2000

/** A finding about the whole file. */
const fileFinding = (
  code: string,
  severity: 'error' | 'warning',
  m: Message,
  details?: Record<string, unknown>,
) => finding(code, severity, tidyZh(m['zh-CN']), m.en, details ? { details } : {})

/** The EPSG code of a GeoJSON `crs` name (`urn:ogc:def:crs:EPSG::4526`, `EPSG:4490`, `…/EPSG/0/4490`, CRS84). */
export function epsgFromGeojsonCrs(name: string): number | null {
  const n = name.trim()
  if (/CRS:?84$/i.test(n)) return 4326
  const m = /EPSG(?::[\d.]*:|:|\/\d+\/)(\d+)$/i.exec(n)
  return m ? Number(m[1]) : null
}

interface Declared {
  present: boolean
  source: CrsSource
  match: CrsMatch
  /** The finding code when the declaration cannot be understood. */
  failCode: string
}

function declaredCrs(hints: CrsHints, sample: readonly Position[]): Declared | null {
  if (hints.prjWkt != null && hints.prjWkt.trim() !== '') {
    return {
      present: true,
      source: 'prj',
      match: epsgFromWkt(hints.prjWkt),
      failCode: 'crs.prj_unrecognised',
    }
  }
  if (hints.geojsonCrs != null && hints.geojsonCrs.trim() !== '') {
    const code = epsgFromGeojsonCrs(hints.geojsonCrs)
    const def = code === null ? undefined : crsByCode(code)
    const match: CrsMatch = def
      ? { epsg: def.code, name: def.name, matchedBy: 'authority' }
      : {
          epsg: null,
          name: hints.geojsonCrs,
          reason: msg(
            `GeoJSON 的 crs 成员“${hints.geojsonCrs}”不是系统支持的坐标系：请明确选择坐标系`,
            `the GeoJSON crs member "${hints.geojsonCrs}" is not a coordinate system this system supports: choose the CRS explicitly`,
          ),
        }
    return { present: true, source: 'geojson-crs', match, failCode: 'crs.geojson_crs_unknown' }
  }
  if (headerDeclaresCrs(hints.coordTxtHeader)) {
    return {
      present: true,
      source: 'header',
      match: epsgFromCoordTxtHeader(hints.coordTxtHeader!, sample),
      failCode: 'crs.header_unrecognised',
    }
  }
  return null
}

const fmtNum = (n: number) => (Math.abs(n) >= 1000 ? Math.round(n).toString() : String(+n.toFixed(6)))

function rangeText(shape: CoordinateShape): string {
  const b = shape.bbox!
  return `x ${fmtNum(b[0])}…${fmtNum(b[2])}, y ${fmtNum(b[1])}…${fmtNum(b[3])}`
}

/** The CRS the coordinates would be in after exchanging the axes (for the suggestion), if clear. */
function inferredCode(shape: CoordinateShape, county: CountyRef | undefined, sample: readonly Position[]) {
  switch (shape.kind) {
    case 'lonlat':
    case 'latlon':
      return STORAGE_SRID
    case 'gk-prefixed':
    case 'gk-prefixed-swapped':
      return gaussKrugerCode('CGCS2000', shape.zone! >= 25 ? 3 : 6, shape.zone!, true)
    case 'gk-cm':
      return county ? countyCmCode(county, sample, false) : null
    case 'gk-cm-swapped':
      return county ? countyCmCode(county, sample, true) : null
    default:
      return null
  }
}

/** The CGCS2000 CM system (3° first, then 6°) that puts the sample's centre inside the county, or null. */
function countyCmCode(county: CountyRef, sample: readonly Position[], swapped: boolean): number | null {
  const lon = (county.bbox[0] + county.bbox[2]) / 2
  const candidates = [
    gaussKrugerCode('CGCS2000', 3, gk3ZoneForLongitude(lon), false),
    gaussKrugerCode('CGCS2000', 6, gk6ZoneForLongitude(lon), false),
  ].filter((c): c is number => c !== null)
  const centre = sampleCentre(sample, swapped)
  if (!centre) return null
  for (const code of candidates) {
    const ll = toLonLat(code, centre)
    if (ll && insideBBox(ll, county.bbox, 0.02)) return code
  }
  return null
}

function sampleCentre(sample: readonly Position[], swapped = false): Position | null {
  const s = coordinateShape(sample)
  if (!s.bbox) return null
  const c: Position = [(s.bbox[0] + s.bbox[2]) / 2, (s.bbox[1] + s.bbox[3]) / 2]
  return swapped ? [c[1], c[0]] : c
}

function toLonLat(code: number, p: Position): Position | null {
  if (code === STORAGE_SRID) return p
  const out = transformer(code, STORAGE_SRID).forward([p[0], p[1]])
  return Number.isFinite(out[0]) && Number.isFinite(out[1]) ? [out[0]!, out[1]!] : null
}

function insideBBox(p: Position, b: BBox, margin = 0): boolean {
  return p[0] >= b[0] - margin && p[0] <= b[2] + margin && p[1] >= b[1] - margin && p[1] <= b[3] + margin
}

const swapFix = msg(
  '请在源数据中交换 X、Y 两列后重新导出，或上传时选择“交换 X/Y”',
  're-export with the X and Y columns exchanged, or upload again choosing "swap X/Y"',
)

function axesSwappedFinding(shape: CoordinateShape, suggested: number | null): Finding {
  const what =
    shape.kind === 'latlon'
      ? msg('坐标是（纬度，经度）顺序', 'the coordinates are (latitude, longitude)')
      : msg(
          '坐标是（北坐标 X，东坐标 Y）顺序，即测量习惯的 X/Y，而 GIS 要求（东，北）',
          'the coordinates are (northing, easting), the survey X/Y order, where GIS expects (easting, northing)',
        )
  const after = suggested
    ? msg(`；交换后为 ${crsLabel(suggested)['zh-CN']}`, `; swapped, they would be ${crsLabel(suggested).en}`)
    : msg('', '')
  return fileFinding(
    'crs.axes_swapped',
    'error',
    msg(
      `${what['zh-CN']}（${rangeText(shape)}）${after['zh-CN']}。${swapFix['zh-CN']}`,
      `${what.en} (${rangeText(shape)})${after.en}. Fix: ${swapFix.en}`,
    ),
    { swapAxes: true, ...(suggested ? { suggestedEpsg: suggested } : {}) },
  )
}

function shapeText(shape: CoordinateShape): Message {
  switch (shape.kind) {
    case 'lonlat':
      return msg('经纬度', 'longitude/latitude')
    case 'gk-prefixed':
      return msg(`含带号 ${shape.zone} 的 8 位东坐标`, `8-digit eastings with the zone prefix ${shape.zone}`)
    case 'gk-cm':
      return msg('不含带号的 6 位东坐标', '6-digit eastings without a zone prefix')
    default:
      return msg(`坐标范围 ${rangeText(shape)}`, `coordinates ranging ${rangeText(shape)}`)
  }
}

/**
 * Whether the coordinates contradict a declared system; returns the error (crs.mismatch or
 * crs.axes_swapped) or null. `who` says who declared it ("the .prj", "the CRS you chose").
 */
function contradiction(
  def: CrsDefinition,
  shape: CoordinateShape,
  who: Message,
  source: CrsSource,
): Finding | null {
  const k = shape.kind
  if (k === 'empty' || k === 'other') return null
  if (def.kind === 'web-mercator' && k !== 'lonlat') return null
  const swapped = k === 'latlon' || k === 'gk-prefixed-swapped' || k === 'gk-cm-swapped'
  const expected: Record<CrsDefinition['kind'], boolean> = {
    geographic: k === 'lonlat' || k === 'latlon',
    'gauss-kruger':
      (def.zonePrefixed && (k === 'gk-prefixed' || k === 'gk-prefixed-swapped') && shape.zone === def.zone) ||
      (!def.zonePrefixed && (k === 'gk-cm' || k === 'gk-cm-swapped')),
    'web-mercator': false,
  }
  if (expected[def.kind]) {
    return swapped ? axesSwappedFinding(shape, def.code) : null
  }
  let suggestion: number | null = null
  if (def.kind === 'gauss-kruger' && (k === 'gk-prefixed' || k === 'gk-prefixed-swapped')) {
    suggestion = gaussKrugerCode(def.datum, shape.zone! >= 25 ? 3 : 6, shape.zone!, true)
  } else if (def.kind === 'gauss-kruger' && (k === 'gk-cm' || k === 'gk-cm-swapped')) {
    suggestion = gaussKrugerCode(def.datum, def.zoneWidth!, def.zone!, false)
  } else if (k === 'lonlat') {
    suggestion = STORAGE_SRID
  } else if (k === 'gk-prefixed') {
    suggestion = gaussKrugerCode('CGCS2000', shape.zone! >= 25 ? 3 : 6, shape.zone!, true)
  }
  const label = crsLabel(def.code)
  const found = shapeText(shape)
  const fit = suggestion
    ? msg(`，与 ${crsLabel(suggestion)['zh-CN']} 相符`, `, which fit ${crsLabel(suggestion).en}`)
    : msg('', '')
  return fileFinding(
    'crs.mismatch',
    'error',
    msg(
      `${who['zh-CN']}为 ${label['zh-CN']}，但坐标是${found['zh-CN']}${fit['zh-CN']}：请核对坐标系`,
      `${who.en} ${label.en}, but the coordinates are ${found.en}${fit.en}: check the coordinate system`,
    ),
    { epsg: def.code, source, ...(suggestion ? { suggestedEpsg: suggestion } : {}) },
  )
}

const WHO: Record<CrsSource, Message> = {
  user: msg('您选择的坐标系', 'the CRS you chose is'),
  prj: msg('.prj 声明的坐标系', 'the .prj declares'),
  header: msg('文件头[属性描述]声明的坐标系', 'the [属性描述] header declares'),
  'geojson-crs': msg('GeoJSON 的 crs 成员声明的坐标系', 'the GeoJSON crs member declares'),
  inferred: msg('推断的坐标系', 'the inferred CRS is'),
  assumed: msg('假定的坐标系', 'the assumed CRS is'),
}

const DIRECTIONS: { zh: string; en: string }[] = [
  { zh: '以东', en: 'east' },
  { zh: '东北方向', en: 'northeast' },
  { zh: '以北', en: 'north' },
  { zh: '西北方向', en: 'northwest' },
  { zh: '以西', en: 'west' },
  { zh: '西南方向', en: 'southwest' },
  { zh: '以南', en: 'south' },
  { zh: '东南方向', en: 'southeast' },
]

/** Great-circle distance in km (spherical, enough for "310 km west"). */
export function distanceKm(a: Position, b: Position): number {
  const r = Math.PI / 180
  const dLat = (b[1] - a[1]) * r
  const dLon = (b[0] - a[0]) * r
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(dLon / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Distance (km) and direction from a bounding box to a point outside it. */
export function offsetFromBBox(p: Position, b: BBox): { km: number; direction: { zh: string; en: string } } {
  const nearest: Position = [Math.min(Math.max(p[0], b[0]), b[2]), Math.min(Math.max(p[1], b[1]), b[3])]
  const dx = (p[0] - nearest[0]) * Math.cos((p[1] * Math.PI) / 180)
  const dy = p[1] - nearest[1]
  const octant = ((Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) % 8) + 8) % 8
  return { km: distanceKm(p, nearest), direction: DIRECTIONS[octant]! }
}

/** An evenly spread subset of at most `max` points. */
function thin(sample: readonly Position[], max: number): Position[] {
  if (sample.length <= max) return sample.slice()
  const step = sample.length / max
  const out: Position[] = []
  for (let i = 0; i < max; i++) out.push(sample[Math.floor(i * step)]!)
  return out
}

/** Errors for coordinates that, read in `code`, fall outside China or entirely outside the county. */
function locationFindings(
  code: number,
  sample: readonly Position[],
  county: CountyRef | undefined,
  source: CrsSource,
): Finding[] {
  const points = thin(sample, CHECK_POINTS)
  const project = code === STORAGE_SRID ? null : transformer(code, STORAGE_SRID)
  let inside = 0
  let finite = 0
  let minLon = Infinity
  let minLat = Infinity
  let maxLon = -Infinity
  let maxLat = -Infinity
  for (const p of points) {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue
    const q = project ? project.forward([p[0], p[1]]) : p
    const lon = q[0]!
    const lat = q[1]!
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue
    finite++
    if (insideBBox([lon, lat], CHINA_BBOX)) inside++
    if (lon < minLon) minLon = lon
    if (lon > maxLon) maxLon = lon
    if (lat < minLat) minLat = lat
    if (lat > maxLat) maxLat = lat
  }
  const label = crsLabel(code)
  if (finite === 0) {
    return points.length === 0
      ? []
      : [
          fileFinding(
            'crs.outside_china',
            'error',
            msg(
              `按 ${label['zh-CN']} 无法换算这些坐标（${rangeText(coordinateShape(points))}）：请核对坐标系`,
              `the coordinates (${rangeText(coordinateShape(points))}) cannot be converted as ${label.en}: check the coordinate system`,
            ),
            { epsg: code, source },
          ),
        ]
  }
  const centre: Position = [(minLon + maxLon) / 2, (minLat + maxLat) / 2]
  const where = `(${centre[0].toFixed(4)}, ${centre[1].toFixed(4)})`
  if (inside / finite < 0.5) {
    return [
      {
        ...fileFinding(
          'crs.outside_china',
          'error',
          msg(
            `按 ${label['zh-CN']} 换算，坐标位于 ${where}，在中国范围之外：请核对坐标系`,
            `read as ${label.en}, the coordinates fall at ${where}, outside China: check the coordinate system`,
          ),
          { epsg: code, source },
        ),
        location: centre,
      },
    ]
  }
  if (
    county &&
    !(
      maxLon >= county.bbox[0] &&
      minLon <= county.bbox[2] &&
      maxLat >= county.bbox[1] &&
      minLat <= county.bbox[3]
    )
  ) {
    const { km, direction } = offsetFromBBox(centre, county.bbox)
    const distance = km < 10 ? km.toFixed(1) : String(Math.round(km))
    const def = crsByCode(code)!
    let hint = msg('请核对坐标系', 'is the coordinate system right?')
    if (def.kind === 'gauss-kruger') {
      hint = msg(
        `${WHO[source]['zh-CN']}的投影带是否正确？`,
        `is the ${source === 'prj' ? '.prj ' : ''}zone right?`,
      )
      if (!def.zonePrefixed) {
        const better = countyCmCode(county, sample, false)
        if (better !== null && better !== code) {
          hint = msg(
            `${hint['zh-CN']}按 ${crsLabel(better)['zh-CN']} 换算则落在县内`,
            `${hint.en} Read as ${crsLabel(better).en}, they fall inside the county`,
          )
        }
      }
    }
    return [
      {
        ...fileFinding(
          'crs.outside_county',
          'error',
          msg(
            `按 ${label['zh-CN']} 换算，坐标位于县 ${county.code} ${direction.zh}约 ${distance} 公里处：${hint['zh-CN']}`,
            `read as ${label.en}, the coordinates fall ${distance} km ${direction.en} of county ${county.code}; ${hint.en}`,
          ),
          { epsg: code, source, distanceKm: +km.toFixed(1), direction: direction.en, county: county.code },
        ),
        location: centre,
      },
    ]
  }
  return []
}

function resolved(code: number, source: CrsSource, findings: Finding[]): CrsResolution {
  return { epsg: code, name: crsByCode(code)!.name, source, findings, axesSwapped: false }
}

function failed(findings: Finding[], axesSwapped = false): CrsResolution {
  return { epsg: null, name: null, source: null, findings, axesSwapped }
}

/** Decides the CRS of an upload's coordinates; see the module header for the rules. */
export function resolveCrs(input: ResolveCrsInput): CrsResolution {
  const { hints, sample, override, county } = input
  const shape = coordinateShape(sample)
  const findings: Finding[] = []
  const declared = declaredCrs(hints, sample)

  const check = (code: number, source: CrsSource): CrsResolution => {
    const def = crsByCode(code)!
    const problem = contradiction(def, shape, WHO[source], source)
    if (problem) {
      findings.push(problem)
      if (problem.code === 'crs.axes_swapped') return failed(findings, true)
      return resolved(code, source, findings)
    }
    findings.push(...locationFindings(code, sample, county, source))
    return resolved(code, source, findings)
  }

  if (override !== undefined) {
    if (!crsByCode(override)) {
      findings.push(
        fileFinding(
          'crs.unknown_override',
          'error',
          msg(
            `EPSG:${override} 不是系统支持的坐标系：请从列表中选择（2000国家大地坐标系经纬度或高斯-克吕格投影带等）`,
            `EPSG:${override} is not a coordinate system this system supports: choose one from the list (CGCS2000 lon/lat or Gauss-Kruger zones, …)`,
          ),
          { epsg: override },
        ),
      )
      return failed(findings)
    }
    const d = declared?.match.epsg
    if (d != null && !equivalentCrs(d, override)) {
      findings.push(
        fileFinding(
          'crs.override_differs',
          'warning',
          msg(
            `按您选择的 ${crsLabel(override)['zh-CN']} 处理；文件声明的是 ${crsLabel(d)['zh-CN']}`,
            `using ${crsLabel(override).en} as you chose; the file declares ${crsLabel(d).en}`,
          ),
          { epsg: override, declaredEpsg: d },
        ),
      )
    }
    return check(override, 'user')
  }

  if (declared) {
    const { match, source } = declared
    for (const note of match.notes ?? []) findings.push(fileFinding('crs.declaration_note', 'warning', note))
    if (match.epsg !== null) return check(match.epsg, source)
    const suggestion = inferredCode(shape, county, sample)
    const fit = suggestion
      ? msg(
          `（坐标看起来是 ${crsLabel(suggestion)['zh-CN']}）`,
          ` (the coordinates look like ${crsLabel(suggestion).en})`,
        )
      : msg('', '')
    findings.push(
      fileFinding(
        declared.failCode,
        'error',
        msg(`${match.reason!['zh-CN']}${fit['zh-CN']}`, `${match.reason!.en}${fit.en}`),
        { declared: match.name, ...(suggestion ? { suggestedEpsg: suggestion } : {}) },
      ),
    )
    return failed(findings)
  }

  // nothing declared: infer from the coordinates
  if (shape.kind === 'empty') return failed(findings)
  if (shape.mixed) {
    const parts = shape.kinds
      .slice(0, 3)
      .map((k) => `${k.kind}${k.zone ? ` ${k.zone}` : ''} ${(k.share * 100).toFixed(0)}%`)
      .join(', ')
    findings.push(
      fileFinding(
        'crs.mixed_coordinates',
        'error',
        msg(
          `坐标混杂了不同的坐标系或格式（${parts}），无法推断坐标系：请检查数据并明确选择坐标系`,
          `the coordinates mix different systems or formats (${parts}), so no CRS can be inferred: check the data and choose the CRS explicitly`,
        ),
        { kinds: shape.kinds },
      ),
    )
    return failed(findings)
  }
  const suggestion = inferredCode(shape, county, sample)
  if (shape.kind === 'latlon' || shape.kind === 'gk-prefixed-swapped' || shape.kind === 'gk-cm-swapped') {
    findings.push(axesSwappedFinding(shape, suggestion))
    return failed(findings, true)
  }
  if (shape.kind === 'lonlat') {
    findings.push(
      fileFinding(
        'crs.assumed_lonlat',
        'warning',
        msg(
          '文件未声明坐标系；坐标为中国范围内的经纬度，按 2000国家大地坐标系经纬度（EPSG:4490）处理',
          'the file declares no coordinate system; the coordinates are longitude/latitude inside China and are read as CGCS2000 (EPSG:4490)',
        ),
        { epsg: STORAGE_SRID },
      ),
    )
    return check(STORAGE_SRID, 'assumed')
  }
  if (input.format === 'geojson') {
    const fit = suggestion
      ? msg(`，看起来是 ${crsLabel(suggestion)['zh-CN']}`, `; they look like ${crsLabel(suggestion).en}`)
      : msg('', '')
    findings.push(
      fileFinding(
        'crs.geojson_not_lonlat',
        'error',
        msg(
          `GeoJSON 没有 crs 成员，但坐标不是经纬度（${rangeText(shape)}）${fit['zh-CN']}：请明确选择坐标系`,
          `the GeoJSON has no crs member but its coordinates are not longitude/latitude (${rangeText(shape)})${fit.en}: choose the CRS explicitly`,
        ),
        suggestion ? { suggestedEpsg: suggestion } : undefined,
      ),
    )
    return failed(findings)
  }
  if (shape.kind === 'gk-prefixed' && suggestion !== null) {
    const label = crsLabel(suggestion)
    findings.push(
      fileFinding(
        'crs.inferred',
        'warning',
        msg(
          `文件未声明坐标系；东坐标含带号 ${shape.zone}，按 ${label['zh-CN']} 处理。如为 1980西安或 1954北京坐标，请明确选择坐标系`,
          `the file declares no coordinate system; the eastings carry the zone prefix ${shape.zone}, so ${label.en} is assumed. If the data are Xian 1980 or Beijing 1954, choose the CRS explicitly`,
        ),
        { epsg: suggestion },
      ),
    )
    return check(suggestion, 'inferred')
  }
  if (shape.kind === 'gk-cm') {
    if (county && suggestion !== null) {
      const label = crsLabel(suggestion)
      findings.push(
        fileFinding(
          'crs.inferred',
          'warning',
          msg(
            `文件未声明坐标系；东坐标不含带号，按县 ${county.code} 所在投影带取 ${label['zh-CN']}。如不正确，请明确选择坐标系`,
            `the file declares no coordinate system; the eastings carry no zone prefix, so the zone of county ${county.code} was used: ${label.en}. If that is wrong, choose the CRS explicitly`,
          ),
          { epsg: suggestion, county: county.code },
        ),
      )
      return check(suggestion, 'inferred')
    }
    findings.push(
      fileFinding(
        'crs.needs_zone',
        'error',
        county
          ? msg(
              `文件未声明坐标系；东坐标不含带号，而县 ${county.code} 所在的 3 度带和 6 度带都不能使坐标落在县内：请明确选择坐标系（含投影带）`,
              `the file declares no coordinate system and the eastings carry no zone prefix; neither the 3-degree nor the 6-degree zone of county ${county.code} puts them inside the county: choose the CRS (with its zone) explicitly`,
            )
          : msg(
              '文件未声明坐标系；东坐标不含带号，无法确定投影带：请明确选择坐标系（含投影带）',
              'the file declares no coordinate system and the eastings carry no zone prefix, so the zone cannot be known: choose the CRS (with its zone) explicitly',
            ),
      ),
    )
    return failed(findings)
  }
  findings.push(
    fileFinding(
      'crs.undetermined',
      'error',
      msg(
        `文件未声明坐标系，坐标（${rangeText(shape)}）既不像中国范围内的经纬度，也不像高斯-克吕格坐标：请明确选择坐标系`,
        `the file declares no coordinate system and its coordinates (${rangeText(shape)}) look neither like longitude/latitude in China nor like Gauss-Kruger coordinates: choose the CRS explicitly`,
      ),
    ),
  )
  return failed(findings)
}

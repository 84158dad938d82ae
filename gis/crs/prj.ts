/**
 * Which EPSG code a `.prj` (WKT) describes.
 *
 * Shapefiles reach the province from ArcGIS (ESRI WKT: `CGCS2000_3_Degree_GK_Zone_36`, no EPSG code),
 * from GDAL/QGIS (OGC WKT1 with `AUTHORITY["EPSG","4524"]`, or WKT2 with `ID["EPSG",4524]`) and from
 * Chinese GIS tools that write either with their own spellings. Three ways to recognise one, in order:
 *
 * 1. an EPSG authority on the CRS itself (not on its datum or base CRS) that the registry knows;
 * 2. the CRS name, compared case-, space- and underscore-insensitively against the patterns the tools
 *    use (`CGCS2000_3_Degree_GK_CM_108E`, `CGCS2000 / 3-degree Gauss-Kruger zone 36`,
 *    `Beijing_1954_GK_Zone_18N`, `GCS_China_Geodetic_Coordinate_System_2000` …);
 * 3. the parameters: datum (by its spheroid's semi-major axis and inverse flattening, else by name),
 *    projection (Gauss-Krüger / Transverse Mercator, scale factor 1, latitude of origin 0), central
 *    meridian and false easting (500 000 m for the CM variants, zone × 1 000 000 + 500 000 m for the
 *    zone-prefixed ones).
 *
 * When a name and complete parameters disagree, the parameters win: they are what every GIS draws
 * with. When nothing matches, the answer says what the `.prj` does describe, so the user can pick the
 * right system (or see that the file was exported in a system the province does not accept).
 */
import { crsByCode } from './registry'
import {
  crsLabel,
  equivalentCrs,
  gaussKrugerCode,
  geographicCode,
  msg,
  zoneOfCentralMeridian,
} from './lookup'
import type { Datum, Message } from './lookup'
import { child, children, find, nameOf, numberArg, parseWkt, type WktNode } from './wktParser'

export interface CrsMatch {
  epsg: number | null
  /** The registry name of the code found, else the name the description gives, else null. */
  name: string | null
  /** How the code was found. */
  matchedBy?: 'authority' | 'name' | 'parameters' | 'header'
  /** Why nothing was found, in words the user can act on (set when `epsg` is null). */
  reason?: Message
  /** Worth a warning although a code was found (name and parameters disagree, datum assumed …). */
  notes?: Message[]
}

const PROJECTED = ['PROJCS', 'PROJCRS', 'PROJECTEDCRS']
const GEOGRAPHIC = ['GEOGCS', 'GEOGCRS', 'GEODCRS', 'GEOGRAPHICCRS', 'GEODETICCRS']

/** Lower case, no accents, every run of non-alphanumerics one space: "Gauss-Krüger_Zone" → "gauss kruger zone". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

const DATUM_PATTERNS: [Datum, RegExp][] = [
  ['CGCS2000', /^(?:d )?(?:cgcs ?2000|china geodetic coordinate system 2000|china 2000|china2000)/],
  ['Xian 1980', /^(?:d )?xian ?(?:19)?80/],
  ['Beijing 1954', /^(?:d )?beijing ?(?:19)?54/],
  ['WGS 84', /^(?:d )?(?:wgs ?(?:19)?84|world geodetic system 1984)/],
]

function datumFromName(name: string | null): Datum | null {
  if (!name) return null
  const n = normaliseName(name).replace(/^gcs /, '')
  for (const [datum, re] of DATUM_PATTERNS) if (re.test(n)) return datum
  return null
}

const WEB_MERCATOR_NAMES = new Set([
  'wgs 1984 web mercator auxiliary sphere',
  'wgs 1984 web mercator',
  'wgs 84 pseudo mercator',
  'popular visualisation crs mercator',
  'google maps global mercator',
])

const GK_NAME =
  /^(.*?) (?:(3|6) degree )?(?:gk|gauss kruger|gauss krueger|gausskruger|gauss) (?:zone (\d+)( n)?|(?:zone )?cm (\d+) ?e?)$/

/** The registry code a CRS name stands for, or null. */
export function epsgFromName(name: string): number | null {
  const n = normaliseName(name).replace(/(\d)n$/, '$1 n')
  if (WEB_MERCATOR_NAMES.has(n)) return 3857
  const gk = GK_NAME.exec(n)
  if (gk) {
    const datum = datumFromName(gk[1]!)
    if (!datum) return null
    const width = gk[2] === '3' ? 3 : 6
    if (gk[3] !== undefined) {
      // "Zone 18N" is ArcGIS's name for the 6° CM variant of Beijing 1954 (and some Xian 1980 exports)
      return gaussKrugerCode(datum, width, Number(gk[3]), gk[4] === undefined)
    }
    const zone = zoneOfCentralMeridian(width, Number(gk[5]))
    return zone === null ? null : gaussKrugerCode(datum, width, zone, false)
  }
  const bare = n.replace(/^gcs /, '')
  if (
    [
      'cgcs2000',
      'cgcs 2000',
      'china geodetic coordinate system 2000',
      'china 2000',
      'xian 1980',
      'beijing 1954',
      'wgs 1984',
      'wgs 84',
    ].includes(bare)
  ) {
    return geographicCode(datumFromName(bare)!)
  }
  return null
}

// ---------------------------------------------------------------------------------------------------
// parameters

interface Spheroid {
  name: string | null
  a: number
  rf: number
}

const SPHEROIDS: { datum: Datum; a: number; rf: number; zh: string; en: string }[] = [
  {
    datum: 'CGCS2000',
    a: 6378137,
    rf: 298.257222101,
    zh: 'CGCS2000 椭球',
    en: 'CGCS2000 (GRS 1980) spheroid',
  },
  { datum: 'WGS 84', a: 6378137, rf: 298.257223563, zh: 'WGS84 椭球', en: 'WGS 84 spheroid' },
  {
    datum: 'Xian 1980',
    a: 6378140,
    rf: 298.257,
    zh: '1975 国际椭球（西安 80）',
    en: 'IAG 1975 spheroid (Xian 1980)',
  },
  {
    datum: 'Beijing 1954',
    a: 6378245,
    rf: 298.3,
    zh: '克拉索夫斯基椭球（北京 54）',
    en: 'Krassowsky 1940 spheroid (Beijing 1954)',
  },
]

function knownSpheroid(s: Spheroid) {
  return SPHEROIDS.find((k) => Math.abs(k.a - s.a) < 0.01 && Math.abs(k.rf - s.rf) < 2e-7)
}

interface Description {
  kind: 'projected' | 'geographic'
  name: string | null
  datumName: string | null
  spheroid: Spheroid | null
  method: string | null
  /** Parameters by normalised name, angles in degrees, lengths in the CRS unit. */
  params: Map<string, number>
  /** Linear unit (projected) or angular unit (geographic): name and factor to metres / radians. */
  unit: { name: string; factor: number } | null
}

const DEGREE = Math.PI / 180

function describe(crs: WktNode, kind: Description['kind']): Description {
  const geog = kind === 'geographic' ? crs : child(crs, ...GEOGRAPHIC, 'BASEGEOGCRS', 'BASEGEODCRS')
  const datumNode = geog ? find(geog, 'DATUM', 'GEODETICDATUM', 'TRF', 'ENSEMBLE') : undefined
  const sph = geog ? find(geog, 'SPHEROID', 'ELLIPSOID') : undefined
  const a = numberArg(sph, 1)
  const rf = numberArg(sph, 2)
  const params = new Map<string, number>()
  let method: string | null = null
  if (kind === 'projected') {
    const conversion = child(crs, 'CONVERSION') ?? crs
    method = nameOf(child(conversion, 'PROJECTION', 'METHOD'))
    for (const p of children(conversion, 'PARAMETER')) {
      const name = nameOf(p)
      let value = numberArg(p, 1)
      if (name === null || value === null) continue
      const angle = child(p, 'ANGLEUNIT')
      const factor = numberArg(angle, 1)
      if (angle && factor) value = (value * factor) / DEGREE
      params.set(normaliseName(name), value)
    }
  }
  let unitNode = kind === 'projected' ? child(crs, 'UNIT', 'LENGTHUNIT') : child(crs, 'UNIT', 'ANGLEUNIT')
  if (!unitNode) {
    const cs = children(crs, 'AXIS')[0] ?? crs
    unitNode = find(cs, kind === 'projected' ? 'LENGTHUNIT' : 'ANGLEUNIT')
  }
  const unitFactor = numberArg(unitNode, 1)
  return {
    kind,
    name: nameOf(crs),
    datumName: nameOf(datumNode),
    spheroid: a !== null && rf !== null ? { name: nameOf(sph), a, rf } : null,
    method,
    params,
    unit: unitNode && unitFactor !== null ? { name: nameOf(unitNode) ?? '?', factor: unitFactor } : null,
  }
}

function param(d: Description, ...names: string[]): number | null {
  for (const n of names) {
    const v = d.params.get(n)
    if (v !== undefined) return v
  }
  return null
}

function datumOf(d: Description): Datum | null {
  const named = datumFromName(d.datumName) ?? datumFromName(d.spheroid?.name ?? null)
  if (!d.spheroid) return named
  const exact = knownSpheroid(d.spheroid)
  if (exact) return exact.datum
  // numbers printed with fewer decimals: trust the datum name when its spheroid is close to them
  const loose = SPHEROIDS.find((k) => k.datum === named)
  if (loose && Math.abs(loose.a - d.spheroid.a) < 1 && Math.abs(loose.rf - d.spheroid.rf) < 1e-3) return named
  return null
}

function spheroidText(d: Description): { zh: string; en: string } {
  if (!d.spheroid) return { zh: '未说明的椭球', en: 'an unstated spheroid' }
  const k = knownSpheroid(d.spheroid)
  if (k) return { zh: k.zh, en: `the ${k.en}` }
  const s = `a = ${d.spheroid.a}, 1/f = ${d.spheroid.rf}`
  return { zh: `未知椭球（${s}）`, en: `an unknown spheroid (${s})` }
}

const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US').replace(/,/g, ' ') : String(n))

/** What a description says, in words: "Transverse Mercator on the Krassowsky spheroid, CM 111.5°E …". */
function sayWhat(d: Description): Message {
  const sph = spheroidText(d)
  if (d.kind === 'geographic') return msg(`基于${sph.zh}的经纬度坐标`, `longitude/latitude on ${sph.en}`)
  const cm = param(d, 'central meridian', 'longitude of natural origin', 'longitude of origin')
  const fe = param(d, 'false easting')
  const k = param(d, 'scale factor', 'scale factor at natural origin')
  const tm = d.method && /gauss|transverse mercator/.test(normaliseName(d.method))
  const zh = [`${tm ? '横轴墨卡托（高斯-克吕格）' : (d.method ?? '未说明的')}投影，${sph.zh}`]
  const en = [`${d.method?.replace(/_/g, ' ') ?? 'an unstated projection'} on ${sph.en}`]
  if (cm !== null) {
    zh.push(`中央经线 ${cm}°E`)
    en.push(`central meridian ${cm}°E`)
  }
  if (fe !== null) {
    zh.push(`东偏移 ${fmt(fe)} 米`)
    en.push(`false easting ${fmt(fe)} m`)
  }
  if (k !== null) {
    zh.push(`比例因子 ${k}`)
    en.push(`scale factor ${k}`)
  }
  return msg(zh.join('，'), en.join(', '))
}

type ParamMatch = { epsg: number } | { reason: Message } | { incomplete: true }

const CHOOSE = msg('请明确选择坐标系', 'choose the CRS explicitly')

function unmatched(d: Description, why: Message): { reason: Message } {
  const what = sayWhat(d)
  return {
    reason: msg(
      `.prj 描述的是${what['zh-CN']}，${why['zh-CN']}：${CHOOSE['zh-CN']}`,
      `the .prj describes ${what.en}, ${why.en}: ${CHOOSE.en}`,
    ),
  }
}

function matchParameters(d: Description): ParamMatch {
  if (!d.spheroid && !d.datumName) return { incomplete: true }
  const datum = datumOf(d)
  if (!datum) return unmatched(d, msg('不是系统支持的大地基准', 'which is not a datum this system supports'))
  if (d.kind === 'geographic') {
    if (d.unit && Math.abs(d.unit.factor - DEGREE) > 1e-9) {
      return unmatched(d, msg(`角度单位为 ${d.unit.name}，只支持度`, `in ${d.unit.name}, not degrees`))
    }
    return { epsg: geographicCode(datum) }
  }
  if (!d.method || d.params.size === 0) return { incomplete: true }
  if (d.unit && Math.abs(d.unit.factor - 1) > 1e-12) {
    return unmatched(d, msg(`长度单位为 ${d.unit.name}，只支持米`, `in ${d.unit.name}, not metres`))
  }
  const method = normaliseName(d.method)
  const fe = param(d, 'false easting') ?? 0
  const fn = param(d, 'false northing') ?? 0
  const cm = param(d, 'central meridian', 'longitude of natural origin', 'longitude of origin') ?? 0
  const k = param(d, 'scale factor', 'scale factor at natural origin') ?? 1
  const lat0 = param(d, 'latitude of origin', 'latitude of natural origin') ?? 0
  if (/mercator auxiliary sphere|pseudo mercator/.test(method)) {
    if (datum === 'WGS 84' && fe === 0 && fn === 0 && cm === 0) return { epsg: 3857 }
    return unmatched(d, msg('与 Web 墨卡托（EPSG:3857）参数不符', 'which is not Web Mercator (EPSG:3857)'))
  }
  if (!/^(gauss kruger|gauss krueger|gausskruger|transverse mercator)/.test(method)) {
    return unmatched(d, msg('不是高斯-克吕格投影', 'which is not a Gauss-Kruger projection'))
  }
  if (Math.abs(k - 1) > 1e-9 || lat0 !== 0 || fn !== 0) {
    return unmatched(
      d,
      msg(
        '不是标准高斯-克吕格分带（比例因子应为 1，原点纬度和北偏移应为 0）',
        'which is not a standard Gauss-Kruger zone (scale factor 1, latitude of origin and false northing 0)',
      ),
    )
  }
  if (fe === 500_000) {
    const zone3 = zoneOfCentralMeridian(3, cm)
    const code = zone3 === null ? null : gaussKrugerCode(datum, 3, zone3, false)
    if (code !== null) return { epsg: code }
  } else if (Number.isInteger((fe - 500_000) / 1_000_000)) {
    const zone = (fe - 500_000) / 1_000_000
    const code =
      cm === zone * 3
        ? gaussKrugerCode(datum, 3, zone, true)
        : cm === zone * 6 - 3
          ? gaussKrugerCode(datum, 6, zone, true)
          : null
    if (code !== null) return { epsg: code }
    return unmatched(
      d,
      msg(
        `东偏移含带号 ${zone}，但中央经线 ${cm}°E 不属于第 ${zone} 带，与任何标准分带都不符`,
        `whose false easting carries zone ${zone} while the central meridian ${cm}°E does not belong to zone ${zone}, so it matches no standard zone`,
      ),
    )
  }
  return unmatched(d, msg('与任何标准分带都不符', 'which matches no standard zone'))
}

// ---------------------------------------------------------------------------------------------------

function authority(node: WktNode): number | null {
  const auth = child(node, 'AUTHORITY', 'ID')
  if (!auth || typeof auth.args[0] !== 'string' || auth.args[0].toUpperCase() !== 'EPSG') return null
  return numberArg(auth, 1)
}

/** The horizontal CRS inside compound and bound CRSs. */
function horizontal(root: WktNode): WktNode {
  if (['COMPD_CS', 'COMPOUNDCRS'].includes(root.keyword)) {
    return child(root, ...PROJECTED, ...GEOGRAPHIC) ?? root
  }
  if (root.keyword === 'BOUNDCRS') {
    const source = child(root, 'SOURCECRS')
    const inner = source?.args.find((a): a is WktNode => typeof a === 'object')
    return inner ? horizontal(inner) : root
  }
  return root
}

function found(epsg: number, matchedBy: CrsMatch['matchedBy'], notes: Message[] = []): CrsMatch {
  return { epsg, name: crsByCode(epsg)!.name, matchedBy, ...(notes.length ? { notes } : {}) }
}

/** The EPSG code a `.prj` describes, or null with the reason in words the user can act on. */
export function epsgFromWkt(wkt: string): CrsMatch {
  const text = wkt.trim().replace(/^\uFEFF/, '')
  if (text === '') {
    return {
      epsg: null,
      name: null,
      reason: msg('.prj 文件是空的：请明确选择坐标系', 'the .prj is empty: ' + CHOOSE.en),
    }
  }
  const bare = /^EPSG:\s*(\d+)$/i.exec(text)
  if (bare) {
    const code = Number(bare[1])
    if (crsByCode(code)) return found(code, 'authority')
  }
  let root: WktNode
  try {
    root = horizontal(parseWkt(text))
  } catch (error) {
    return {
      epsg: null,
      name: null,
      reason: msg(
        `.prj 不是有效的 WKT 坐标系描述（${(error as Error).message}）：${CHOOSE['zh-CN']}`,
        `the .prj is not valid WKT (${(error as Error).message}): ${CHOOSE.en}`,
      ),
    }
  }
  const kind = PROJECTED.includes(root.keyword)
    ? 'projected'
    : GEOGRAPHIC.includes(root.keyword)
      ? 'geographic'
      : null
  const wktName = nameOf(root)
  if (!kind) {
    return {
      epsg: null,
      name: wktName,
      reason: msg(
        `.prj 描述的是 ${root.keyword} 类型的坐标系，不是平面或经纬度坐标系：${CHOOSE['zh-CN']}`,
        `the .prj describes a ${root.keyword}, not a projected or geographic CRS: ${CHOOSE.en}`,
      ),
    }
  }

  const notes: Message[] = []
  const declared = authority(root)
  if (declared !== null) {
    if (crsByCode(declared)) return found(declared, 'authority')
    notes.push(
      msg(
        `.prj 注明 EPSG:${declared}（${wktName ?? '无名称'}），本系统不支持该代码`,
        `the .prj says EPSG:${declared} (${wktName ?? 'no name'}), a code this system does not support`,
      ),
    )
  }

  const description = describe(root, kind)
  const byParams = matchParameters(description)
  const byName = wktName ? epsgFromName(wktName) : null

  if (
    byName !== null &&
    ('incomplete' in byParams || ('epsg' in byParams && equivalentCrs(byName, byParams.epsg)))
  ) {
    return found(byName, 'name', notes)
  }
  if ('epsg' in byParams) {
    if (byName !== null) {
      notes.push(
        msg(
          `.prj 的名称“${wktName}”对应 ${crsLabel(byName)['zh-CN']}，但其参数描述的是 ${crsLabel(byParams.epsg)['zh-CN']}；按参数处理`,
          `the .prj is named "${wktName}", which is ${crsLabel(byName).en}, but its parameters describe ${crsLabel(byParams.epsg).en}; using the parameters`,
        ),
      )
    }
    return found(byParams.epsg, 'parameters', notes)
  }
  const reason =
    'reason' in byParams
      ? byParams.reason
      : msg(
          `.prj（${wktName ?? '无名称'}）的名称和参数都无法识别：${CHOOSE['zh-CN']}`,
          `neither the name nor the parameters of the .prj (${wktName ?? 'no name'}) are recognised: ${CHOOSE.en}`,
        )
  if (declared !== null) {
    return {
      epsg: null,
      name: wktName,
      reason: msg(`${notes[0]!['zh-CN']}；${reason['zh-CN']}`, `${notes[0]!.en}; ${reason.en}`),
    }
  }
  return { epsg: null, name: wktName, reason }
}

/**
 * Reads GeoJSON parcels: a FeatureCollection, a single Feature, or a bare Polygon/MultiPolygon.
 *
 * The text must be UTF-8 (RFC 8259), with or without a byte-order mark; a file in another encoding
 * is refused with the line and column of the first bad byte, unless the user names its encoding.
 * Files that only look like GeoJSON are refused by name: ECharts map files (coordinates compressed
 * into strings, `UTF8Encoding: true`), TopoJSON (`type: "Topology"`) and Esri JSON (`rings`).
 *
 * Each feature is checked more deeply than `geojson-validation` does (positions are arrays of finite
 * numbers; rings have at least 4 positions; rings are closed), with findings that name the feature,
 * the ring and the first point; `geojson-validation` then looks at features these checks passed, for
 * anything else the specification requires (its remarks become warnings). Nothing is repaired: an
 * unclosed ring stays unclosed, with an error. A Point, LineString or GeometryCollection is an error
 * on its feature, not a failure of the file. Z values are dropped. The legacy `crs` member (GeoJSON
 * 2008: `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4526"}}`) goes to
 * `crsHints.geojsonCrs`; whether coordinates are lon/lat is for `gis/crs/detect` to decide.
 */
import gjv from 'geojson-validation'
import { applyMapping, mapFields, PARCEL_NO_NAMES, type AttributeValue, type FieldMapping } from '../fields'
import { decode, isUtf8, readsAsChinese, userEncoding, utf8ErrorAt } from '../encoding'
import { checkDeadline, checkFeatureCount, checkVertexCount, DEADLINE_STRIDE } from '../limits'
import { FindingList, unreadable } from '../messages'
import type { InputFile, PolygonCoords, Position, RawFeature, ReadOptions, ReadResult, Ring } from '../types'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
])

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

function decodeText(file: InputFile, options: ReadOptions): { text: string; user: string | null } {
  let bytes = file.bytes
  if (options.encoding !== undefined && options.encoding.trim() !== '') {
    const encoding = userEncoding(options.encoding)
    if (!encoding) throw unreadable('encoding.unknown', { encoding: options.encoding })
    return { text: decode(bytes, encoding).replace(/^\ufeff/, ''), user: encoding }
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3)
  // Node's native check first; the offset of the first bad byte only for the message.
  const bad = isUtf8(bytes) ? -1 : utf8ErrorAt(bytes)
  if (bad >= 0) {
    let line = 1
    let lineStart = 0
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 10) {
        line++
        lineStart = i + 1
      }
    }
    const gbk = decode(bytes, 'gbk')
    const looksGbk = !gbk.includes('\ufffd') && readsAsChinese(gbk, true)
    throw unreadable('geojson.invalid_utf8', {
      file: file.name,
      line,
      column: bad - lineStart + 1,
      hint: looksGbk ? 'It looks GBK-encoded. ' : '',
      hintZh: looksGbk ? '它看起来是 GBK 编码。' : '',
    })
  }
  return { text: decode(bytes, 'utf-8'), user: null }
}

function parse(text: string, file: string): Json {
  try {
    return JSON.parse(text) as Json
  } catch (error) {
    const message = (error as Error).message
    const at = /position (\d+)/.exec(message)
    const offset = at ? Number(at[1]) : text.length
    const { line, column } = lineColumn(text, offset)
    throw unreadable('geojson.invalid_json', {
      file,
      line,
      column,
      reason: message.replace(/ in JSON at position \d+.*$/, '').slice(0, 120),
    })
  }
}

/** Refuses JSON that looks like GeoJSON but is not (ECharts, TopoJSON, Esri JSON). */
function refuseLookAlikes(root: JsonObject, file: string): void {
  if (root.type === 'Topology') throw unreadable('geojson.topojson', { file })
  if (root.UTF8Encoding === true) throw unreadable('geojson.echarts_encoded', { file })
  const features = Array.isArray(root.features) ? root.features : []
  for (const feature of features.slice(0, 10)) {
    if (!isObject(feature)) continue
    const geometry = feature.geometry
    if (
      isObject(geometry) &&
      ('encodeOffsets' in geometry || typeof firstLeaf(geometry.coordinates) === 'string')
    ) {
      throw unreadable('geojson.echarts_encoded', { file })
    }
    if (isObject(geometry) && ('rings' in geometry || 'paths' in geometry) && !('type' in geometry)) {
      throw unreadable('geojson.esri_json', { file })
    }
  }
  if ('spatialReference' in root && 'geometryType' in root) throw unreadable('geojson.esri_json', { file })
}

function firstLeaf(value: Json | undefined): Json | undefined {
  let v = value
  while (Array.isArray(v)) v = v[0]
  return v
}

function crsName(root: JsonObject, file: string, findings: FindingList): string | null {
  const crs = root.crs
  if (crs === undefined || crs === null) return null
  if (isObject(crs) && isObject(crs.properties)) {
    if (crs.type === 'name' && typeof crs.properties.name === 'string') return crs.properties.name
    if (
      crs.type === 'EPSG' &&
      (typeof crs.properties.code === 'number' || typeof crs.properties.code === 'string')
    ) {
      return `EPSG:${crs.properties.code}`
    }
  }
  findings.add('geojson.crs_unreadable', { file, value: JSON.stringify(crs).slice(0, 120) })
  return null
}

function attributeValue(value: Json): AttributeValue {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value
  }
  return JSON.stringify(value)
}

interface Problem {
  code: 'geojson.bad_coordinates' | 'geojson.ring_too_short' | 'geojson.ring_unclosed'
  params: Record<string, string | number>
  sourceLocation?: [number, number] | null
  /** Whether the geometry cannot be used at all. */
  fatal: boolean
}

function ringLabel(polygon: number | null, ring: number): { en: string; zh: string } {
  const outer = ring === 0
  if (polygon === null) {
    return outer
      ? { en: 'ring 1 (the outer ring)', zh: '第 1 个环（外环）' }
      : { en: `ring ${ring + 1}`, zh: `第 ${ring + 1} 个环` }
  }
  return {
    en: `polygon ${polygon + 1}, ring ${ring + 1}${outer ? ' (its outer ring)' : ''}`,
    zh: `第 ${polygon + 1} 个面的第 ${ring + 1} 个环${outer ? '（外环）' : ''}`,
  }
}

/** A JSON value as a message shows it (Infinity from `1e999` stays Infinity, not null). */
function show(value: Json | undefined): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? 'undefined')
}

/** Records malformed coordinates at a place ("polygon 2, ring 1, position 3"); returns null. */
function badCoordinates(
  problems: Problem[],
  polygon: number | null,
  ring: number | null,
  position: number | null,
  reason: string,
  reasonZh: string,
): null {
  const en: string[] = []
  const zh: string[] = []
  if (polygon !== null) {
    en.push(`polygon ${polygon + 1}`)
    zh.push(`第 ${polygon + 1} 个面`)
  }
  if (ring !== null) {
    en.push(`ring ${ring + 1}`)
    zh.push(`第 ${ring + 1} 个环`)
  }
  if (position !== null) {
    en.push(`position ${position + 1}`)
    zh.push(`第 ${position + 1} 个坐标`)
  }
  problems.push({
    code: 'geojson.bad_coordinates',
    params: { where: en.join(', ') || 'coordinates', whereZh: zh.join('') || '坐标', reason, reasonZh },
    fatal: true,
  })
  return null
}

/** Checks a Polygon's coordinates and copies them as 2-D positions; problems are appended. */
function polygonCoords(
  value: Json | undefined,
  polygon: number | null,
  problems: Problem[],
): PolygonCoords | null {
  if (!Array.isArray(value))
    return badCoordinates(problems, polygon, null, null, 'not an array of rings', '不是环的数组')
  if (value.length === 0)
    return badCoordinates(problems, polygon, null, null, 'a polygon without rings', '面没有任何环')
  const rings: Ring[] = []
  for (let r = 0; r < value.length; r++) {
    const ringValue = value[r]
    if (!Array.isArray(ringValue))
      return badCoordinates(
        problems,
        polygon,
        r,
        null,
        'a ring is not an array of positions',
        '环不是坐标数组',
      )
    const ring: Ring = new Array(ringValue.length)
    for (let p = 0; p < ringValue.length; p++) {
      const pos = ringValue[p]
      if (!Array.isArray(pos) || pos.length < 2) {
        return badCoordinates(
          problems,
          polygon,
          r,
          p,
          'a position must be an array of at least 2 numbers',
          '坐标应为至少 2 个数字的数组',
        )
      }
      const x = pos[0]
      const y = pos[1]
      if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
        const shown = `${show(x)}, ${show(y)}`
        return badCoordinates(
          problems,
          polygon,
          r,
          p,
          `${shown} are not both finite numbers`,
          `${shown} 不全是有限的数字`,
        )
      }
      ring[p] = [x, y] as Position
    }
    const label = ringLabel(polygon, r)
    if (ring.length < 4) {
      problems.push({
        code: 'geojson.ring_too_short',
        params: { ring: label.en, ringZh: label.zh, count: ring.length },
        sourceLocation: ring[0] ?? null,
        fatal: false,
      })
    }
    const first = ring[0]
    const last = ring[ring.length - 1]
    if (first && last && ring.length > 1 && (first[0] !== last[0] || first[1] !== last[1])) {
      problems.push({
        code: 'geojson.ring_unclosed',
        params: { ring: label.en, ringZh: label.zh },
        sourceLocation: [first[0], first[1]],
        fatal: false,
      })
    }
    rings.push(ring)
  }
  return rings
}

/** Reads a GeoJSON file (see the module header). */
export function readGeoJson(file: InputFile, options: ReadOptions): ReadResult {
  const { limits } = options
  const findings = new FindingList()
  const { text, user } = decodeText(file, options)
  const root = parse(text, file.name)
  if (!isObject(root)) {
    throw unreadable('geojson.not_geojson', {
      file: file.name,
      reason: Array.isArray(root)
        ? 'the top level is an array, not a GeoJSON object'
        : 'the top level is not an object',
      reasonZh: Array.isArray(root) ? '最外层是数组，不是 GeoJSON 对象' : '最外层不是对象',
    })
  }
  refuseLookAlikes(root, file.name)

  let members: Json[]
  let bare = false
  if (root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features)) {
      throw unreadable('geojson.not_geojson', {
        file: file.name,
        reason: 'its "features" member is not an array',
        reasonZh: '其 features 成员不是数组',
      })
    }
    members = root.features
  } else if (root.type === 'Feature') {
    members = [root]
  } else if (typeof root.type === 'string' && GEOMETRY_TYPES.has(root.type)) {
    members = [{ type: 'Feature', properties: {}, geometry: root }]
    bare = true
  } else {
    throw unreadable('geojson.not_geojson', {
      file: file.name,
      reason:
        typeof root.type === 'string' ? `"${root.type}" is not a GeoJSON type` : 'it has no "type" member',
      reasonZh: typeof root.type === 'string' ? `“${root.type}”不是 GeoJSON 类型` : '没有 type 成员',
    })
  }
  checkFeatureCount(limits, members.length, file.name)
  const geojsonCrs = crsName(root, file.name, findings)
  if (members.length === 0) findings.add('geojson.no_features', { file: file.name })

  const mappings = new Map<string, FieldMapping>()
  let anyParcelNo = false
  let vertices = 0
  const features: RawFeature[] = []
  for (let index = 0; index < members.length; index++) {
    if (index % DEADLINE_STRIDE === 0) checkDeadline(limits, file.name)
    const member = members[index]!
    const feature: RawFeature = {
      index,
      parcelNo: null,
      name: null,
      landUse: null,
      landClassCode: null,
      declaredAreaM2: null,
      attributes: {},
      geometry: null,
      vertexCount: 0,
    }
    features.push(feature)
    if (!isObject(member) || member.type !== 'Feature') {
      const type = isObject(member)
        ? String(member.type ?? '—')
        : Array.isArray(member)
          ? 'array'
          : typeof member
      findings.add('geojson.not_feature', { type }, { featureIndex: index })
      continue
    }

    // Attributes and the parcel fields.
    if (isObject(member.properties)) {
      for (const [key, value] of Object.entries(member.properties))
        feature.attributes[key] = attributeValue(value)
    }
    const keys = Object.keys(feature.attributes)
    const signature = keys.join('\u0000')
    let mapping = mappings.get(signature)
    if (!mapping) mappings.set(signature, (mapping = mapFields(keys)))
    if (mapping.parcelNo !== null) anyParcelNo = true
    const mapped = applyMapping(mapping, feature.attributes)
    Object.assign(feature, {
      parcelNo: mapped.parcelNo,
      name: mapped.name,
      landUse: mapped.landUse,
      landClassCode: mapped.landClassCode,
      declaredAreaM2: mapped.declaredAreaM2,
    })
    const where = { featureIndex: index, parcelNo: mapped.parcelNo }
    if (mapped.badArea) findings.add('fields.area_not_number', mapped.badArea, where)

    // Geometry.
    const geometry = member.geometry
    if (geometry === null || geometry === undefined) continue
    if (!isObject(geometry) || typeof geometry.type !== 'string') {
      findings.add(
        'geojson.bad_coordinates',
        { where: 'geometry', whereZh: '几何', reason: 'not a geometry object', reasonZh: '不是几何对象' },
        where,
      )
      continue
    }
    const problems: Problem[] = []
    let polygons: PolygonCoords[] | null = null
    if (geometry.type === 'Polygon') {
      const polygon = polygonCoords(geometry.coordinates, null, problems)
      polygons = polygon ? [polygon] : null
    } else if (geometry.type === 'MultiPolygon') {
      const list = geometry.coordinates
      if (!Array.isArray(list)) {
        polygonCoords(undefined, null, problems)
      } else {
        polygons = []
        for (let p = 0; p < list.length; p++) {
          const polygon = polygonCoords(list[p], p, problems)
          if (!polygon) {
            polygons = null
            break
          }
          polygons.push(polygon)
        }
      }
    } else if (geometry.type === 'GeometryCollection') {
      findings.add('geojson.geometry_collection', {}, where)
      continue
    } else {
      findings.add('geojson.not_polygon', { type: geometry.type }, where)
      continue
    }
    for (const problem of problems) {
      findings.add(problem.code, problem.params, {
        ...where,
        ...(problem.sourceLocation !== undefined ? { sourceLocation: problem.sourceLocation } : {}),
      })
    }
    if (problems.some((p) => p.fatal)) continue
    feature.geometry = polygons
    for (const polygon of polygons ?? []) for (const ring of polygon) feature.vertexCount += ring.length
    vertices += feature.vertexCount
    checkVertexCount(limits, vertices, file.name)
    if (problems.length === 0) {
      for (const remark of bare ? gjv.isGeometryObject(geometry, true) : gjv.isFeature(member, true)) {
        findings.add('geojson.structure', { reason: remark }, where)
      }
    }
  }
  if (members.length > 0 && !anyParcelNo) {
    const names = [...new Set(features.flatMap((f) => Object.keys(f.attributes)))]
    findings.add('fields.no_parcel_no', {
      file: file.name,
      candidates: PARCEL_NO_NAMES,
      fields: names.slice(0, 30).join(', ') || '—',
    })
  }

  return {
    format: 'geojson',
    layer: null,
    layers: [],
    encoding: user,
    encodingSource: user ? 'user' : null,
    crsHints: { geojsonCrs },
    features,
    findings: findings.done(),
  }
}

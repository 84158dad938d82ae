/**
 * Finding registry codes by what a file says (datum, zone width, zone, zone prefix) and naming them for
 * people in both languages. Shared by the `.prj` reader, the text-header reader and CRS detection.
 */
import type { Finding } from '../findings'
import { CRS_REGISTRY, crsByCode, type CrsDefinition } from './registry'

export type Datum = CrsDefinition['datum']
export type Message = Finding['message']

const byKey = new Map<string, number>()
for (const def of CRS_REGISTRY.values()) {
  if (def.kind === 'gauss-kruger') {
    byKey.set(`${def.datum}|${def.zoneWidth}|${def.zone}|${def.zonePrefixed}`, def.code)
  } else if (def.kind === 'geographic') {
    byKey.set(`${def.datum}|geographic`, def.code)
  }
}

/** The geographic (lon/lat) CRS of a datum: 4490, 4610, 4214 or 4326. */
export function geographicCode(datum: Datum): number {
  return byKey.get(`${datum}|geographic`)!
}

/** The Gauss-Krüger CRS of a datum, zone width and zone, with or without the zone prefix. */
export function gaussKrugerCode(datum: Datum, width: 3 | 6, zone: number, prefixed: boolean): number | null {
  return byKey.get(`${datum}|${width}|${zone}|${prefixed}`) ?? null
}

/** The zone of a central meridian in a zone width (108°E → 3° zone 36, 105°E → 6° zone 18), or null. */
export function zoneOfCentralMeridian(width: 3 | 6, cm: number): number | null {
  const zone = width === 3 ? cm / 3 : (cm + 3) / 6
  return Number.isInteger(zone) ? zone : null
}

/** Whether two registry codes project identically (e.g. the 3° CM 105°E and the 6° CM 105°E systems). */
export function equivalentCrs(a: number, b: number): boolean {
  if (a === b) return true
  const da = crsByCode(a)
  const db = crsByCode(b)
  return !!da && !!db && da.proj4 === db.proj4
}

const DATUM_ZH: Record<Datum, string> = {
  CGCS2000: '2000国家大地坐标系',
  'Xian 1980': '1980西安坐标系',
  'Beijing 1954': '1954北京坐标系',
  'WGS 84': 'WGS84',
}

/** "EPSG:4524 (CGCS2000 / 3-degree Gauss-Kruger zone 36)" and its Chinese counterpart. */
export function crsLabel(code: number): Message {
  const def = crsByCode(code)
  if (!def) return { 'zh-CN': `EPSG:${code}`, en: `EPSG:${code}` }
  let zh: string
  if (def.kind === 'geographic') zh = `${DATUM_ZH[def.datum]}经纬度`
  else if (def.kind === 'web-mercator') zh = 'Web 墨卡托投影'
  else {
    zh =
      `${DATUM_ZH[def.datum]} ${def.zoneWidth}度带高斯-克吕格投影第 ${def.zone} 带，` +
      (def.zonePrefixed ? '东坐标含带号' : `中央经线 ${def.centralMeridian}°E，东坐标不含带号`)
  }
  return { 'zh-CN': `EPSG:${code}（${zh}）`, en: `EPSG:${code} (${def.name})` }
}

/** Builds a two-language message. */
export function msg(zh: string, en: string): Message {
  return { 'zh-CN': zh, en }
}

/** No space beside full-width brackets in Chinese text ("EPSG:4524（…） 处理" → "EPSG:4524（…）处理"). */
export function tidyZh(text: string): string {
  if (text.indexOf('） ') < 0 && text.indexOf(' （') < 0) return text
  return text.replace(/） /g, '）').replace(/ （/g, '（')
}

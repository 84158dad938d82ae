/**
 * Which EPSG code the `[属性描述]` header of a boundary-coordinate text file (坐标交换文件) declares.
 *
 * The header names the datum in words (坐标系=2000国家大地坐标系 / 80西安坐标系 / 54北京坐标系 and their
 * many spellings), the zone width (几度分带=3|6), the zone (带号=36), the projection (投影类型=高斯克吕格)
 * and the unit (计量单位=米). It does not say whether the eastings carry the zone number: the
 * coordinates do (an 8-digit easting such as 36 512 345 does), so a sample of them is needed.
 * A zone that disagrees with the eastings' prefix is left for `detect.ts` to report, naming both.
 */
import type { Position } from '../formats/types'
import { gaussKrugerCode, geographicCode, msg, type Datum, type Message } from './lookup'
import type { CrsMatch } from './prj'
import { crsByCode } from './registry'
import { coordinateShape } from './shape'

const KEYS = {
  system: ['坐标系', '坐标系统', '平面坐标系', '坐标系名称'],
  width: ['几度分带', '分带', '分带方式', '带宽'],
  zone: ['带号', '投影带号'],
  projection: ['投影类型', '投影方式', '投影'],
  unit: ['计量单位', '单位', '坐标单位'],
}

function value(header: Record<string, string>, keys: string[]): string {
  for (const k of keys) {
    const v = header[k]
    if (v !== undefined && v.trim() !== '') return v.normalize('NFKC').trim()
  }
  return ''
}

/** The datum a 坐标系 value names, null when it names none this system knows. */
export function datumFromChineseName(text: string): Datum | null {
  const t = text.normalize('NFKC').toUpperCase().replace(/\s+/g, '')
  if (/2000|CGCS|国家大地/.test(t)) return 'CGCS2000'
  if (/西安|XIAN|1980|80/.test(t)) return 'Xian 1980'
  if (/北京|BEIJING|1954|54/.test(t)) return 'Beijing 1954'
  if (/WGS|84/.test(t)) return 'WGS 84'
  return null
}

function unreadable(what: Message): CrsMatch {
  return {
    epsg: null,
    name: null,
    matchedBy: 'header',
    reason: msg(
      `文件头[属性描述]${what['zh-CN']}：请明确选择坐标系`,
      `the [属性描述] header ${what.en}: choose the CRS explicitly`,
    ),
  }
}

/** Whether the header says anything about the coordinate system at all. */
export function headerDeclaresCrs(header: Record<string, string> | null | undefined): boolean {
  return !!header && (value(header, KEYS.system) !== '' || value(header, KEYS.zone) !== '')
}

/**
 * The EPSG code a text-file header declares. `sample` holds coordinates of the file in GIS order
 * ([easting, northing]); it decides between the zone-prefixed and the plain (CM) variant.
 */
export function epsgFromCoordTxtHeader(
  header: Record<string, string>,
  sample: readonly Position[],
): CrsMatch {
  const notes: Message[] = []
  const system = value(header, KEYS.system)
  const widthText = value(header, KEYS.width)
  const zoneText = value(header, KEYS.zone)
  const projection = value(header, KEYS.projection)
  const unit = value(header, KEYS.unit)

  let datum = system === '' ? null : datumFromChineseName(system)
  if (system !== '' && !datum) {
    return unreadable(
      msg(
        `的坐标系“${system}”不是系统支持的坐标系（2000国家大地坐标系、1980西安坐标系、1954北京坐标系）`,
        `names the coordinate system "${system}", which is not one this system supports (CGCS2000, Xian 1980, Beijing 1954)`,
      ),
    )
  }
  if (!datum) {
    datum = 'CGCS2000'
    notes.push(
      msg(
        '文件头[属性描述]没有注明坐标系，按 2000国家大地坐标系处理',
        'the [属性描述] header does not name the coordinate system; CGCS2000 is assumed',
      ),
    )
  }

  const geographic = /经纬|地理|大地坐标$/.test(projection) || /^度|°|DEGREE/i.test(unit)
  if (geographic)
    return {
      epsg: geographicCode(datum),
      name: crsByCode(geographicCode(datum))!.name,
      matchedBy: 'header',
      ...(notes.length ? { notes } : {}),
    }
  const gaussKruger =
    /高斯|克吕格|克里格|GAUSS|^GK$|^TM$|横轴|横墨卡托|TRANSVERSE/i.test(projection) &&
    !/UTM/i.test(projection)
  if (projection !== '' && !gaussKruger) {
    return unreadable(
      msg(
        `的投影类型“${projection}”不是高斯-克吕格投影`,
        `names the projection "${projection}", not Gauss-Kruger`,
      ),
    )
  }
  if (unit !== '' && !/^(米|M|METER|METRE|METERS|METRES|公尺)$/i.test(unit)) {
    return unreadable(msg(`的计量单位“${unit}”不是米`, `gives the unit "${unit}", not metres`))
  }

  const shape = coordinateShape(sample)
  const prefixed = shape.kind === 'gk-prefixed' || shape.kind === 'gk-prefixed-swapped'
  let zone = /^\d+$/.test(zoneText) ? Number(zoneText) : null
  if (zoneText !== '' && zone === null) {
    return unreadable(
      msg(`的带号“${zoneText}”不是数字`, `gives the zone "${zoneText}", which is not a number`),
    )
  }
  if (zone === null) {
    if (!prefixed || shape.zone === null) {
      return unreadable(
        msg(
          '没有带号，且东坐标不含带号，无法确定投影带',
          'gives no zone (带号) and the eastings carry no zone prefix, so the zone cannot be known',
        ),
      )
    }
    zone = shape.zone
    notes.push(
      msg(
        `文件头[属性描述]没有带号，按东坐标的带号前缀取第 ${zone} 带`,
        `the [属性描述] header gives no zone (带号); zone ${zone} is taken from the eastings' prefix`,
      ),
    )
  }

  const width = /6/.test(widthText) ? 6 : /3/.test(widthText) ? 3 : zone >= 25 ? 3 : 6
  let code = gaussKrugerCode(datum, width, zone, prefixed)
  if (code === null) {
    const other = width === 3 ? 6 : 3
    code = gaussKrugerCode(datum, other, zone, prefixed)
    if (code === null) {
      return unreadable(
        msg(
          `的带号 ${zone} 不是中国范围内的 ${width} 度带`,
          `gives zone ${zone}, which is no ${width}-degree zone over China`,
        ),
      )
    }
    notes.push(
      msg(
        `文件头写的是 ${width} 度分带，但第 ${zone} 带只能是 ${other} 度带，按 ${other} 度带处理`,
        `the header says ${width}-degree zones, but zone ${zone} can only be a ${other}-degree zone; read as ${other}-degree`,
      ),
    )
  }
  return { epsg: code, name: crsByCode(code)!.name, matchedBy: 'header', ...(notes.length ? { notes } : {}) }
}

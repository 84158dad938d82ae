/**
 * Every message of the geometry and parcel checks, in zh-CN and en, in one place for translators.
 * Features are numbered from 1 in messages ("feature 3" is `featureIndex` 2), as users count them;
 * rings are numbered from 1 within their polygon, ring 1 being the outer ring (as 圈号 in the
 * boundary-coordinate text file); parts of a multipart parcel from 1.
 */
import type { Position } from '../formats/types'
import { msg, tidyZh, type Message } from '../crs/lookup'

export interface Who {
  index: number
  parcelNo: string | null
}

export interface RingRef {
  part: number
  ring: number
  /** Parts of the feature: the part is named only when there are several. */
  parts: number
}

/** "地块 DK-07（第 3 个要素）" / "Parcel DK-07 (feature 3)". */
export function parcelLabel(w: Who): Message {
  return w.parcelNo
    ? msg(`地块 ${w.parcelNo}（第 ${w.index + 1} 个要素）`, `Parcel ${w.parcelNo} (feature ${w.index + 1})`)
    : msg(`第 ${w.index + 1} 个要素`, `Feature ${w.index + 1}`)
}

/** "第 1 环" / "ring 1"; "第 2 部分第 1 环" / "part 2, ring 1" for multipart features. */
export function ringLabel(r: RingRef): Message {
  const hole = r.ring > 0
  const zh = `${r.parts > 1 ? `第 ${r.part + 1} 部分` : ''}第 ${r.ring + 1} 环${hole ? '（内环）' : ''}`
  const en = `${r.parts > 1 ? `part ${r.part + 1}, ` : ''}ring ${r.ring + 1}${hole ? ' (a hole)' : ''}`
  return msg(zh, en)
}

/** "(107.234512, 26.501234)": 6 decimals, about 0.1 m. */
export function at(p: Position): string {
  return `(${p[0].toFixed(6)}, ${p[1].toFixed(6)})`
}

const m2 = (a: number) => (a >= 100 ? a.toFixed(1) : a >= 1 ? a.toFixed(2) : a.toPrecision(2))

/** Joins "who" and the rest: "地块 DK-07（第 3 个要素）第 1 环…" / "Parcel DK-07 (feature 3): ring 1 …". */
function say(w: Who, zh: string, en: string): Message {
  const who = parcelLabel(w)
  return { 'zh-CN': tidyZh(`${who['zh-CN']}${zh}`), en: `${who.en}: ${en}` }
}

export const MESSAGES = {
  'geometry.empty': (w: Who) => say(w, '没有图形（几何为空）', 'has no geometry (empty or null)'),
  'geometry.not_projectable': (w: Who, source: Position) =>
    say(
      w,
      `的坐标 (${source[0]}, ${source[1]}) 无法换算为经纬度：请核对坐标系和坐标值`,
      `its coordinate (${source[0]}, ${source[1]}) cannot be converted to longitude/latitude: check the coordinate system and the values`,
    ),
  'geometry.too_few_points': (w: Who, r: RingRef, distinct: number) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}只有 ${distinct} 个不同的点，至少需要 3 个（含闭合点共 4 个坐标）`,
      `${ringLabel(r).en} has only ${distinct} distinct point(s); a ring needs at least 3 (4 positions with the closing one)`,
    ),
  'geometry.unclosed_ring': (w: Who, r: RingRef, first: Position, last: Position) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}未闭合：首点 ${at(first)} 与末点 ${at(last)} 不同`,
      `${ringLabel(r).en} is not closed: it starts at ${at(first)} and ends at ${at(last)}`,
    ),
  'repair.ring_closed': (w: Who, r: RingRef, first: Position) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}未闭合，已在末尾补上首点 ${at(first)}`,
      `${ringLabel(r).en} was not closed; its first point ${at(first)} was repeated at the end`,
    ),
  'geometry.duplicate_points': (w: Who, r: RingRef, count: number, first: Position) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}有 ${count} 个连续重复的点（第一个在 ${at(first)}）`,
      `${ringLabel(r).en} repeats ${count} consecutive point(s) (the first at ${at(first)})`,
    ),
  'repair.duplicate_points_removed': (w: Who, r: RingRef, count: number, first: Position) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}已删除 ${count} 个连续重复的点（第一个在 ${at(first)}）`,
      `${ringLabel(r).en}: removed ${count} repeated consecutive point(s) (the first at ${at(first)})`,
    ),
  'geometry.spike': (w: Who, r: RingRef, p: Position, degrees: number) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}在 ${at(p)} 处有尖刺（折返夹角 ${degrees.toFixed(2)}°）`,
      `${ringLabel(r).en} has a spike at ${at(p)} (it turns back at ${degrees.toFixed(2)}°)`,
    ),
  'repair.spike_removed': (w: Who, r: RingRef, p: Position, degrees: number) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}已删除 ${at(p)} 处的尖刺点（折返夹角 ${degrees.toFixed(2)}°）`,
      `${ringLabel(r).en}: removed the spike vertex at ${at(p)} (it turned back at ${degrees.toFixed(2)}°)`,
    ),
  'geometry.self_intersection': (w: Who, r: RingRef, kind: 'cross' | 'touch' | 'overlap', p: Position) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}${kind === 'cross' ? '自相交于' : kind === 'touch' ? '自接触于' : '沿自身折返重叠于'} ${at(p)}`,
      `${ringLabel(r).en} ${kind === 'cross' ? 'crosses itself' : kind === 'touch' ? 'touches itself' : 'runs back over itself'} at ${at(p)}`,
    ),
  'geometry.self_intersection_more': (w: Who, r: RingRef, more: number) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}另有 ${more} 处自相交`,
      `${ringLabel(r).en} meets itself at ${more} more place(s)`,
    ),
  'repair.self_intersection_split': (w: Who, r: RingRef, places: number, p: Position, parts: number) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}自相交（${places} 处，第一处在 ${at(p)}），已拆分为 ${parts} 个有效多边形`,
      `${ringLabel(r).en} met itself (${places} place(s), the first at ${at(p)}); split into ${parts} valid polygon(s)`,
    ),
  'repair.self_intersection_failed': (w: Who, r: RingRef, p: Position) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}在 ${at(p)} 处沿自身重叠，无法自动修复，请修改数据`,
      `${ringLabel(r).en} runs over itself at ${at(p)}; this cannot be repaired automatically: correct the data`,
    ),
  'geometry.hole_outside_shell': (w: Who, r: RingRef, p: Position) =>
    say(
      w,
      `${ringLabel(r)['zh-CN']}位于外环之外（如 ${at(p)}）`,
      `${ringLabel(r).en} lies outside the outer ring (e.g. at ${at(p)})`,
    ),
  'geometry.rings_cross': (w: Who, a: RingRef, b: RingRef, overlap: boolean, p: Position) =>
    say(
      w,
      `${ringLabel(a)['zh-CN']}与${ringLabel(b)['zh-CN']}${overlap ? '有重合边' : '相交'}，位于 ${at(p)}`,
      `${ringLabel(a).en} and ${ringLabel(b).en} ${overlap ? 'share a stretch of boundary' : 'cross'} at ${at(p)}`,
    ),
  'geometry.nested_holes': (w: Who, inner: RingRef, outer: RingRef, p: Position) =>
    say(
      w,
      `${ringLabel(inner)['zh-CN']}位于${ringLabel(outer)['zh-CN']}之内（${at(p)}）`,
      `${ringLabel(inner).en} lies inside ${ringLabel(outer).en} (${at(p)})`,
    ),
  'geometry.parts_overlap': (w: Who, a: number, b: number, areaM2: number | null, p: Position) =>
    say(
      w,
      `第 ${a + 1} 部分与第 ${b + 1} 部分重叠${areaM2 === null ? '' : `约 ${m2(areaM2)} 平方米`}，位于 ${at(p)}`,
      `parts ${a + 1} and ${b + 1} overlap${areaM2 === null ? '' : ` by about ${m2(areaM2)} m²`} at ${at(p)}`,
    ),
  'geometry.tiny_area': (w: Who, areaM2: number, minM2: number) =>
    areaM2 === 0
      ? say(w, '面积为 0（所有点共线或重合）', 'has zero area (all its points lie on a line or coincide)')
      : say(
          w,
          `面积仅 ${m2(areaM2)} 平方米，低于下限 ${minM2} 平方米`,
          `has an area of only ${m2(areaM2)} m², below the minimum of ${minM2} m²`,
        ),
  'parcel.duplicate_no': (parcelNo: string, first: number, again: number) =>
    msg(
      `地块编号 ${parcelNo} 重复：第 ${first + 1} 个和第 ${again + 1} 个要素都使用了它`,
      `Parcel number ${parcelNo} is used twice: by feature ${first + 1} and by feature ${again + 1}`,
    ),
  'parcel.missing_no': (index: number, assigned: string) =>
    msg(
      `第 ${index + 1} 个要素没有地块编号，已编为 ${assigned}`,
      `Feature ${index + 1} has no parcel number; it is numbered ${assigned}`,
    ),
  'parcel.overlap': (a: Who, b: Who, areaM2: number, p: Position) => {
    const la = parcelLabel(a)
    const lb = parcelLabel(b)
    return msg(
      tidyZh(`${la['zh-CN']}与${lb['zh-CN']}重叠约 ${m2(areaM2)} 平方米，位于 ${at(p)}`),
      `${la.en} and ${lb.en.replace(/^Parcel/, 'parcel').replace(/^Feature/, 'feature')} overlap by about ${m2(areaM2)} m² at ${at(p)}`,
    )
  },
  'parcel.overlaps_truncated': (listed: number, w: Who) => {
    const l = parcelLabel(w)
    return msg(
      tidyZh(
        `重叠的地块超过 ${listed} 对，已停止检查（从${l['zh-CN']}起未再检查）：文件中的地块可能重复录入，请检查后重新上传`,
      ),
      `More than ${listed} pairs of parcels overlap; the check stopped (from ${l.en.replace(/^Parcel/, 'parcel').replace(/^Feature/, 'feature')} on): the file may hold its parcels twice. Check it and upload it again`,
    )
  },
  'parcel.area_mismatch': (w: Who, declaredM2: number, areaM2: number, tolerance: number) => {
    const pct = ((declaredM2 - areaM2) / areaM2) * 100
    const signed = `${pct > 0 ? '+' : ''}${pct.toFixed(2)}%`
    return say(
      w,
      `申报面积 ${declaredM2.toFixed(2)} 平方米，按边界计算为 ${areaM2.toFixed(2)} 平方米，相差 ${signed}（允许 ±${(tolerance * 100).toFixed(1)}%）`,
      `declared area ${declaredM2.toFixed(2)} m², computed from its boundary ${areaM2.toFixed(2)} m² (${signed}; tolerance ±${(tolerance * 100).toFixed(1)}%)`,
    )
  },
} as const

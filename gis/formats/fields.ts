/**
 * Which attribute holds the parcel number, name, use, land-class code and declared area, whatever
 * the tool that wrote the file called it. Chinese land data names fields in pinyin initials (DKBH =
 * 地块编号 parcel number, DKMC = 地块名称 name, YT = 用途 use, DLBM = 地类编码 land-class code, MJ
 * = 面积 area), in Chinese, or in English; the match ignores case, spaces, `_`, `-`, `.` and
 * brackets. Each target takes the first candidate present, in the order listed (the most specific
 * first), and one attribute serves one target only.
 *
 * Areas: a name that says hectares (公顷, MJ_HA, GQ, area_ha) is multiplied by 10,000 and one that
 * says mu (亩, MJ_MU) by 10,000/15, so `declaredAreaM2` is always in m². A square-metre field wins
 * over a hectare field, which wins over a mu field.
 *
 * The mapping is computed once per set of attribute names (once per shapefile layer) and applied to
 * each feature, so it costs nothing per feature beyond the lookups.
 */

export type AttributeValue = string | number | boolean | null

type Target = 'parcelNo' | 'name' | 'landUse' | 'landClassCode'

/** Candidates per target, normalised (see `normaliseName`), most specific first. */
export const FIELD_CANDIDATES: Record<Target, readonly string[]> = {
  parcelNo: [
    'parcelno',
    'dkbh',
    '地块编号',
    '地块号',
    '地块编码',
    'dkh',
    'dkbm',
    'parcelid',
    'parcelnumber',
    'parcel',
    'zdh',
    '宗地号',
    '宗地编号',
    '宗地代码',
    'zddm',
    'bh',
    '编号',
  ],
  name: ['name', 'dkmc', '地块名称', '地块名', 'parcelname', 'mc', '名称'],
  landUse: ['landuse', 'dkyt', '地块用途', 'yt', '用途', 'tdyt', '土地用途', 'use'],
  landClassCode: ['landclasscode', 'dlbm', '地类编码', 'dldm', '地类代码', 'dlbh', '地类编号'],
}

/** Area candidates in m², most specific first. */
const AREA_M2 = [
  'declaredaream2',
  'declaredarea',
  'aream2',
  'mjm2',
  'dkmjm2',
  '面积平方米',
  '面积m2',
  '面积㎡',
  'sbmj',
  '申报面积',
  'dkmj',
  '地块面积',
  'mj',
  '面积',
  'area',
]
/** Area candidates in hectares. */
const AREA_HA = ['declaredareaha', 'areaha', 'mjha', 'dkmjha', 'gq', 'gqmj', 'hectares', 'hectare', 'ha']
/** Area candidates in mu. */
const AREA_MU = ['areamu', 'mjmu', 'dkmjmu', 'mu', 'mumj']

export const M2_PER_HECTARE = 10_000
export const M2_PER_MU = 10_000 / 15

/** Lower case, without spaces, `_`, `-`, `.` and brackets: "MJ_HA" → "mjha", "面积（公顷）" → "面积公顷". */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.()（）[\]【】]+/g, '')
}

export interface FieldMapping {
  parcelNo: string | null
  name: string | null
  landUse: string | null
  landClassCode: string | null
  /** The area attribute and the factor that turns its value into m². */
  area: { field: string; toM2: number } | null
}

function areaUnit(normalised: string): number | null {
  if (AREA_M2.includes(normalised)) return 1
  if (AREA_HA.includes(normalised) || normalised.includes('公顷')) return M2_PER_HECTARE
  if (AREA_MU.includes(normalised) || normalised.includes('亩')) return M2_PER_MU
  return null
}

function areaRank(normalised: string, unit: number): number {
  if (unit === 1) return AREA_M2.indexOf(normalised)
  const base = AREA_M2.length + (unit === M2_PER_HECTARE ? 0 : 100)
  const list = unit === M2_PER_HECTARE ? AREA_HA : AREA_MU
  const at = list.indexOf(normalised)
  return base + (at < 0 ? 50 : at)
}

/** Finds the attributes that hold the parcel fields among `names` (the attribute names of a layer). */
export function mapFields(names: readonly string[]): FieldMapping {
  const byNormalised = new Map<string, string>()
  for (const name of names) {
    const key = normaliseName(name)
    if (!byNormalised.has(key)) byNormalised.set(key, name)
  }
  const used = new Set<string>()
  const pick = (candidates: readonly string[]): string | null => {
    for (const candidate of candidates) {
      const name = byNormalised.get(candidate)
      if (name !== undefined && !used.has(name)) {
        used.add(name)
        return name
      }
    }
    return null
  }
  const mapping: FieldMapping = {
    parcelNo: pick(FIELD_CANDIDATES.parcelNo),
    name: pick(FIELD_CANDIDATES.name),
    landUse: pick(FIELD_CANDIDATES.landUse),
    landClassCode: pick(FIELD_CANDIDATES.landClassCode),
    area: null,
  }
  let best: { field: string; toM2: number; rank: number } | null = null
  for (const [normalised, name] of byNormalised) {
    if (used.has(name)) continue
    const unit = areaUnit(normalised)
    if (unit === null) continue
    const rank = areaRank(normalised, unit)
    if (!best || rank < best.rank) best = { field: name, toM2: unit, rank }
  }
  if (best) mapping.area = { field: best.field, toM2: best.toM2 }
  return mapping
}

export interface MappedFields {
  parcelNo: string | null
  name: string | null
  landUse: string | null
  landClassCode: string | null
  declaredAreaM2: number | null
  /** Set when the area attribute holds something that is not a number (the reader reports it). */
  badArea?: { field: string; value: string }
}

function text(value: AttributeValue | undefined): string | null {
  if (value === null || value === undefined) return null
  const s = typeof value === 'string' ? value.trim() : String(value)
  return s === '' ? null : s
}

/** The parcel fields of one feature's attributes under a mapping. */
export function applyMapping(
  mapping: FieldMapping,
  attributes: Readonly<Record<string, AttributeValue>>,
): MappedFields {
  const out: MappedFields = {
    parcelNo: mapping.parcelNo === null ? null : text(attributes[mapping.parcelNo]),
    name: mapping.name === null ? null : text(attributes[mapping.name]),
    landUse: mapping.landUse === null ? null : text(attributes[mapping.landUse]),
    landClassCode: mapping.landClassCode === null ? null : text(attributes[mapping.landClassCode]),
    declaredAreaM2: null,
  }
  if (mapping.area) {
    const raw = attributes[mapping.area.field]
    let value: number | null = null
    if (typeof raw === 'number') value = raw
    else if (typeof raw === 'string' && raw.trim() !== '') {
      const n = Number(raw.trim().replace(/,/g, ''))
      if (Number.isFinite(n)) value = n
      else out.badArea = { field: mapping.area.field, value: raw }
    }
    if (value !== null && Number.isFinite(value)) {
      // Round away the float noise of ×10,000/15 (0.01 mm² is far below any survey precision).
      out.declaredAreaM2 = mapping.area.toM2 === 1 ? value : Math.round(value * mapping.area.toM2 * 1e6) / 1e6
    }
  }
  return out
}

/** The candidate names for a parcel number, as a user would write them (for messages). */
export const PARCEL_NO_NAMES = 'DKBH, 地块编号, 地块号, PARCELNO, parcel_no, ZDH, BH'

/**
 * The sample filings (报件): one or more per workflow status, in the three counties that have a demo
 * county clerk (520102 南明县, 520103 松溪县, 520202 清河县).
 *
 * Parcel representation in `filings.json`: `rings: [[[easting, northing], ...], ...]` in the filing's
 * `sourceCrs` (CGCS2000 3° Gauss-Krüger with the zone number in the easting, EPSG:4513–4533), GIS
 * axis order, millimetres, every ring closed; the first ring is the outer ring (clockwise, starting at
 * its north-west corner, as boundary points J1.. are numbered in a survey), the others are holes
 * (counter-clockwise). The sample has no multi-part parcels; a multi-part plot is filed as several
 * parcels. `declaredAreaM2` is the planar area in the source CRS unless a filing's notes say it was
 * deliberately declared wrong.
 *
 * Parcels sit near the county seat inside the urban development boundary (so in the allowed zone
 * 010), clear of farmland and of each other, except where a filing is built to show a finding:
 * - `draft-520102-farmland-conflict`: parcel DK-02 lies partly on a permanent-farmland patch; the
 *   expected overlap (m², planar in the source CRS) is written in the filing's `notes`;
 * - `returned-520103`: parcel DK-02 declares 2% less than its boundary gives;
 * - `rejected-520202`: parcels in the conditional zone (020) outside the urban boundary.
 *
 * Dates are fixed in the templates: acceptance dates are Mondays–Fridays chosen so that the promised
 * date (15 working days, 7 for key projects) never spans a 2026 public holiday or make-up working day,
 * so skipping weekends is enough to compute it.
 */
import type { Ring, XY } from './geometry'
import type { CountyLayers } from './layers'
import {
  farmlandNearSeat,
  insideRing,
  sourceCrsOf,
  type ParcelGeometry,
  type Placer,
  type ShapeKind,
} from './parcels'
import { rng, type Rng } from './random'
import { clerkOf } from './users'

export type FilingStatus =
  | 'draft'
  | 'city_review'
  | 'window_intake'
  | 'under_review'
  | 'signoff'
  | 'returned'
  | 'approved'
  | 'rejected'
  | 'withdrawn'

export interface FilingParcel {
  parcelNo: string
  name: string
  landUse: string
  declaredAreaM2: number
  rings: Ring[]
}

export interface Filing {
  key: string
  jurisdictionCode: string
  title: string
  filingType: 'batch' | 'standalone'
  priority: 'standard' | 'key'
  status: FilingStatus
  createdBy: string
  receiptNo: string | null
  acceptedAt: string | null
  dueAt: string | null
  decidedAt: string | null
  sourceCrs: number
  notes: string | null
  parcels: FilingParcel[]
}

/** A filing with the geometry the generator keeps for its own checks and for the tests. */
export interface BuiltFiling {
  filing: Filing
  geometries: ParcelGeometry[]
  /** For the deliberate farmland conflict: the patch and the expected overlap. */
  conflict?: { parcelNo: string; countyCode: string; tbbh: string; overlapM2: number }
}

export interface LandUse {
  landUse: string
  code: string
  names: string[]
}

/** Construction land uses (GB/T 21010-2017 first-level classes) with parcel names to draw from. */
export const BATCH_USES: LandUse[] = [
  {
    landUse: '住宅用地',
    code: '07',
    names: [
      '城东安置区一期',
      '城东安置区二期',
      '城西棚户区改造安置房',
      '城南保障性住房',
      '滨河花园住宅',
      '城北人才公寓',
    ],
  },
  {
    landUse: '商服用地',
    code: '05',
    names: ['城南商贸物流中心', '城东商业综合体', '农产品交易市场', '城北商务办公区', '滨河步行街'],
  },
  {
    landUse: '工矿仓储用地',
    code: '06',
    names: [
      '工业园区A-3地块',
      '工业园区B-1地块',
      '标准厂房三期',
      '食品加工产业园',
      '仓储物流园',
      '新材料产业园',
    ],
  },
  {
    landUse: '公共管理与公共服务用地',
    code: '08',
    names: ['第二中学扩建', '城东小学', '社区综合服务中心', '文化体育中心', '消防救援站', '养老服务中心'],
  },
]

const ROAD: LandUse = { landUse: '交通运输用地', code: '10', names: [] }
const FACILITY: LandUse = { landUse: '公共管理与公共服务用地', code: '08', names: [] }

/** The land-class code (地类编码) of a land use, e.g. "07" for 住宅用地. */
export function landClassCode(landUse: string): string {
  return [...BATCH_USES, ROAD].find((u) => u.landUse === landUse)?.code ?? ''
}

interface Template {
  key: string
  county: string
  status: FilingStatus
  /** Batch number (第 n 批次) or a standalone project. */
  batch?: number
  project?: { name: string; use: LandUse; shape: ShapeKind; part: string }
  priority?: 'key'
  accepted?: string
  decided?: string
  parcels?: number
  placement?: 'urban' | 'fringe'
  special?: 'farmland-conflict' | 'area-mismatch' | 'hole'
  notes?: string
}

const TEMPLATES: Template[] = [
  { key: 'draft-520102-clean', county: '520102', status: 'draft', batch: 6, parcels: 3 },
  {
    key: 'draft-520102-farmland-conflict',
    county: '520102',
    status: 'draft',
    project: { name: '第二污水处理厂及配套设施建设项目', use: FACILITY, shape: 'rect', part: '地块' },
    parcels: 2,
    special: 'farmland-conflict',
  },
  { key: 'city-review-520103', county: '520103', status: 'city_review', batch: 4 },
  { key: 'window-intake-520202', county: '520202', status: 'window_intake', batch: 5 },
  { key: 'under-review-520102', county: '520102', status: 'under_review', batch: 5, accepted: '2026-11-09' },
  {
    key: 'under-review-520103-key',
    county: '520103',
    status: 'under_review',
    priority: 'key',
    project: { name: '城区东环路建设工程', use: ROAD, shape: 'strip', part: '路段' },
    accepted: '2026-11-16',
  },
  { key: 'signoff-520202', county: '520202', status: 'signoff', batch: 4, accepted: '2026-10-26' },
  {
    key: 'returned-520103',
    county: '520103',
    status: 'returned',
    batch: 3,
    accepted: '2026-10-19',
    parcels: 3,
    special: 'area-mismatch',
  },
  {
    key: 'approved-520102-a',
    county: '520102',
    status: 'approved',
    batch: 1,
    accepted: '2026-03-09',
    decided: '2026-03-25',
    special: 'hole',
  },
  {
    key: 'approved-520103',
    county: '520103',
    status: 'approved',
    batch: 1,
    accepted: '2026-05-11',
    decided: '2026-05-28',
  },
  {
    key: 'approved-520202',
    county: '520202',
    status: 'approved',
    project: { name: '人民医院新院区建设项目', use: FACILITY, shape: 'irregular', part: '地块' },
    accepted: '2026-06-22',
    decided: '2026-07-08',
  },
  {
    key: 'approved-520102-b',
    county: '520102',
    status: 'approved',
    batch: 3,
    accepted: '2026-07-20',
    decided: '2026-08-05',
  },
  {
    key: 'rejected-520202',
    county: '520202',
    status: 'rejected',
    batch: 2,
    accepted: '2026-08-24',
    decided: '2026-09-10',
    placement: 'fringe',
    notes:
      '不予批准：地块位于城镇开发边界外的有条件建设区（020），不符合土地利用总体规划，且未落实耕地占补平衡。',
  },
  {
    key: 'withdrawn-520103',
    county: '520103',
    status: 'withdrawn',
    batch: 2,
    accepted: '2026-08-10',
    notes: '县人民政府调整项目安排，申请撤回。',
  },
]

const ACCEPTED_STATUSES: FilingStatus[] = [
  'under_review',
  'signoff',
  'returned',
  'approved',
  'rejected',
  'withdrawn',
]

// ---------------------------------------------------------------------------------------------------
// Dates

function utcDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`)
}

/** The date `days` working days after `date` (weekends skipped; see the module header about holidays). */
export function addWorkingDays(date: string, days: number): string {
  const d = utcDate(date)
  let n = 0
  while (n < days) {
    d.setUTCDate(d.getUTCDate() + 1)
    const weekday = d.getUTCDay()
    if (weekday !== 0 && weekday !== 6) n++
  }
  return d.toISOString().slice(0, 10)
}

/** A time of day during office hours on `date`, in Asia/Shanghai (+08:00). */
function officeTime(date: string, random: Rng): string {
  const weekday = utcDate(date).getUTCDay()
  if (weekday === 0 || weekday === 6) throw new Error(`${date} is not a working day`)
  const minutes = random.int(9 * 60, 17 * 60 - 1)
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0')
  const mm = String(minutes % 60).padStart(2, '0')
  return `${date}T${hh}:${mm}:00+08:00`
}

function dayOfYear(date: string): number {
  const d = utcDate(date)
  return Math.round((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1
}

// ---------------------------------------------------------------------------------------------------

interface Context {
  seed: number
  placer: Placer
  layers: Map<string, CountyLayers>
}

function logUniform(random: Rng, a: number, b: number): number {
  return Math.exp(random.uniform(Math.log(a), Math.log(b)))
}

function pickKind(random: Rng): ShapeKind {
  const u = random.next()
  return u < 0.45 ? 'rect' : u < 0.85 ? 'irregular' : 'holed'
}

/** Where parcels of a filing may go: inside the urban boundary, or in the 020 ring just outside it. */
function placementTest(layers: CountyLayers, placement: 'urban' | 'fringe'): (p: XY) => boolean {
  const inUrban = insideRing(layers.urban.planeRing)
  if (placement === 'urban') return inUrban
  const inOuter = insideRing(layers.outer020.planeRing)
  const [sx, sy] = layers.county.seatPlane
  return (p) => inOuter(p) && !inUrban(p) && Math.hypot(p[0] - sx, p[1] - sy) > layers.urban.maxRadius + 50
}

function anchorFor(placer: Placer, epsg: number, layers: CountyLayers, placement: string, random: Rng): XY {
  const seat = placer.toSource(epsg, layers.county.seat)
  const a = random.uniform(0, 2 * Math.PI)
  const d =
    placement === 'urban'
      ? random.uniform(0, 0.35) * layers.urban.maxRadius
      : layers.urban.maxRadius + random.uniform(400, 900)
  return [seat[0] + d * Math.cos(a), seat[1] + d * Math.sin(a)]
}

/**
 * Places parcels of the given shapes around an anchor, widening the search (and, if needed, moving
 * the anchor) until all fit.
 */
export function placeGroup(
  ctx: { placer: Placer },
  layers: CountyLayers,
  epsg: number,
  shapes: { kind: ShapeKind; area: number }[],
  placement: 'urban' | 'fringe',
  random: Rng,
): ParcelGeometry[] {
  const within = placementTest(layers, placement)
  for (let attempt = 0; attempt < 20; attempt++) {
    const anchor = anchorFor(ctx.placer, epsg, layers, placement, random)
    const placed: ParcelGeometry[] = []
    for (const s of shapes) {
      const spread = placement === 'urban' ? 700 : 1200
      const p = ctx.placer.place(
        layers.county,
        epsg,
        s.kind,
        s.area,
        anchor,
        spread * (1 + attempt / 4),
        within,
        random,
      )
      if (!p) break
      placed.push(p)
    }
    if (placed.length === shapes.length) return placed
    for (const p of placed) ctx.placer.release(layers.county.code, p)
  }
  throw new Error(`county ${layers.county.code}: could not place ${shapes.length} parcels (${placement})`)
}

function buildFiling(ctx: Context, t: Template, batchNames: Map<string, string[]>): BuiltFiling {
  const random = rng(ctx.seed, 'filing', t.key)
  const layers = ctx.layers.get(t.county)!
  const county = layers.county
  const epsg = sourceCrsOf(county)
  const count = t.parcels ?? random.int(1, 6)
  const placement = t.placement ?? 'urban'

  const uses: LandUse[] = []
  const shapes: { kind: ShapeKind; area: number }[] = []
  for (let i = 0; i < count; i++) {
    const use = t.project ? t.project.use : random.pick(BATCH_USES)
    const kind: ShapeKind = t.project
      ? t.project.shape
      : t.special === 'hole' && i === 0
        ? 'holed'
        : pickKind(random)
    const area = kind === 'strip' ? logUniform(random, 4500, 20000) : logUniform(random, 2000, 50000)
    uses.push(use)
    shapes.push({ kind, area })
  }

  let geometries: ParcelGeometry[]
  let conflict: BuiltFiling['conflict']
  if (t.special === 'farmland-conflict') {
    geometries = placeGroup(ctx, layers, epsg, shapes.slice(0, 1), placement, random)
    for (const patch of farmlandNearSeat(layers)) {
      const hit = ctx.placer.placeOnPatch(county, epsg, patch)
      if (!hit) continue
      geometries.push(hit.parcel)
      conflict = {
        parcelNo: parcelNo(geometries.length - 1),
        countyCode: county.code,
        tbbh: patch.tbbh,
        overlapM2: hit.overlapM2,
      }
      break
    }
    if (!conflict) throw new Error(`county ${county.code}: no farmland patch to build the conflict on`)
  } else {
    geometries = placeGroup(ctx, layers, epsg, shapes, placement, random)
  }

  const parcels: FilingParcel[] = geometries.map((g, i) => {
    const use = uses[i]!
    let name: string
    if (t.project) {
      name = `${t.project.name.replace(/建设(项目|工程)$/, '')}${t.project.part}${i + 1}`
    } else {
      const pool = batchNames.get(`${t.county}:${use.landUse}`) ?? [...use.names]
      batchNames.set(`${t.county}:${use.landUse}`, pool)
      name = pool.length ? pool.splice(random.int(0, pool.length - 1), 1)[0]! : `${use.landUse}${i + 1}号地块`
    }
    const declared =
      t.special === 'area-mismatch' && i === 1 ? Math.round(g.areaM2 * 0.98 * 100) / 100 : g.areaM2
    return { parcelNo: parcelNo(i), name, landUse: use.landUse, declaredAreaM2: declared, rings: g.rings }
  })

  let notes = t.notes ?? null
  if (conflict) {
    const area = geometries[geometries.length - 1]!.areaM2
    notes =
      `演示用：地块 ${conflict.parcelNo} 部分压占永久基本农田图斑（XZQDM ${conflict.countyCode}，TBBH ${conflict.tbbh}），` +
      `预期重叠面积 ${conflict.overlapM2.toFixed(2)} m²（约占地块面积 ${Math.round((100 * conflict.overlapM2) / area)}%，` +
      `在 EPSG:${epsg} 平面内计算），合规检查应阻断。`
  }
  if (t.special === 'area-mismatch') {
    const p = parcels[1]!
    notes =
      `退回补正：地块 ${p.parcelNo} 申报面积 ${p.declaredAreaM2.toFixed(2)} m² 与界址坐标计算面积 ` +
      `${geometries[1]!.areaM2.toFixed(2)} m² 不符（相差约 2%），请核实后重新报送。`
  }

  const accepted = ACCEPTED_STATUSES.includes(t.status)
  if (accepted !== (t.accepted !== undefined))
    throw new Error(`filing ${t.key}: acceptance date does not match status`)
  const limit = t.priority === 'key' ? 7 : 15
  const acceptedAt = t.accepted ? officeTime(t.accepted, random) : null
  const receiptNo = t.accepted
    ? `SY-2026-${String(dayOfYear(t.accepted) * 4 + random.int(0, 3)).padStart(6, '0')}`
    : null
  const title = t.project
    ? `${county.name}${t.project.name}（单独选址）`
    : `${county.name}2026年度第${t.batch}批次城市建设用地`

  const filing: Filing = {
    key: t.key,
    jurisdictionCode: t.county,
    title,
    filingType: t.project ? 'standalone' : 'batch',
    priority: t.priority ?? 'standard',
    status: t.status,
    createdBy: clerkOf(t.county),
    receiptNo,
    acceptedAt,
    dueAt: t.accepted ? addWorkingDays(t.accepted, limit) : null,
    decidedAt: t.decided ? officeTime(t.decided, random) : null,
    sourceCrs: epsg,
    notes,
    parcels,
  }
  return conflict ? { filing, geometries, conflict } : { filing, geometries }
}

function parcelNo(i: number): string {
  return `DK-${String(i + 1).padStart(2, '0')}`
}

/** Builds the sample filings; their parcels are taken in the placer. */
export function buildFilings(seed: number, counties: readonly CountyLayers[], placer: Placer): BuiltFiling[] {
  const ctx: Context = { seed, placer, layers: new Map(counties.map((c) => [c.county.code, c])) }
  const batchNames = new Map<string, string[]>()
  return TEMPLATES.map((t) => buildFiling(ctx, t, batchNames))
}

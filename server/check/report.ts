/**
 * A stored check run as the report the API, the client and the printable page show: per rule
 * (hit / clear / not checked), per parcel with its findings, and the totals a reviewer asks for first
 * (farmland occupied, compensation required, red line, planning zones, outside the county).
 * Messages are rendered here from the rule's templates, in both languages.
 */
import type { Queryable } from '../db/database'
import type { Severity } from './rules'

type Bilingual = { 'zh-CN': string; en: string }

export interface CheckRunSummary {
  id: number
  filingId: number
  startedAt: string
  trigger: string
  startedBy: string | null
  parcelCount: number
  worst: Severity | 'clear'
  durationMs: number
  layerVersions: { kind: string; versionId: number; label: string }[]
}

export interface FindingDto {
  id: number
  ruleCode: string
  severity: Severity
  parcelId: number | null
  parcelNo: string
  classCode: string | null
  className: Bilingual | null
  areaM2: number | null
  areaHa: number | null
  areaMu: number | null
  share: number | null
  message: Bilingual
  note: Bilingual | null
  facts: Record<string, unknown>
  bbox: [number, number, number, number] | null
}

export interface CheckReport {
  run: CheckRunSummary
  rules: {
    code: string
    name: Bilingual
    state: 'hit' | 'clear' | 'not_checked'
    reason: Bilingual | null
    severity: Severity
    layer: { kind: string; versionId: number; label: string } | null
    findingCount: number
    areaM2: number
    note: Bilingual | null
  }[]
  parcels: {
    parcelId: number
    parcelNo: string
    name: string | null
    areaM2: number
    worst: Severity | null
    findings: FindingDto[]
  }[]
  totals: {
    parcelAreaM2: number
    permanentFarmlandM2: number
    compensationRequiredM2: number
    cultivatedByClass: Record<string, number>
    ecoRedlineM2: number
    planningByZone: Record<string, number>
    outsideUrbanM2: number
    outsideCountyM2: number
  }
}

const REASONS: Record<string, Bilingual> = {
  rule_disabled: { 'zh-CN': '该规则已停用，未检查', en: 'The rule is switched off: not checked' },
  layer_missing: {
    'zh-CN': '缺少该参考图层，未检查（不代表没有冲突）',
    en: 'The reference layer is missing: not checked (which does not mean no conflict)',
  },
}

const OUTSIDE_NAMES: Record<string, Bilingual> = {
  planning_zone: { 'zh-CN': '管制分区以外（未划定区域）', en: 'area outside every control zone' },
  urban_boundary: { 'zh-CN': '城镇开发边界以外', en: 'outside the urban development boundary' },
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits
const m2ToHa = (m2: number) => m2 / 10_000
const m2ToMu = (m2: number) => (m2 * 15) / 10_000

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
}

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warn: 2, block: 3 }
const worse = (a: Severity | null, b: Severity): Severity =>
  !a || SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a

/** The runs of a filing, newest first (summaries). */
export async function listRuns(db: Queryable, filingId: number, runId?: number): Promise<CheckRunSummary[]> {
  const { rows } = await db.query<{
    id: number
    filing_id: number
    started_at: Date
    trigger: string
    started_by: string | null
    parcel_count: number
    worst: Severity | 'clear' | null
    duration_ms: number | null
    layers: CheckRunSummary['layerVersions'] | null
  }>(
    `SELECT r.id, r.filing_id, r.started_at, r.trigger, u.display_name AS started_by, r.parcel_count, r.worst,
            r.duration_ms,
            (SELECT json_agg(json_build_object('kind', v.layer_kind, 'versionId', v.id, 'label', v.label)
                             ORDER BY v.layer_kind)
               FROM check_rule_result rr JOIN reference_layer_version v ON v.id = rr.layer_version_id
              WHERE rr.run_id = r.id) AS layers
       FROM check_run r LEFT JOIN app_user u ON u.id = r.started_by
      WHERE r.filing_id = $1 AND ($2::bigint IS NULL OR r.id = $2) AND r.finished_at IS NOT NULL
      ORDER BY r.id DESC`,
    [filingId, runId ?? null],
  )
  return rows.map((r) => ({
    id: r.id,
    filingId: r.filing_id,
    startedAt: r.started_at.toISOString(),
    trigger: r.trigger,
    startedBy: r.started_by,
    parcelCount: r.parcel_count,
    worst: r.worst ?? 'clear',
    durationMs: r.duration_ms ?? 0,
    layerVersions: r.layers ?? [],
  }))
}

interface FindingRow {
  id: number
  rule_code: string
  severity: Severity
  parcel_id: number | null
  parcel_no: string
  class_code: string | null
  area_m2: number | null
  share: number | null
  facts: Record<string, unknown>
  bbox: [number, number, number, number] | null
  layer_kind: string | null
  class_zh: string | null
  class_en: string | null
  message_zh: string
  message_en: string
  note_zh: string | null
  note_en: string | null
}

/**
 * The findings of a run of the filing with everything needed to show them. A finding keeps the id its
 * parcel had; `parcelId` is that parcel while the filing still has it (null after its parcels were
 * replaced), and `bbox` is the overlap's, else the parcel's.
 */
export async function runFindings(db: Queryable, filingId: number, runId: number): Promise<FindingDto[]> {
  const { rows } = await db.query<FindingRow>(
    `SELECT f.id, f.rule_code, f.severity, p.id AS parcel_id, f.parcel_no, f.class_code, f.area_m2, f.share, f.facts,
            CASE WHEN b.box IS NULL THEN NULL
                 ELSE ARRAY[ST_XMin(b.box), ST_YMin(b.box), ST_XMax(b.box), ST_YMax(b.box)] END AS bbox,
            c.layer_kind, lc.name_zh AS class_zh, lc.name_en AS class_en,
            (rr.settings ->> 'messageZh') AS message_zh, (rr.settings ->> 'messageEn') AS message_en,
            (rr.settings ->> 'noteZh') AS note_zh, (rr.settings ->> 'noteEn') AS note_en
       FROM check_finding f
       JOIN check_rule_result rr ON rr.run_id = f.run_id AND rr.rule_code = f.rule_code
       JOIN check_rule c ON c.code = f.rule_code
       LEFT JOIN parcel p ON p.id = f.parcel_id AND p.filing_id = $2
      CROSS JOIN LATERAL (SELECT Box2D(coalesce(f.geom, p.geom)) AS box) b
       LEFT JOIN reference_layer_class lc ON lc.layer_kind = c.layer_kind AND lc.code = f.class_code
      WHERE f.run_id = $1
      ORDER BY c.sort, f.parcel_no, f.class_code NULLS LAST, f.id`,
    [runId, filingId],
  )
  return rows.map(toFinding)
}

function toFinding(r: FindingRow): FindingDto {
  const className: Bilingual | null =
    r.class_zh && r.class_en
      ? { 'zh-CN': r.class_zh, en: r.class_en }
      : r.class_code === null && r.layer_kind && OUTSIDE_NAMES[r.layer_kind]
        ? OUTSIDE_NAMES[r.layer_kind]!
        : null
  const area = r.area_m2
  const facts = r.facts ?? {}
  const values = (lang: 'zh-CN' | 'en'): Record<string, string> => ({
    parcelNo: r.parcel_no,
    areaM2: area === null ? '' : area.toFixed(2),
    areaHa: area === null ? '' : m2ToHa(area).toFixed(4),
    areaMu: area === null ? '' : m2ToMu(area).toFixed(2),
    share: r.share === null ? '' : `${(r.share * 100).toFixed(1)}%`,
    classCode: r.class_code ?? '',
    className: className?.[lang] ?? r.class_code ?? '',
    otherFiling: String(facts.otherFilingTitle ?? ''),
    declaredM2: facts.declaredM2 === undefined ? '' : Number(facts.declaredM2).toFixed(2),
    computedM2: facts.computedM2 === undefined ? '' : Number(facts.computedM2).toFixed(2),
    difference: r.share === null ? '' : `${(r.share * 100).toFixed(1)}%`,
  })
  return {
    id: r.id,
    ruleCode: r.rule_code,
    severity: r.severity,
    parcelId: r.parcel_id,
    parcelNo: r.parcel_no,
    classCode: r.class_code,
    className,
    areaM2: area === null ? null : round(area, 2),
    areaHa: area === null ? null : round(m2ToHa(area), 4),
    areaMu: area === null ? null : round(m2ToMu(area), 2),
    share: r.share === null ? null : round(r.share, 4),
    message: { 'zh-CN': fill(r.message_zh, values('zh-CN')), en: fill(r.message_en, values('en')) },
    note: r.note_zh && r.note_en ? { 'zh-CN': r.note_zh, en: r.note_en } : null,
    facts,
    bbox: r.bbox,
  }
}

/** The whole report of a run (null when the filing has no such run). */
export async function checkReport(
  db: Queryable,
  filingId: number,
  runId?: number,
): Promise<CheckReport | null> {
  const run = (await listRuns(db, filingId, runId))[0]
  if (!run) return null
  const [rulesResult, findings, parcelsResult] = [
    await db.query<{
      code: string
      name_zh: string
      name_en: string
      state: 'hit' | 'clear' | 'not_checked'
      reason: string | null
      settings: { severity: Severity; noteZh: string | null; noteEn: string | null }
      layer_kind: string | null
      version_id: number | null
      label: string | null
      finding_count: number
    }>(
      `SELECT rr.rule_code AS code, c.name_zh, c.name_en, rr.state, rr.reason, rr.settings, c.layer_kind,
              v.id AS version_id, v.label, rr.finding_count
         FROM check_rule_result rr
         JOIN check_rule c ON c.code = rr.rule_code
         LEFT JOIN reference_layer_version v ON v.id = rr.layer_version_id
        WHERE rr.run_id = $1
        ORDER BY c.sort`,
      [run.id],
    ),
    await runFindings(db, filingId, run.id),
    await db.query<{ id: number; parcel_no: string; name: string | null; area_m2: number }>(
      'SELECT id, parcel_no, name, area_m2 FROM parcel WHERE filing_id = $1 ORDER BY parcel_no',
      [filingId],
    ),
  ]
  const byParcel = new Map<number, FindingDto[]>()
  for (const f of findings) {
    if (f.parcelId === null) continue
    const own = byParcel.get(f.parcelId)
    if (own) own.push(f)
    else byParcel.set(f.parcelId, [f])
  }
  const sum = (rule: string, pick: (f: FindingDto) => boolean = () => true) =>
    round(
      findings.filter((f) => f.ruleCode === rule && pick(f)).reduce((n, f) => n + (f.areaM2 ?? 0), 0),
      2,
    )
  const byClass = (rule: string) => {
    const out: Record<string, number> = {}
    for (const f of findings.filter((x) => x.ruleCode === rule)) {
      const key = f.classCode ?? 'outside'
      out[key] = round((out[key] ?? 0) + (f.areaM2 ?? 0), 2)
    }
    return out
  }
  return {
    run,
    rules: rulesResult.rows.map((r) => ({
      code: r.code,
      name: { 'zh-CN': r.name_zh, en: r.name_en },
      state: r.state,
      reason: r.reason ? (REASONS[r.reason] ?? { 'zh-CN': r.reason, en: r.reason }) : null,
      severity: r.settings.severity,
      layer:
        r.layer_kind && r.version_id !== null
          ? { kind: r.layer_kind, versionId: r.version_id, label: r.label! }
          : null,
      findingCount: r.finding_count,
      areaM2: r.code === 'declared_area_mismatch' ? 0 : sum(r.code),
      note:
        r.settings.noteZh && r.settings.noteEn ? { 'zh-CN': r.settings.noteZh, en: r.settings.noteEn } : null,
    })),
    parcels: parcelsResult.rows.map((p) => {
      const own = byParcel.get(p.id) ?? []
      return {
        parcelId: p.id,
        parcelNo: p.parcel_no,
        name: p.name,
        areaM2: round(p.area_m2, 2),
        worst: own.reduce<Severity | null>((w, f) => worse(w, f.severity), null),
        findings: own,
      }
    }),
    totals: {
      parcelAreaM2: round(
        parcelsResult.rows.reduce((n, p) => n + p.area_m2, 0),
        2,
      ),
      permanentFarmlandM2: sum('permanent_farmland_overlap'),
      compensationRequiredM2: sum('cultivated_land_occupation'),
      cultivatedByClass: byClass('cultivated_land_occupation'),
      ecoRedlineM2: sum('eco_redline_overlap'),
      planningByZone: byClass('planning_zone'),
      outsideUrbanM2: sum('urban_boundary'),
      outsideCountyM2: sum('jurisdiction_containment'),
    },
  }
}

/** The overlap shapes of a run as GeoJSON text (EPSG:4490). */
export async function runOverlapsGeoJson(db: Queryable, runId: number): Promise<string> {
  const { rows } = await db.query<{ fc: string }>(
    `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
              'type', 'Feature', 'id', f.id,
              'properties', json_build_object('findingId', f.id, 'ruleCode', f.rule_code, 'severity', f.severity,
                                              'parcelNo', f.parcel_no, 'classCode', f.class_code,
                                              'areaM2', round(f.area_m2::numeric, 2)),
              'geometry', ST_AsGeoJSON(f.geom, 9)::json) ORDER BY f.id), '[]'::json))::text AS fc
       FROM check_finding f WHERE f.run_id = $1 AND f.geom IS NOT NULL`,
    [runId],
  )
  return rows[0]!.fc
}

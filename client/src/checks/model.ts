/**
 * The client side of compliance checks (docs/api.md, "Compliance checks"): texts in the UI language,
 * severity order and colours for tags, the worst outcome of a rule, and the rows of the area totals.
 * Shared by the check panel on the filing page and the printable report.
 */
import type { Locale } from '../i18n'
import type {
  Bilingual,
  CheckFinding,
  CheckOutcome,
  CheckReport,
  CheckRuleResult,
  CheckRunSummary,
  CheckTotals,
  Severity,
} from '../types'

/** The Chinese or English text of a bilingual value (the other one when that is empty). */
export function bilingual(value: Bilingual | null | undefined, locale: Locale | string): string {
  if (!value) return ''
  return (locale === 'en' ? value.en || value['zh-CN'] : value['zh-CN'] || value.en) ?? ''
}

const RANK: Record<CheckOutcome, number> = { clear: 0, info: 1, warn: 2, block: 3 }

/** block > warn > info > clear. */
export function severityRank(outcome: CheckOutcome | null | undefined): number {
  return outcome ? RANK[outcome] : 0
}

/** The worse of two outcomes. */
export function worse(a: CheckOutcome, b: CheckOutcome): CheckOutcome {
  return severityRank(b) > severityRank(a) ? b : a
}

/** The outcome of a parcel (null from the API means nothing found). */
export function outcomeOf(worst: Severity | null | undefined): CheckOutcome {
  return worst ?? 'clear'
}

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

/** Element Plus tag colours: red blocks, orange warns, blue informs, green is clear. */
export const OUTCOME_TAG: Record<CheckOutcome, TagType> = {
  block: 'danger',
  warn: 'warning',
  info: 'primary',
  clear: 'success',
}

/** Findings of the worst severity first, larger areas first within one severity. */
export function sortCheckFindings(findings: readonly CheckFinding[]): CheckFinding[] {
  return [...findings].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || (b.areaM2 ?? 0) - (a.areaM2 ?? 0),
  )
}

/** Every finding of a report, by rule code. */
export function findingsByRule(report: CheckReport): Map<string, CheckFinding[]> {
  const map = new Map<string, CheckFinding[]>()
  for (const parcel of report.parcels) {
    for (const finding of parcel.findings) {
      map.set(finding.ruleCode, [...(map.get(finding.ruleCode) ?? []), finding])
    }
  }
  return map
}

/** What a rule's tag says: not checked (grey, never shown as clear), clear, or the worst severity hit. */
export type RuleStatus = CheckOutcome | 'not_checked'

/**
 * The status of a rule: not checked, clear, or hit with the worst severity among its findings (the
 * configured default when none of its findings is in the report).
 */
export function ruleStatus(rule: CheckRuleResult, findings: readonly CheckFinding[] = []): RuleStatus {
  if (rule.state === 'not_checked') return 'not_checked'
  if (rule.state === 'clear') return 'clear'
  if (findings.length === 0) return rule.severity
  return findings.reduce<CheckOutcome>((w, f) => worse(w, f.severity), 'info')
}

/** Tag colour of a rule status: grey when not checked. */
export function statusTagType(status: RuleStatus): TagType {
  return status === 'not_checked' ? 'info' : OUTCOME_TAG[status]
}

/** A share 0..1 as a percentage with one decimal ("55.7%"); "—" when unknown. */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—'
  return `${(share * 100).toFixed(1)}%`
}

/** The class of a finding: its name in the UI language with the code, e.g. "水田 0101". */
export function className(finding: CheckFinding, locale: Locale | string): string {
  const name = bilingual(finding.className, locale)
  if (name && finding.classCode) return `${name} ${finding.classCode}`
  return name || finding.classCode || ''
}

/** A row of the area totals: a label (i18n key and parameters, or a literal), m², and its indentation. */
export interface TotalRow {
  key: string
  label: string
  /** Translate `label` as an i18n key (else show it as is). */
  i18n: boolean
  /** A class or zone code shown after the label (0101, 020, …). */
  code?: string
  m2: number
  level: 0 | 1
  /** A headline figure when > 0: `alert` (a blocking kind of area) red, `strong` bold. */
  emphasis?: 'alert' | 'strong'
}

const CULTIVATED_CLASSES = ['0101', '0102', '0103']
const ZONES = ['010', '020', '030', '040']

/**
 * The totals as rows: parcel area; permanent farmland; cultivated land = compensation required, per
 * class 0101/0102/0103 (and any other class the layer had); red line; planning zones 010–040, the area
 * of no zone, and outside the allowed zone in total; outside the urban boundary; outside the county.
 */
export function totalRows(totals: CheckTotals): TotalRow[] {
  const rows: TotalRow[] = [
    { key: 'parcelArea', label: 'check.total.parcelArea', i18n: true, m2: totals.parcelAreaM2, level: 0 },
    {
      key: 'permanentFarmland',
      label: 'check.total.permanentFarmland',
      i18n: true,
      m2: totals.permanentFarmlandM2,
      level: 0,
      emphasis: 'alert',
    },
    {
      key: 'cultivated',
      label: 'check.total.cultivated',
      i18n: true,
      m2: totals.compensationRequiredM2,
      level: 0,
      emphasis: 'strong',
    },
  ]
  const byClass = totals.cultivatedByClass ?? {}
  const classes = [
    ...CULTIVATED_CLASSES,
    ...Object.keys(byClass)
      .filter((c) => !CULTIVATED_CLASSES.includes(c))
      .sort(),
  ]
  for (const code of classes) {
    const known = CULTIVATED_CLASSES.includes(code)
    rows.push({
      key: `cultivated:${code}`,
      label: known ? `check.cultivatedClass.${code}` : code,
      i18n: known,
      code: known ? code : undefined,
      m2: byClass[code] ?? 0,
      level: 1,
    })
  }
  rows.push({
    key: 'ecoRedline',
    label: 'check.total.ecoRedline',
    i18n: true,
    m2: totals.ecoRedlineM2,
    level: 0,
    emphasis: 'alert',
  })
  const byZone = totals.planningByZone ?? {}
  const zones = [
    ...ZONES,
    ...Object.keys(byZone)
      .filter((z) => !ZONES.includes(z) && z !== 'outside')
      .sort(),
    'outside',
  ]
  const planned = Object.values(byZone).reduce((n, m2) => n + m2, 0)
  rows.push({ key: 'planning', label: 'check.total.planning', i18n: true, m2: planned, level: 0 })
  for (const zone of zones) {
    const known = ZONES.includes(zone) || zone === 'outside'
    rows.push({
      key: `zone:${zone}`,
      label: known ? `check.zone.${zone}` : zone,
      i18n: known,
      code: known && zone !== 'outside' ? zone : undefined,
      m2: byZone[zone] ?? 0,
      level: 1,
    })
  }
  const outsideAllowed = Object.entries(byZone)
    .filter(([zone]) => zone !== '010')
    .reduce((n, [, m2]) => n + m2, 0)
  rows.push({
    key: 'outsideAllowed',
    label: 'check.total.outsideAllowed',
    i18n: true,
    m2: Math.round(outsideAllowed * 100) / 100,
    level: 1,
  })
  rows.push({
    key: 'outsideUrban',
    label: 'check.total.outsideUrban',
    i18n: true,
    m2: totals.outsideUrbanM2,
    level: 0,
  })
  rows.push({
    key: 'outsideCounty',
    label: 'check.total.outsideCounty',
    i18n: true,
    m2: totals.outsideCountyM2,
    level: 0,
    emphasis: 'alert',
  })
  return rows
}

/** The label of a layer kind: the i18n name of a known kind, else the kind itself. */
export function layerKindKey(kind: string): string | null {
  return ['permanent_farmland', 'cultivated_land', 'planning_zone', 'eco_redline', 'urban_boundary'].includes(
    kind,
  )
    ? `layerKind.${kind}`
    : null
}

/** The run before `run` in a newest-first list, if any. */
export function previousRun(runs: readonly CheckRunSummary[], runId: number): CheckRunSummary | null {
  const index = runs.findIndex((r) => r.id === runId)
  return index >= 0 ? (runs[index + 1] ?? null) : null
}

/** Extra facts of a finding worth a line: the other filing of a repeat filing, declared vs computed area. */
export function findingFacts(
  finding: CheckFinding,
): { kind: 'otherFiling'; title: string } | { kind: 'declared'; declared: number; computed: number } | null {
  const facts = finding.facts ?? {}
  if (typeof facts.otherFilingTitle === 'string')
    return { kind: 'otherFiling', title: facts.otherFilingTitle }
  if (typeof facts.declaredM2 === 'number' && typeof facts.computedM2 === 'number') {
    return { kind: 'declared', declared: facts.declaredM2, computed: facts.computedM2 }
  }
  return null
}

/**
 * What changed between two runs of a filing's checks — after a new layer version, a re-tuned rule or new
 * parcels. Findings are the same finding when rule, parcel, class and other filing agree; a finding
 * changed when its severity or its area (beyond 0.01 m²) differs.
 */
import type { Queryable } from '../db/database'
import { listRuns, runFindings, type CheckRunSummary, type FindingDto } from './report'

export interface CheckDiff {
  from: CheckRunSummary
  to: CheckRunSummary
  layerChanges: { kind: string; from: string | null; to: string | null }[]
  added: FindingDto[]
  removed: FindingDto[]
  changed: { before: FindingDto; after: FindingDto }[]
}

const keyOf = (f: FindingDto) =>
  [f.ruleCode, f.parcelNo, f.classCode ?? '', String(f.facts.otherFilingId ?? '')].join('|')

export async function diffRuns(
  db: Queryable,
  filingId: number,
  fromId: number,
  toId: number,
): Promise<CheckDiff | null> {
  const [from] = await listRuns(db, filingId, fromId)
  const [to] = await listRuns(db, filingId, toId)
  if (!from || !to) return null
  const before = new Map((await runFindings(db, filingId, fromId)).map((f) => [keyOf(f), f]))
  const after = new Map((await runFindings(db, filingId, toId)).map((f) => [keyOf(f), f]))
  const added = [...after].filter(([k]) => !before.has(k)).map(([, f]) => f)
  const removed = [...before].filter(([k]) => !after.has(k)).map(([, f]) => f)
  const changed = [...after]
    .filter(([k, a]) => {
      const b = before.get(k)
      return b && (b.severity !== a.severity || Math.abs((b.areaM2 ?? 0) - (a.areaM2 ?? 0)) > 0.01)
    })
    .map(([k, a]) => ({ before: before.get(k)!, after: a }))
  const kinds = new Set([...from.layerVersions, ...to.layerVersions].map((l) => l.kind))
  const layerChanges = [...kinds]
    .map((kind) => ({
      kind,
      from: from.layerVersions.find((l) => l.kind === kind)?.label ?? null,
      to: to.layerVersions.find((l) => l.kind === kind)?.label ?? null,
    }))
    .filter((c) => c.from !== c.to)
  return { from, to, layerChanges, added, removed, changed }
}

/**
 * A check run: for each rule, in order — switched off or its layer missing → "not checked" (never a
 * silent "clear"); otherwise run its SQL over the filing's parcels and store what it finds, with the
 * layer version and the settings used, so the outcome can be reproduced and explained later.
 */
import type { Queryable } from '../db/database'
import { loadRules, ruleSql, type RuleConfig, type Severity } from './rules'

export type Trigger = 'upload_accepted' | 'on_demand' | 'sample'

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warn: 2, block: 3 }

/** The current version of each layer kind. */
async function currentVersions(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ kind: string; version_id: number }>(
    'SELECT kind, current_version_id AS version_id FROM reference_layer WHERE current_version_id IS NOT NULL',
  )
  return new Map(rows.map((r) => [r.kind, r.version_id]))
}

/** Runs every rule on a filing's parcels (in the caller's transaction when given one); returns the run id. */
export async function runCheck(
  db: Queryable,
  filingId: number,
  trigger: Trigger,
  startedBy: number | null,
): Promise<number> {
  const started = performance.now()
  const { rows: runRows } = await db.query<{ id: number }>(
    `INSERT INTO check_run (filing_id, trigger, started_by, parcel_count)
     VALUES ($1, $2, $3, (SELECT count(*) FROM parcel WHERE filing_id = $1)) RETURNING id`,
    [filingId, trigger, startedBy],
  )
  const runId = runRows[0]!.id
  const [rules, versions] = await Promise.all([loadRules(db), currentVersions(db)])
  let worst: Severity | null = null
  for (const rule of rules) {
    const ruleStarted = performance.now()
    const settings = JSON.stringify(rule)
    const versionId = rule.layerKind ? (versions.get(rule.layerKind) ?? null) : null
    const notChecked = !rule.enabled
      ? 'rule_disabled'
      : rule.layerKind && versionId === null
        ? 'layer_missing'
        : null
    if (notChecked) {
      await db.query(
        `INSERT INTO check_rule_result (run_id, rule_code, state, reason, settings) VALUES ($1, $2, 'not_checked', $3, $4)`,
        [runId, rule.code, notChecked, settings],
      )
      continue
    }
    const inserted = await db.query<{ severity: Severity }>(
      `INSERT INTO check_finding (run_id, rule_code, parcel_id, parcel_no, severity, class_code, area_m2, share, facts, geom)
       SELECT $6, $9, r.parcel_id, p.parcel_no,
              coalesce($7::jsonb ->> r.severity_key, $8), r.class_code, r.area_m2, r.share, r.facts, r.geom
         FROM (${ruleSql(rule.code)}) r
         JOIN parcel p ON p.id = r.parcel_id
        ORDER BY p.parcel_no, r.class_code
       RETURNING severity`,
      [
        filingId,
        versionId,
        rule.classCodes,
        rule.toleranceM2,
        rule.toleranceRatio,
        runId,
        JSON.stringify(rule.classSeverity),
        rule.severity,
        rule.code,
      ],
    )
    for (const { severity } of inserted.rows) {
      if (!worst || SEVERITY_RANK[severity] > SEVERITY_RANK[worst]) worst = severity
    }
    await db.query(
      `INSERT INTO check_rule_result (run_id, rule_code, state, layer_version_id, settings, finding_count, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        runId,
        rule.code,
        inserted.rows.length ? 'hit' : 'clear',
        versionId,
        settings,
        inserted.rows.length,
        Math.round(performance.now() - ruleStarted),
      ],
    )
  }
  await db.query(`UPDATE check_run SET finished_at = now(), worst = $2, duration_ms = $3 WHERE id = $1`, [
    runId,
    worst ?? 'clear',
    Math.round(performance.now() - started),
  ])
  return runId
}

export type { RuleConfig }

/**
 * A check run: for each rule, in order — switched off or its layer missing → "not checked" (never a
 * silent "clear"); otherwise its SQL runs over the filing's parcels and what it finds is stored, with the
 * layer version and the settings used, so the outcome can be reproduced and explained later.
 *
 * The rules that run are composed into one statement (`runStatement`). The filing's parcels are read
 * once (`parcels`), and one GiST probe per parcel finds the features of every layer the rules use
 * (`touching`): the reference layers share one index, so probing it once per parcel instead of once per
 * parcel and layer does most of the work the separate overlay queries would each repeat. Each rule file
 * is a query over these two relations (server/check/sql/rules/permanent_farmland_overlap.sql says how);
 * its five parameters are renumbered into the statement's. The findings are inserted by the same
 * statement, which answers how many each rule found at each severity.
 */
import crypto from 'node:crypto'
import { queryPrepared, type Queryable } from '../db/database'
import { ruleConfig, ruleSql, type RuleConfig, type RuleRow, type Severity } from './rules'

export type Trigger = 'upload_accepted' | 'on_demand' | 'sample'

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warn: 2, block: 3 }

/** A rule as a run sees it: the layer version it uses, or why it is not checked. */
export interface PlannedRule {
  rule: RuleConfig
  versionId: number | null
  notChecked: 'rule_disabled' | 'layer_missing' | null
}

/** What each rule of a run will do with the layers current now. */
export async function planRun(db: Queryable): Promise<PlannedRule[]> {
  const { rows } = await db.query<RuleRow & { version_id: number | null }>(
    `SELECT c.*, l.current_version_id AS version_id
       FROM check_rule c LEFT JOIN reference_layer l ON l.kind = c.layer_kind
      ORDER BY c.sort, c.code`,
  )
  return rows.map((row) => {
    const rule = ruleConfig(row)
    const versionId = rule.layerKind ? row.version_id : null
    const notChecked = !rule.enabled
      ? 'rule_disabled'
      : rule.layerKind && versionId === null
        ? 'layer_missing'
        : null
    return { rule, versionId, notChecked }
  })
}

/** Parameters of the statement before the rules' own: filing, run, layer versions, severities. */
const SHARED_PARAMS = 4
/** Each rule's parameters $2…$5 (layer version, class codes, tolerances); $1 is the filing for all. */
const RULE_PARAMS = 4

/** A rule file's SQL with its $2…$5 moved to the rule's slots in the run statement. */
function renumbered(code: string, slot: number): string {
  return ruleSql(code).replace(/\$(\d+)/g, (_whole, digits: string) => {
    const n = Number(digits)
    if (n < 1 || n > 5) throw new Error(`rule ${code}: parameter $${n} (a rule takes $1…$5)`)
    return n === 1 ? '$1' : `$${SHARED_PARAMS + slot * RULE_PARAMS + n - 1}`
  })
}

/**
 * The statement that runs `rules` (those to check, in report order) on the filing. With a run id: insert
 * the findings into that run and answer `(rule_code, severity, n)`; with null: answer the findings
 * themselves (what `landuse rules sql` prints, to run or EXPLAIN by hand).
 */
export function runStatement(
  rules: PlannedRule[],
  filingId: number,
  runId: number | null,
): { text: string; values: unknown[] } {
  const store = runId !== null
  const checked = rules.filter((r) => !r.notChecked)
  const ruleCtes = checked.map((r, i) => `rule_${i} AS (\n${renumbered(r.rule.code, i)}\n)`)
  const found = checked.map(
    (r, i) =>
      `  SELECT '${r.rule.code}'::text AS rule_code, parcel_id, class_code, area_m2, share, facts, geom, severity_key FROM rule_${i}`,
  )
  const select = `SELECT f.rule_code, f.parcel_id, pa.parcel_no,
         coalesce(s.class_severity ->> f.severity_key, s.severity) AS severity,
         f.class_code, f.area_m2, f.share, f.facts, f.geom
    FROM found f
    JOIN parcel pa ON pa.id = f.parcel_id -- by primary key: estimates of CTE rows mean little
    JOIN rule_settings s ON s.code = f.rule_code
   ORDER BY s.sort, pa.parcel_no, f.class_code`
  const text = `-- a check run (server/check/run.ts): $1 filing, $2 run, $3 layer versions, $4 rule settings
WITH parcels AS MATERIALIZED (
  SELECT id, parcel_no, geom_ea, area_m2, declared_area_m2 FROM parcel WHERE filing_id = $1
),
-- every feature of the layer versions in use that a parcel intersects: one GiST probe per parcel; with
-- the parcel's shape and area, so that no rule joins back to parcels (a join of two CTEs is planned on
-- guessed row counts, and a nested loop over 1,000 parcels cost seconds)
touching AS MATERIALIZED (
  SELECT pa.id AS parcel_id, pa.geom_ea AS parcel_geom, pa.area_m2 AS parcel_area,
         f.version_id, f.class_code, f.geom_ea
    FROM parcels pa
    JOIN reference_feature f ON f.geom_ea && pa.geom_ea AND ST_Intersects(f.geom_ea, pa.geom_ea)
   WHERE f.version_id = ANY ($3::bigint[])
),
rule_settings AS (
  SELECT * FROM jsonb_to_recordset($4::jsonb) AS s(code text, sort int, severity text, class_severity jsonb)
),
${ruleCtes.join(',\n')}${ruleCtes.length ? ',' : ''}
found AS (
${found.length ? found.join('\n  UNION ALL\n') : '  SELECT NULL::text AS rule_code, NULL::bigint AS parcel_id, NULL::text AS class_code, NULL::float8 AS area_m2, NULL::float8 AS share, NULL::jsonb AS facts, NULL::geometry AS geom, NULL::text AS severity_key WHERE false'}
)${
    store
      ? `,
stored AS (
  INSERT INTO check_finding (run_id, rule_code, parcel_id, parcel_no, severity, class_code, area_m2, share, facts, geom)
  SELECT $2, x.* FROM (${select}) x
  RETURNING rule_code, severity
)
SELECT rule_code, severity, count(*)::int AS n FROM stored GROUP BY rule_code, severity`
      : `
SELECT $2::bigint AS run_id, x.* FROM (${select}) x`
  }`
  const versions = [...new Set(checked.flatMap((r) => (r.versionId === null ? [] : [r.versionId])))]
  const settings = checked.map((r) => ({
    code: r.rule.code,
    sort: r.rule.sort,
    severity: r.rule.severity,
    class_severity: r.rule.classSeverity,
  }))
  const values: unknown[] = [filingId, runId, versions, JSON.stringify(settings)]
  for (const r of checked)
    values.push(r.versionId, r.rule.classCodes, r.rule.toleranceM2, r.rule.toleranceRatio)
  return { text, values }
}

/** A value as an SQL literal (for the script `landuse rules sql` prints). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL'
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return `ARRAY[${value.map(literal).join(', ')}]`
  return `'${String(value).replace(/'/g, "''")}'`
}

/**
 * What a check run of filing `filingId` would execute now, as a script to run or EXPLAIN by hand
 * (`landuse rules sql`): the read-only statement prepared as `check_findings`, then executed with the
 * current rules' values. It answers the findings instead of storing them.
 */
export function runScript(plan: PlannedRule[], filingId: number): string {
  const { text, values } = runStatement(plan, filingId, null)
  const args = values.map((v, i) => (i === 2 ? `${literal(v)}::bigint[]` : literal(v)))
  const skipped = plan.filter((p) => p.notChecked).map((p) => `--   ${p.rule.code}: ${p.notChecked}`)
  return [
    ...(skipped.length ? ['-- not checked:', ...skipped] : []),
    `PREPARE check_findings AS\n${text};`,
    `EXECUTE check_findings(${args.join(', ')});`,
    'DEALLOCATE check_findings;',
    '',
  ].join('\n')
}

/**
 * Runs every rule on a filing's parcels, in the caller's transaction (`db` is a transaction's client);
 * returns the run id.
 *
 * The run's statement is prepared per connection and runs with its generic plan from the first time:
 * PostgreSQL would otherwise plan it anew for each of a connection's first five runs (3 ms each, and a
 * 100-parcel run takes 10), and every connection of the pool starts over. The setting is the
 * transaction's own and is put back before returning.
 */
export async function runCheck(
  db: Queryable,
  filingId: number,
  trigger: Trigger,
  startedBy: number | null,
): Promise<number> {
  const started = performance.now()
  const plan = await planRun(db)
  // the run, and every rule's result ('clear' until its findings say 'hit'): the findings refer to it
  const { rows: runRows } = await db.query<{ id: number; plan_cache_mode: string }>(
    `WITH run AS (
       INSERT INTO check_run (filing_id, trigger, started_by, parcel_count)
       VALUES ($1, $2, $3, (SELECT count(*) FROM parcel WHERE filing_id = $1)) RETURNING id
     ),
     results AS (
       INSERT INTO check_rule_result (run_id, rule_code, state, reason, layer_version_id, settings)
       SELECT run.id, r.code, CASE WHEN r.reason IS NULL THEN 'clear' ELSE 'not_checked' END, r.reason,
              r.version_id, r.settings
         FROM run CROSS JOIN jsonb_to_recordset($4::jsonb) AS r(code text, reason text, version_id bigint, settings jsonb)
     )
     SELECT id, current_setting('plan_cache_mode') AS plan_cache_mode,
            set_config('plan_cache_mode', 'force_generic_plan', true)
       FROM run`,
    [
      filingId,
      trigger,
      startedBy,
      JSON.stringify(
        plan.map((p) => ({
          code: p.rule.code,
          reason: p.notChecked,
          version_id: p.notChecked ? null : p.versionId,
          settings: p.rule,
        })),
      ),
    ],
  )
  const { id: runId, plan_cache_mode: planCacheMode } = runRows[0]!
  const counts = new Map<string, number>()
  let worst: Severity | null = null
  if (plan.some((p) => !p.notChecked)) {
    const statement = runStatement(plan, filingId, runId)
    // prepared: the statement changes only with the rules' SQL and which rules run
    const name = `check_run_${crypto.createHash('sha1').update(statement.text).digest('hex').slice(0, 20)}`
    const { rows } = await queryPrepared<{ rule_code: string; severity: Severity; n: number }>(
      db,
      name,
      statement.text,
      statement.values,
    )
    for (const r of rows) {
      counts.set(r.rule_code, (counts.get(r.rule_code) ?? 0) + r.n)
      if (!worst || SEVERITY_RANK[r.severity] > SEVERITY_RANK[worst]) worst = r.severity
    }
  }
  await db.query(
    `WITH hits AS (
       UPDATE check_rule_result rr SET state = 'hit', finding_count = h.n
         FROM jsonb_to_recordset($4::jsonb) AS h(code text, n int)
        WHERE rr.run_id = $1 AND rr.rule_code = h.code
     )
     UPDATE check_run SET finished_at = now(), worst = $2, duration_ms = $3
      WHERE id = $1 AND set_config('plan_cache_mode', $5, true) IS NOT NULL`,
    [
      runId,
      worst ?? 'clear',
      Math.round(performance.now() - started),
      JSON.stringify([...counts].map(([code, n]) => ({ code, n }))),
      planCacheMode,
    ],
  )
  return runId
}

export type { RuleConfig }

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
 * its five parameters are renumbered into the statement's. The same statement stores the run, each
 * rule's result and the findings.
 */
import crypto from 'node:crypto'
import { queryPrepared, type Queryable } from '../db/database'
import { ruleConfig, ruleSql, type RuleConfig, type RuleRow } from './rules'

export type Trigger = 'upload_accepted' | 'on_demand' | 'sample'

/** A rule as a run sees it: the layer version it uses, or why it is not checked. */
export interface PlannedRule {
  rule: RuleConfig
  versionId: number | null
  notChecked: 'rule_disabled' | 'layer_missing' | null
}

/** What each rule of a run will do with the layers current now. */
export async function planRun(db: Queryable): Promise<PlannedRule[]> {
  return (await readPlan(db, false)).plan
}

/**
 * planRun; with `genericPlans`, the same statement also makes the transaction plan prepared statements
 * generically from now on (plan_cache_mode), and answers the setting it had.
 */
async function readPlan(
  db: Queryable,
  genericPlans: boolean,
): Promise<{ plan: PlannedRule[]; planCacheMode: string | null }> {
  // the setting read and changed once (a materialized CTE), and one row even without rules
  const { rows } = await db.query<RuleRow & { version_id: number | null; plan_cache_mode: string }>(
    `WITH mode AS MATERIALIZED (
       SELECT current_setting('plan_cache_mode') AS was,
              CASE WHEN $1 THEN set_config('plan_cache_mode', 'force_generic_plan', true) END AS now
     )
     SELECT c.*, l.current_version_id AS version_id, mode.was AS plan_cache_mode
       FROM mode
       LEFT JOIN (check_rule c LEFT JOIN reference_layer l ON l.kind = c.layer_kind) ON true
      ORDER BY c.sort, c.code`,
    [genericPlans],
  )
  const plan = rows.flatMap((row) => {
    if (row.code === null) return []
    const rule = ruleConfig(row)
    const versionId = rule.layerKind ? row.version_id : null
    const notChecked = !rule.enabled
      ? 'rule_disabled'
      : rule.layerKind && versionId === null
        ? 'layer_missing'
        : null
    return [{ rule, versionId, notChecked } as PlannedRule]
  })
  return { plan, planCacheMode: genericPlans ? rows[0]!.plan_cache_mode : null }
}

/** Parameters of the statement before the rules' own: filing, layer versions, rule settings. */
const SHARED_PARAMS = 3
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

/** How a run to be stored was started, and the plan_cache_mode to put back when it ends. */
export interface RunStart {
  trigger: Trigger
  startedBy: number | null
  planCacheMode: string | null
}

/**
 * The statement that runs `rules` (every rule of the plan, in report order) on the filing. With `run`:
 * store the run, each rule's result and the findings, and answer the run's id; with null: answer the
 * findings themselves (what `landuse rules sql` prints, to run or EXPLAIN by hand).
 */
export function runStatement(
  rules: PlannedRule[],
  filingId: number,
  run: RunStart | null,
): { text: string; values: unknown[] } {
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
  const versions = [...new Set(checked.flatMap((r) => (r.versionId === null ? [] : [r.versionId])))]
  const settings = checked.map((r) => ({
    code: r.rule.code,
    sort: r.rule.sort,
    severity: r.rule.severity,
    class_severity: r.rule.classSeverity,
  }))
  const values: unknown[] = [filingId, versions, JSON.stringify(settings)]
  for (const r of checked)
    values.push(r.versionId, r.rule.classCodes, r.rule.toleranceM2, r.rule.toleranceRatio)
  // a stored run's own parameters follow the rules'
  const $ = (i: number) => `$${values.length + i}`
  const store = run
    ? `,
-- the run's id first: its findings and results refer to it, and the run row is written last, with
-- what they came to
run_id AS MATERIALIZED (
  SELECT nextval(pg_get_serial_sequence('check_run', 'id')) AS id
),
stored AS (
  INSERT INTO check_finding (run_id, rule_code, parcel_id, parcel_no, severity, class_code, area_m2, share, facts, geom)
  SELECT (SELECT id FROM run_id), x.* FROM (${select}) x
  RETURNING rule_code, severity
),
hits AS MATERIALIZED (
  SELECT rule_code, count(*)::int AS n,
         max(CASE severity WHEN 'block' THEN 3 WHEN 'warn' THEN 2 ELSE 1 END) AS rank
    FROM stored GROUP BY rule_code
),
-- every rule's result: hit, clear, or not checked and why
results AS (
  INSERT INTO check_rule_result (run_id, rule_code, state, reason, layer_version_id, settings, finding_count)
  SELECT r.id, p.code,
         CASE WHEN p.reason IS NOT NULL THEN 'not_checked' WHEN h.n > 0 THEN 'hit' ELSE 'clear' END,
         p.reason, p.version_id, p.settings, coalesce(h.n, 0)
    FROM run_id r
   CROSS JOIN jsonb_to_recordset(${$(3)}::jsonb) AS p(code text, reason text, version_id bigint, settings jsonb)
    LEFT JOIN hits h ON h.rule_code = p.code
),
-- the worst outcome, once every finding is stored (the statement began when the run did)
run AS (
  INSERT INTO check_run (id, filing_id, trigger, started_by, parcel_count, worst, finished_at, duration_ms)
  OVERRIDING SYSTEM VALUE
  SELECT r.id, $1, ${$(1)}, ${$(2)}, (SELECT count(*) FROM parcels),
         coalesce((ARRAY['info', 'warn', 'block'])[(SELECT max(rank) FROM hits)], 'clear'),
         clock_timestamp(), round(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)
    FROM run_id r
  RETURNING id
)
-- and the transaction's plan_cache_mode as it was before the run (the statement is planned already)
SELECT id, set_config('plan_cache_mode', coalesce(${$(4)}, current_setting('plan_cache_mode')), true)
  FROM run`
    : `
${select}`
  const text = `-- a check run (server/check/run.ts): $1 filing, $2 layer versions, $3 rule settings, 4 per rule, then
-- for a run to store: trigger, started by, every rule's result, the plan_cache_mode to put back
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
   WHERE f.version_id = ANY ($2::bigint[])
),
rule_settings AS (
  SELECT * FROM jsonb_to_recordset($3::jsonb) AS s(code text, sort int, severity text, class_severity jsonb)
),
${ruleCtes.join(',\n')}${ruleCtes.length ? ',' : ''}
found AS (
${found.length ? found.join('\n  UNION ALL\n') : '  SELECT NULL::text AS rule_code, NULL::bigint AS parcel_id, NULL::text AS class_code, NULL::float8 AS area_m2, NULL::float8 AS share, NULL::jsonb AS facts, NULL::geometry AS geom, NULL::text AS severity_key WHERE false'}
)${store}`
  if (run)
    values.push(
      run.trigger,
      run.startedBy,
      JSON.stringify(
        rules.map((p) => ({
          code: p.rule.code,
          reason: p.notChecked,
          version_id: p.notChecked ? null : p.versionId,
          settings: p.rule,
        })),
      ),
      run.planCacheMode,
    )
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
  const args = values.map((v, i) => (i === 1 ? `${literal(v)}::bigint[]` : literal(v)))
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
 * returns the run id. Two statements: the plan (which rules run, with which layer versions), then one
 * that finds and stores everything (runStatement).
 *
 * That statement is prepared per connection and runs with its generic plan from the first time:
 * PostgreSQL would otherwise plan it anew for each of a connection's first five runs (3 ms each, and a
 * 100-parcel run takes 10), and every connection of the pool starts over. The setting is the
 * transaction's own, made by the first statement and put back by the second.
 */
export async function runCheck(
  db: Queryable,
  filingId: number,
  trigger: Trigger,
  startedBy: number | null,
): Promise<number> {
  const { plan, planCacheMode } = await readPlan(db, true)
  const statement = runStatement(plan, filingId, { trigger, startedBy, planCacheMode })
  // prepared: the statement changes only with the rules' SQL and which rules run
  const name = `check_run_${crypto.createHash('sha1').update(statement.text).digest('hex').slice(0, 20)}`
  const { rows } = await queryPrepared<{ id: number }>(db, name, statement.text, statement.values)
  return rows[0]!.id
}

export type { RuleConfig }

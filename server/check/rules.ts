/**
 * The compliance rules: configuration rows in `check_rule` (severity, classes, tolerances, messages,
 * switched on or off) and one SQL file each in `sql/rules/<code>.sql`, loaded by name. Adding a rule is
 * a SQL file plus a row; re-tuning one is an UPDATE (or `landuse rules set`), never a code change.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Queryable } from '../db/database'

export type Severity = 'block' | 'warn' | 'info'

export interface RuleConfig {
  code: string
  nameZh: string
  nameEn: string
  layerKind: string | null
  enabled: boolean
  severity: Severity
  classSeverity: Record<string, Severity>
  classCodes: string[] | null
  toleranceM2: number
  toleranceRatio: number
  messageZh: string
  messageEn: string
  noteZh: string | null
  noteEn: string | null
  sort: number
}

export const RULES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql/rules')

const sqlCache = new Map<string, string>()

/** The SQL of a rule (`sql/rules/<code>.sql`), read once. */
export function ruleSql(code: string): string {
  let sql = sqlCache.get(code)
  if (sql === undefined) {
    if (!/^[a-z_]+$/.test(code)) throw new Error(`bad rule code ${code}`)
    const file = path.join(RULES_DIR, `${code}.sql`)
    if (!fs.existsSync(file)) throw new Error(`rule ${code} has no SQL file ${file}`)
    sql = fs.readFileSync(file, 'utf8').trim().replace(/;\s*$/, '')
    sqlCache.set(code, sql)
  }
  return sql
}

/** A row of `check_rule`. */
export interface RuleRow {
  code: string
  name_zh: string
  name_en: string
  layer_kind: string | null
  enabled: boolean
  severity: Severity
  class_severity: Record<string, Severity>
  class_codes: string[] | null
  tolerance_m2: number
  tolerance_ratio: number
  message_zh: string
  message_en: string
  note_zh: string | null
  note_en: string | null
  sort: number
}

/** Every rule's configuration, in report order. */
export async function loadRules(db: Queryable): Promise<RuleConfig[]> {
  const { rows } = await db.query<RuleRow>('SELECT * FROM check_rule ORDER BY sort, code')
  return rows.map(ruleConfig)
}

export function ruleConfig(r: RuleRow): RuleConfig {
  return {
    code: r.code,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    layerKind: r.layer_kind,
    enabled: r.enabled,
    severity: r.severity,
    classSeverity: r.class_severity,
    classCodes: r.class_codes,
    toleranceM2: r.tolerance_m2,
    toleranceRatio: r.tolerance_ratio,
    messageZh: r.message_zh,
    messageEn: r.message_en,
    noteZh: r.note_zh,
    noteEn: r.note_en,
    sort: r.sort,
  }
}

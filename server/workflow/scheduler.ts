/**
 * The clock scheduler: warns the owners of a step when it is due soon and when it is overdue, and the
 * province's supervisors when a whole filing is overdue. Runs every CLOCK_SCAN_SECONDS and once at
 * start-up, so it catches up after downtime (a step found already overdue gets the overdue notice, not
 * a stale due-soon one).
 *
 * Each notice is keyed (subject, kind, due date) in `clock_notice` and inserted with ON CONFLICT DO
 * NOTHING in the transaction that writes its outbox rows: whatever the number of instances or restarts,
 * a notice goes out once; a due date that moves (an extension) may warn again. Open steps are taken with
 * FOR UPDATE SKIP LOCKED so that instances share the scan instead of queueing on the same rows.
 */
import type { Database, Queryable } from '../db/database'
import type { ProcessRegistry } from './definition'
import { chinaToday, loadCalendar } from './clock'
import { notify } from './notices'

export interface ScanResult {
  today: string
  dueSoon: number
  overdue: number
  filingsOverdue: number
}

interface DueTask {
  id: number
  filing_id: number
  stage: string
  role: string
  jurisdiction_code: string
  division_code: string | null
  due_on: string
  title: string
  process_id: string
  process_version: number
}

async function claim(tx: Queryable, subject: string, kind: 'due_soon' | 'overdue', dueOn: string) {
  const { rows } = await tx.query(
    `INSERT INTO clock_notice (subject, kind, due_on) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
    [subject, kind, dueOn],
  )
  return rows.length === 1
}

export async function scanClocks(db: Database, registry: ProcessRegistry, now: Date): Promise<ScanResult> {
  const today = chinaToday(now)
  return db.transaction(async (tx) => {
    const cal = await loadCalendar(tx)
    const maxSoon = Math.max(0, ...registry.all().map((d) => d.dueSoonDays))
    const horizon = cal.addWorkdays(today, maxSoon)
    const { rows } = await tx.query<DueTask>(
      `SELECT t.id, t.filing_id, t.stage, t.role, t.jurisdiction_code, t.division_code, t.due_on::text,
              f.title, f.process_id, f.process_version
         FROM task t JOIN filing f ON f.id = t.filing_id
        WHERE t.state = 'open' AND t.due_on IS NOT NULL AND t.due_on <= $1
        ORDER BY t.due_on, t.id
        FOR UPDATE OF t SKIP LOCKED`,
      [horizon],
    )
    const result: ScanResult = { today, dueSoon: 0, overdue: 0, filingsOverdue: 0 }
    for (const t of rows) {
      const def = registry.get(t.process_id, t.process_version)
      const kind =
        t.due_on < today
          ? 'overdue'
          : cal.workdaysUntil(today, t.due_on) <= def.dueSoonDays
            ? 'due_soon'
            : null
      if (!kind || !(await claim(tx, `task:${t.id}`, kind, t.due_on))) continue
      await notify(
        tx,
        kind,
        { role: t.role, jurisdictionCode: t.jurisdiction_code, divisionCode: t.division_code },
        {
          filingId: t.filing_id,
          taskId: t.id,
          filingTitle: t.title,
          stage: t.stage,
          dueOn: t.due_on,
          at: now,
        },
      )
      if (kind === 'overdue') result.overdue++
      else result.dueSoon++
    }
    const { rows: filings } = await tx.query<{ id: number; title: string; due_at: string; province: string }>(
      `SELECT f.id, f.title, f.due_at::text, left(j.path, 6) AS province
         FROM filing f JOIN jurisdiction j ON j.code = f.jurisdiction_code
        WHERE f.status IN ('under_review', 'signoff', 'release') AND f.paused_since IS NULL AND f.due_at < $1
        ORDER BY f.id FOR UPDATE OF f SKIP LOCKED`,
      [today],
    )
    for (const f of filings) {
      if (!(await claim(tx, `filing:${f.id}`, 'overdue', f.due_at))) continue
      await notify(
        tx,
        'overdue',
        { role: 'supervisor', jurisdictionCode: f.province, divisionCode: null },
        { filingId: f.id, filingTitle: f.title, stage: 'filing', dueOn: f.due_at, at: now },
      )
      result.filingsOverdue++
    }
    return result
  })
}

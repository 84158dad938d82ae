/**
 * The clock's calendar as the server uses it: the working-day calendar (calendar.ts) with the admin's
 * override table applied. The table is small, so each action reads it afresh: every server instance
 * sees a change at once, and a change recomputes running due dates (engine.recomputeDueDates).
 */
import type { Queryable } from '../db/database'
import { chinaToday, WorkCalendar, type CalendarOverride } from './calendar'

export { chinaToday, WorkCalendar }

export async function listOverrides(db: Queryable): Promise<CalendarOverride[]> {
  const { rows } = await db.query<{ day: string; workday: boolean; note: string | null }>(
    'SELECT day::text, workday, note FROM calendar_override ORDER BY day',
  )
  return rows.map((r) => (r.note === null ? { day: r.day, workday: r.workday } : { ...r, note: r.note }))
}

export async function loadCalendar(db: Queryable): Promise<WorkCalendar> {
  return new WorkCalendar(await listOverrides(db))
}

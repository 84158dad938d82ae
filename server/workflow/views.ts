/**
 * What the workflow shows: a user's task queue, a filing's workflow state and timeline, the
 * supervision board, the inbox and the public progress lookup. Reads only; every query is scoped to
 * what the user may see (visibleFilingsCondition) or to the user's own queue.
 */
import type { Queryable } from '../db/database'
import type { Principal } from '../auth/principal'
import {
  findVisibleFiling,
  listVisibleFilings,
  visibleFilingsCondition,
  type FilingSummary,
} from '../repositories/filings'
import type { ProcessRegistry } from './definition'
import type { WorkCalendar } from './calendar'
import { inQueue, TASK_ACTIONS, WITHDRAWABLE, type TaskRow } from './engine'
import type { StageId } from './definition'

export interface TaskDto {
  id: number
  version: number
  filingId: number
  filing?: FilingSummary
  stage: StageId
  step: string
  role: string
  divisionCode: string | null
  seq: number
  round: number
  state: 'open' | 'done' | 'cancelled'
  startedOn: string
  limitDays: number | null
  extensionDays: number
  dueOn: string | null
  remainingWorkdays: number | null
  overdue: boolean
  dueSoon: boolean
  outcome: string | null
  comment: string | null
  sendBackDivision: string | null
  actedBy: { id: number; displayName: string } | null
  actedAt: string | null
  delayReason: string | null
  delayReasonRequired: boolean
  extension: { id: number; state: string; days: number; reason: string } | null
  actions: string[]
}

/** A task row with what the views show beside it (who acted, the latest extension, the warning window). */
interface TaskRowFull extends TaskRow {
  outcome: string | null
  comment: string | null
  send_back_division: string | null
  acted_by: number | null
  acted_by_name: string | null
  acted_at: Date | null
  delay_reason: string | null
  delay_reason_required: boolean
  ext_id: number | null
  ext_state: string | null
  ext_days: number | null
  ext_reason: string | null
  due_soon_days: number
}

const TASK_SELECT = `
  SELECT t.id, t.version, t.filing_id, t.stage, t.step, t.role, t.division_code, t.jurisdiction_code, t.seq,
         t.round, t.state, t.started_on::text, t.limit_days, t.extension_days, t.due_on::text, t.outcome,
         t.comment, t.send_back_division, t.acted_by, ua.display_name AS acted_by_name, t.acted_at,
         t.delay_reason, t.delay_reason_required,
         e.id AS ext_id, e.state AS ext_state, e.days AS ext_days, e.reason AS ext_reason,
         coalesce((pd.body ->> 'dueSoonDays')::int, 2) AS due_soon_days
    FROM task t
    JOIN filing f ON f.id = t.filing_id
    LEFT JOIN process_definition pd ON pd.id = f.process_id AND pd.version = f.process_version
    LEFT JOIN app_user ua ON ua.id = t.acted_by
    LEFT JOIN LATERAL (SELECT id, state, days, reason FROM extension_request x
                        WHERE x.task_id = t.id ORDER BY x.id DESC LIMIT 1) e ON true`

export interface ClockView {
  cal: WorkCalendar
  today: string
}

function toTask(r: TaskRowFull, v: ClockView, p: Principal | null): TaskDto {
  const remaining = r.state === 'open' && r.due_on ? v.cal.workdaysUntil(v.today, r.due_on) : null
  const mine = p !== null && r.state === 'open' && inQueue(p, r)
  return {
    id: r.id,
    version: r.version,
    filingId: r.filing_id,
    stage: r.stage,
    step: r.step,
    role: r.role,
    divisionCode: r.division_code,
    seq: r.seq,
    round: r.round,
    state: r.state,
    startedOn: r.started_on,
    limitDays: r.limit_days,
    extensionDays: r.extension_days,
    dueOn: r.due_on,
    remainingWorkdays: remaining,
    overdue: remaining !== null && remaining < 0,
    dueSoon: remaining !== null && remaining >= 0 && remaining <= r.due_soon_days,
    outcome: r.outcome,
    comment: r.comment,
    sendBackDivision: r.send_back_division,
    actedBy: r.acted_by === null ? null : { id: r.acted_by, displayName: r.acted_by_name ?? '' },
    actedAt: r.acted_at?.toISOString() ?? null,
    delayReason: r.delay_reason,
    delayReasonRequired: r.delay_reason_required,
    extension:
      r.ext_id === null
        ? null
        : { id: r.ext_id, state: r.ext_state!, days: r.ext_days!, reason: r.ext_reason ?? '' },
    actions: mine ? [...TASK_ACTIONS[r.stage]] : [],
  }
}

/**
 * A leader who signed one seat of a sign-off round may not sign another seat of it (the engine refuses
 * with workflow.same_leader): such a seat offers only `send_back` to them.
 */
async function withoutOwnSecondSeat(db: Queryable, p: Principal, tasks: TaskDto[]): Promise<TaskDto[]> {
  const seats = tasks.filter((t) => t.stage === 'signoff' && t.actions.length)
  if (p.role !== 'leader' || seats.length === 0) return tasks
  const { rows } = await db.query<{ filing_id: number; round: number }>(
    `SELECT DISTINCT filing_id, round FROM task
      WHERE stage = 'signoff' AND state = 'done' AND acted_by = $1 AND filing_id = ANY($2::bigint[])`,
    [p.id, seats.map((t) => t.filingId)],
  )
  const signed = new Set(rows.map((r) => `${r.filing_id}:${r.round}`))
  return tasks.map((t) =>
    t.stage === 'signoff' && signed.has(`${t.filingId}:${t.round}`)
      ? { ...t, actions: t.actions.filter((a) => a === 'send_back') }
      : t,
  )
}

/** The tasks in the user's queue (open), or the ones the user has done. */
export async function listMyTasks(
  db: Queryable,
  p: Principal,
  state: 'open' | 'done',
  v: ClockView,
): Promise<TaskDto[]> {
  const { rows } =
    state === 'open'
      ? await db.query<TaskRowFull>(
          `${TASK_SELECT}
            WHERE t.state = 'open' AND t.role = $1 AND t.jurisdiction_code = $2
              AND (t.division_code IS NULL OR t.division_code = $3)
            ORDER BY t.due_on NULLS LAST, t.id LIMIT 500`,
          [p.role, p.jurisdictionCode, p.divisionCode],
        )
      : await db.query<TaskRowFull>(
          `${TASK_SELECT} WHERE t.acted_by = $1 ORDER BY t.acted_at DESC LIMIT 200`,
          [p.id],
        )
  const tasks = await withoutOwnSecondSeat(
    db,
    p,
    rows.map((r) => toTask(r, v, p)),
  )
  const filings = await filingsById(
    db,
    p,
    tasks.map((t) => t.filingId),
  )
  return tasks.filter((t) => filings.has(t.filingId)).map((t) => ({ ...t, filing: filings.get(t.filingId)! }))
}

async function filingsById(db: Queryable, p: Principal, ids: number[]): Promise<Map<number, FilingSummary>> {
  if (ids.length === 0) return new Map()
  const list = await listVisibleFilings(db, p, { ids: [...new Set(ids)], limit: ids.length })
  return new Map(list.map((f) => [f.id, f]))
}

export interface WorkflowView {
  filing: FilingSummary
  version: number
  process: { id: string; version: number; name: { 'zh-CN': string; en: string } } | null
  clock: {
    acceptedOn: string | null
    limitDays: number | null
    promisedDate: string | null
    dueOn: string | null
    pausedDays: number
    pausedSince: string | null
    extensionDays: number
    remainingWorkdays: number | null
    overdue: boolean
    dueSoon: boolean
  }
  receipt: { receiptNo: string; publicCode: string | null; acceptedOn: string; promisedDate: string } | null
  justification: string | null
  resumeStage: string | null
  decision: string | null
  tasks: TaskDto[]
  pauses: { fromDay: string; toDay: string | null; workdays: number | null }[]
  extensions: {
    id: number
    taskId: number
    days: number
    reason: string
    state: string
    oldDueOn: string | null
    newDueOn: string | null
    oldFilingDue: string | null
    newFilingDue: string | null
  }[]
  actions: string[]
}

/** A filing's workflow state as its page shows it, or null when the user may not see the filing. */
export async function filingWorkflow(
  db: Queryable,
  p: Principal,
  id: number,
  v: ClockView,
  registry: ProcessRegistry,
): Promise<WorkflowView | null> {
  const filing = await findVisibleFiling(db, p, id)
  if (!filing) return null
  const { rows } = await db.query<{
    version: number
    process_id: string | null
    process_version: number | null
    accepted_on: string | null
    limit_days: number | null
    promised_date: string | null
    due_at: string | null
    paused_days: number
    paused_since: string | null
    extension_days: number
    receipt_no: string | null
    public_code: string | null
    submit_justification: string | null
    resume_stage: string | null
    decision: string | null
    status: string
    jurisdiction_code: string
  }>(
    `SELECT version, process_id, process_version, accepted_on::text, limit_days, promised_date::text, due_at::text,
            paused_days, paused_since::text, extension_days, receipt_no, public_code, submit_justification,
            resume_stage, decision, status, jurisdiction_code
       FROM filing WHERE id = $1`,
    [id],
  )
  const f = rows[0]!
  const def = f.process_id && f.process_version ? registry.get(f.process_id, f.process_version) : null
  const running = ['under_review', 'signoff', 'release'].includes(f.status)
  const remaining = running && f.due_at && !f.paused_since ? v.cal.workdaysUntil(v.today, f.due_at) : null
  const { rows: taskRows } = await db.query<TaskRowFull>(
    `${TASK_SELECT} WHERE t.filing_id = $1 ORDER BY t.id`,
    [id],
  )
  const { rows: pauses } = await db.query<{
    from_day: string
    to_day: string | null
    workdays: number | null
  }>('SELECT from_day::text, to_day::text, workdays FROM clock_pause WHERE filing_id = $1 ORDER BY id', [id])
  const { rows: extensions } = await db.query<{
    id: number
    task_id: number
    days: number
    reason: string
    state: string
    old_due_on: string | null
    new_due_on: string | null
    old_filing_due: string | null
    new_filing_due: string | null
  }>(
    `SELECT e.id, e.task_id, e.days, e.reason, e.state, e.old_due_on::text, e.new_due_on::text,
            e.old_filing_due::text, e.new_filing_due::text
       FROM extension_request e JOIN task t ON t.id = e.task_id WHERE t.filing_id = $1 ORDER BY e.id`,
    [id],
  )
  const own = p.role === 'county_clerk' && p.jurisdictionCode === f.jurisdiction_code
  const actions: string[] = []
  if (own && (f.status === 'draft' || f.status === 'returned')) actions.push('submit')
  if (own && (WITHDRAWABLE as readonly string[]).includes(f.status)) actions.push('withdraw')
  return {
    filing,
    version: f.version,
    process: def ? { id: def.id, version: def.version, name: def.name } : null,
    clock: {
      acceptedOn: f.accepted_on,
      limitDays: f.limit_days,
      promisedDate: f.promised_date,
      dueOn: f.due_at,
      pausedDays: f.paused_days,
      pausedSince: f.paused_since,
      extensionDays: f.extension_days,
      remainingWorkdays: remaining,
      overdue: remaining !== null && remaining < 0,
      dueSoon: remaining !== null && remaining >= 0 && remaining <= (def?.dueSoonDays ?? 2),
    },
    receipt:
      f.receipt_no && f.accepted_on && f.promised_date
        ? {
            receiptNo: f.receipt_no,
            publicCode: f.public_code,
            acceptedOn: f.accepted_on,
            promisedDate: f.promised_date,
          }
        : null,
    justification: f.submit_justification,
    resumeStage: f.resume_stage,
    decision: f.decision,
    tasks: await withoutOwnSecondSeat(
      db,
      p,
      taskRows.map((r) => toTask(r, v, p)),
    ),
    pauses: pauses.map((r) => ({ fromDay: r.from_day, toDay: r.to_day, workdays: r.workdays })),
    extensions: extensions.map((e) => ({
      id: e.id,
      taskId: e.task_id,
      days: e.days,
      reason: e.reason,
      state: e.state,
      oldDueOn: e.old_due_on,
      newDueOn: e.new_due_on,
      oldFilingDue: e.old_filing_due,
      newFilingDue: e.new_filing_due,
    })),
    actions,
  }
}

export interface TimelineEvent {
  id: number
  at: string
  actor: { id: number; displayName: string } | null
  role: string | null
  action: string
  fromStatus: string | null
  toStatus: string | null
  comment: string | null
  details: Record<string, unknown> | null
}

/** The audit trail of one filing, oldest first (the caller checked that the user may see the filing). */
export async function filingTimeline(db: Queryable, filingId: number): Promise<TimelineEvent[]> {
  const { rows } = await db.query<{
    id: number
    occurred_at: Date
    actor_id: number | null
    display_name: string | null
    actor_role: string | null
    action: string
    before: Record<string, unknown> | null
    after: Record<string, unknown> | null
    comment: string | null
  }>(
    `SELECT a.id, a.occurred_at, a.actor_id, u.display_name, a.actor_role, a.action, a.before, a.after, a.comment
       FROM audit_event a LEFT JOIN app_user u ON u.id = a.actor_id
      WHERE a.subject_type = 'filing' AND a.subject_id = $1 ORDER BY a.seq`,
    [String(filingId)],
  )
  return rows.map((r) => ({
    id: r.id,
    at: r.occurred_at.toISOString(),
    actor: r.actor_id === null ? null : { id: r.actor_id, displayName: r.display_name ?? '' },
    role: r.actor_role,
    action: r.action,
    fromStatus: typeof r.before?.status === 'string' ? r.before.status : null,
    toStatus: typeof r.after?.status === 'string' ? r.after.status : null,
    comment: r.comment,
    details: r.after,
  }))
}

/** The supervision board counts matching steps up to this many (then says "1000+"). */
export const BOARD_COUNT_CAP = 1000

export interface SupervisionRow {
  task: TaskDto
  filing: {
    id: number
    title: string
    status: string
    jurisdiction: { code: string; name: string; nameEn: string }
  }
  filingDueOn: string | null
  dueOn: string | null
  remainingWorkdays: number | null
  overdue: boolean
  dueSoon: boolean
}

/**
 * The supervision board: open steps with a clock in the user's jurisdiction, most urgent first.
 * `overdue`: due before today; `due_soon`: due within the process's warning window.
 */
export async function supervisionBoard(
  db: Queryable,
  p: Principal,
  filter: 'all' | 'overdue' | 'due_soon',
  page: { limit: number; offset: number },
  v: ClockView,
  registry: ProcessRegistry,
): Promise<{ today: string; total: number; totalCapped: boolean; rows: SupervisionRow[] }> {
  const maxSoon = Math.max(0, ...registry.all().map((d) => d.dueSoonDays))
  const horizon = v.cal.addWorkdays(v.today, maxSoon)
  const scope = visibleFilingsCondition(p, 1)
  const params: unknown[] = [...scope.params]
  let where = `t.state = 'open' AND t.due_on IS NOT NULL AND ${scope.sql}`
  if (filter === 'overdue') {
    params.push(v.today)
    where += ` AND t.due_on < $${params.length}`
  } else if (filter === 'due_soon') {
    params.push(v.today, horizon)
    where += ` AND t.due_on >= $${params.length - 1} AND t.due_on <= $${params.length}`
  }
  const from = `FROM task t JOIN filing f ON f.id = t.filing_id JOIN jurisdiction j ON j.code = f.jurisdiction_code`
  // counted up to a cap: an exact count over every running step of a province costs more than the page
  const { rows: count } = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM (SELECT 1 ${from} WHERE ${where} LIMIT ${BOARD_COUNT_CAP + 1}) capped`,
    params,
  )
  params.push(page.limit, page.offset)
  const { rows: ids } = await db.query<{ id: number }>(
    `SELECT t.id ${from} WHERE ${where} ORDER BY t.due_on, t.id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  )
  const total = Math.min(count[0]!.n, BOARD_COUNT_CAP)
  const totalCapped = count[0]!.n > BOARD_COUNT_CAP
  if (ids.length === 0) return { today: v.today, total, totalCapped, rows: [] }
  const { rows } = await db.query<
    TaskRowFull & {
      title: string
      status: string
      f_due: string | null
      j_code: string
      j_name: string
      j_name_en: string
    }
  >(
    `SELECT x.*, f.title, f.status, f.due_at::text AS f_due, j.code AS j_code, j.name AS j_name, j.name_en AS j_name_en
       FROM (${TASK_SELECT} WHERE t.id = ANY($1::bigint[])) x
       JOIN filing f ON f.id = x.filing_id JOIN jurisdiction j ON j.code = f.jurisdiction_code
      ORDER BY x.due_on, x.id`,
    [ids.map((r) => r.id)],
  )
  return {
    today: v.today,
    total,
    totalCapped,
    rows: rows.map((r) => {
      const task = toTask(r, v, p)
      return {
        task,
        filing: {
          id: r.filing_id,
          title: r.title,
          status: r.status,
          jurisdiction: { code: r.j_code, name: r.j_name, nameEn: r.j_name_en },
        },
        filingDueOn: r.f_due,
        dueOn: task.dueOn,
        remainingWorkdays: task.remainingWorkdays,
        overdue: task.overdue,
        dueSoon: task.dueSoon,
      }
    }),
  }
}

export interface NotificationDto {
  id: number
  kind: string
  filingId: number | null
  taskId: number | null
  title: { 'zh-CN': string; en: string }
  body: { 'zh-CN': string; en: string }
  createdAt: string
  readAt: string | null
}

export async function listNotifications(
  db: Queryable,
  userId: number,
  unreadOnly: boolean,
): Promise<{ notifications: NotificationDto[]; unread: number }> {
  const { rows } = await db.query<{
    id: number
    kind: string
    filing_id: number | null
    task_id: number | null
    payload: { title: NotificationDto['title']; body: NotificationDto['body'] }
    created_at: Date
    read_at: Date | null
  }>(
    `SELECT id, kind, filing_id, task_id, payload, created_at, read_at FROM notification
      WHERE user_id = $1 AND ($2::boolean = false OR read_at IS NULL) ORDER BY id DESC LIMIT 200`,
    [userId, unreadOnly],
  )
  const { rows: unread } = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM notification WHERE user_id = $1 AND read_at IS NULL',
    [userId],
  )
  return {
    unread: unread[0]!.n,
    notifications: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      filingId: r.filing_id,
      taskId: r.task_id,
      title: r.payload.title,
      body: r.payload.body,
      createdAt: r.created_at.toISOString(),
      readAt: r.read_at?.toISOString() ?? null,
    })),
  }
}

const STEP_NAMES: Record<string, { 'zh-CN': string; en: string }> = {
  city_review: { 'zh-CN': '市级审核', en: 'City review' },
  window_intake: { 'zh-CN': '窗口受理', en: 'Window intake' },
  under_review: { 'zh-CN': '处室审查', en: 'Division review' },
  signoff: { 'zh-CN': '领导签批', en: 'Leader sign-off' },
  release: { 'zh-CN': '待发文', en: 'Awaiting release' },
  returned: { 'zh-CN': '退回补正', en: 'Returned for correction' },
}

/** The public progress lookup: receipt number and lookup code must both match; nothing internal. */
export async function publicProgress(
  db: Queryable,
  receiptNo: string,
  code: string,
): Promise<{
  receiptNo: string
  status: string
  receivedOn: string | null
  promisedDate: string | null
  currentStep: { 'zh-CN': string; en: string } | null
  decidedOn: string | null
} | null> {
  const { rows } = await db.query<{
    receipt_no: string
    status: string
    accepted_on: string | null
    promised_date: string | null
    decided_at: Date | null
  }>(
    `SELECT receipt_no, status, accepted_on::text, promised_date::text, decided_at FROM filing
      WHERE receipt_no = $1 AND upper(public_code) = upper($2)`,
    [receiptNo, code],
  )
  const r = rows[0]
  if (!r) return null
  return {
    receiptNo: r.receipt_no,
    status: r.status,
    receivedOn: r.accepted_on,
    promisedDate: r.promised_date,
    currentStep: STEP_NAMES[r.status] ?? null,
    decidedOn: r.decided_at
      ? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(r.decided_at)
      : null,
  }
}

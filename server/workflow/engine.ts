/**
 * The workflow core: every transition of a filing, with its clock, its audit event and its notices, in
 * one transaction. Routes call these functions; the sample loader and the tests call them with a
 * chosen `now`. The process comes from the filing's stored definition version (definition.ts); the
 * working days from the calendar with its overrides (clock.ts).
 *
 * Concurrency: an action locks the filing row first (then its task), so parallel reviews of one filing
 * complete one after the other and exactly one of them opens sign-off. A task action carries the task's
 * `version`; a stale version is a 409 `workflow.version_conflict` and changes nothing.
 */
import crypto from 'node:crypto'
import type { Queryable } from '../db/database'
import type { Principal } from '../auth/principal'
import { AppError, notFound } from '../errors'
import { recordAudit } from '../repositories/audit'
import { findVisibleFiling, type FilingStatus } from '../repositories/filings'
import {
  ProcessError,
  STAGE_STATUS,
  stageOf,
  transition,
  type ProcessDefinition,
  type ProcessRegistry,
  type StageId,
} from './definition'
import { chinaToday, loadCalendar, type WorkCalendar } from './clock'
import { notify, type NoticeKind, type Queue } from './notices'

export const TASK_ACTIONS = {
  city_review: ['forward', 'return'],
  window_intake: ['accept', 'return'],
  division_review: ['agree', 'disagree', 'needs_correction'],
  signoff: ['approve', 'reject', 'send_back'],
  release: ['release'],
} as const satisfies Record<StageId, readonly string[]>
export type TaskAction = (typeof TASK_ACTIONS)[StageId][number]
export const COMMENT_REQUIRED: readonly string[] = [
  'return',
  'disagree',
  'needs_correction',
  'reject',
  'send_back',
]
/** Statuses in which the county may withdraw its filing. */
export const WITHDRAWABLE: readonly FilingStatus[] = [
  'draft',
  'city_review',
  'window_intake',
  'under_review',
  'signoff',
  'returned',
]

export interface FilingRow {
  id: number
  jurisdiction_code: string
  title: string
  priority: 'standard' | 'key'
  status: FilingStatus
  version: number
  process_id: string | null
  process_version: number | null
  receipt_no: string | null
  public_code: string | null
  accepted_on: string | null
  limit_days: number | null
  extension_days: number
  paused_days: number
  paused_since: string | null
  promised_date: string | null
  due_at: string | null
  resume_stage: StageId | null
  decision: 'approved' | 'rejected' | null
  path: string
  parent_code: string
}

export interface TaskRow {
  id: number
  filing_id: number
  stage: StageId
  step: string
  role: string
  division_code: string | null
  jurisdiction_code: string
  seq: number
  round: number
  state: 'open' | 'done' | 'cancelled'
  started_on: string
  limit_days: number | null
  extension_days: number
  due_on: string | null
  version: number
}

export interface Receipt {
  receiptNo: string
  publicCode: string
  acceptedOn: string
  promisedDate: string
}

export interface WorkflowEnv {
  registry: ProcessRegistry
  /** The current instant (tests and the sample loader move it). */
  now: () => Date
}

interface Ctx {
  tx: Queryable
  env: WorkflowEnv
  p: Principal | null
  now: Date
  today: string
  cal: WorkCalendar
  clientIp?: string | undefined
}

const conflict = (code: 'workflow.version_conflict' | 'workflow.not_allowed', params = {}) =>
  new AppError(code, 409, params)

async function context(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal | null,
  clientIp?: string,
): Promise<Ctx> {
  const now = env.now()
  return { tx, env, p, now, today: chinaToday(now), cal: await loadCalendar(tx), clientIp }
}

async function lockFiling(tx: Queryable, id: number): Promise<FilingRow | null> {
  const { rows } = await tx.query<FilingRow>(
    `SELECT f.id, f.jurisdiction_code, f.title, f.priority, f.status, f.version, f.process_id, f.process_version,
            f.receipt_no, f.public_code, f.accepted_on::text, f.limit_days, f.extension_days, f.paused_days,
            f.paused_since::text, f.promised_date::text, f.due_at::text, f.resume_stage, f.decision,
            j.path, j.parent_code
       FROM filing f JOIN jurisdiction j ON j.code = f.jurisdiction_code
      WHERE f.id = $1 FOR UPDATE OF f`,
    [id],
  )
  return rows[0] ?? null
}

function definitionOf(ctx: Ctx, f: FilingRow): ProcessDefinition {
  if (!f.process_id || f.process_version === null)
    throw new ProcessError(`filing ${f.id} has no process definition`)
  return ctx.env.registry.get(f.process_id, f.process_version)
}

function actorOf(ctx: Ctx): { actorId: number | null; actorRole: string | null } {
  return { actorId: ctx.p?.id ?? null, actorRole: ctx.p?.role ?? null }
}

async function audit(
  ctx: Ctx,
  action: string,
  f: FilingRow,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  comment?: string | null,
): Promise<void> {
  await recordAudit(ctx.tx, {
    ...actorOf(ctx),
    action,
    subjectType: 'filing',
    subjectId: f.id,
    before,
    after,
    ...(comment ? { comment } : {}),
    clientIp: ctx.clientIp,
  })
}

async function setStatus(ctx: Ctx, f: FilingRow, status: FilingStatus): Promise<void> {
  await ctx.tx.query(`UPDATE filing SET status = $2, updated_at = $3, version = version + 1 WHERE id = $1`, [
    f.id,
    status,
    ctx.now,
  ])
  f.status = status
  f.version++
}

function provinceOf(f: FilingRow): string {
  return f.path.slice(0, 6)
}

/** The queue a stage's tasks wait in. */
function queueOf(
  f: FilingRow,
  stage: StageId,
  role: string,
  division: string | null,
): { role: string; jurisdictionCode: string; divisionCode: string | null } {
  const jurisdiction = stage === 'city_review' ? f.parent_code : provinceOf(f)
  return { role, jurisdictionCode: jurisdiction, divisionCode: division }
}

const countyQueue = (f: FilingRow): Queue => ({
  role: 'county_clerk',
  jurisdictionCode: f.jurisdiction_code,
  divisionCode: null,
})

async function openTask(
  ctx: Ctx,
  f: FilingRow,
  stage: StageId,
  step: string,
  role: string,
  division: string | null,
  limit: number | null,
  seq = 1,
  round = 1,
): Promise<number> {
  const queue = queueOf(f, stage, role, division)
  const due = limit === null ? null : ctx.cal.addWorkdays(ctx.today, limit)
  const { rows } = await ctx.tx.query<{ id: number }>(
    `INSERT INTO task (filing_id, stage, step, role, division_code, jurisdiction_code, seq, round,
                       started_on, limit_days, due_on, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [f.id, stage, step, role, division, queue.jurisdictionCode, seq, round, ctx.today, limit, due, ctx.now],
  )
  const taskId = rows[0]!.id
  await notify(ctx.tx, 'task_assigned', queue, {
    filingId: f.id,
    taskId,
    filingTitle: f.title,
    stage,
    dueOn: due,
    at: ctx.now,
  })
  return taskId
}

/** Opens a stage: its tasks (all divisions, or the given ones; one leader seat) and the filing status. */
async function openStage(
  ctx: Ctx,
  f: FilingRow,
  def: ProcessDefinition,
  stageId: StageId,
  options: { divisions?: string[]; seq?: number } = {},
): Promise<void> {
  const stage = stageOf(def, stageId)
  if (stage.parallel) {
    const divisions = stage.parallel.filter(
      (d) => !options.divisions || options.divisions.includes(d.division),
    )
    for (const d of divisions) {
      const round = await nextRound(ctx, f.id, stageId, d.division)
      await openTask(ctx, f, stageId, d.division, stage.role, d.division, d.limitDays, 1, round)
    }
  } else if (stage.sequence) {
    const seq = options.seq ?? 1
    const seat = stage.sequence[seq - 1]
    if (!seat) throw new ProcessError(`process ${def.id}: signoff has no seat ${seq}`)
    // every pass through sign-off is a round; a leader signs at most one seat per round
    const round =
      seq === 1 ? await nextRound(ctx, f.id, stageId, seat.seat) : await currentSignoffRound(ctx.tx, f.id)
    await openTask(ctx, f, stageId, seat.seat, stage.role, null, seat.limitDays, seq, round)
  } else {
    const round = await nextRound(ctx, f.id, stageId, stageId)
    await openTask(ctx, f, stageId, stageId, stage.role, null, stage.limitDays ?? null, 1, round)
  }
  await setStatus(ctx, f, STAGE_STATUS[stageId])
}

async function nextRound(ctx: Ctx, filingId: number, stage: string, step: string): Promise<number> {
  const { rows } = await ctx.tx.query<{ n: number }>(
    `SELECT coalesce(max(round), 0) + 1 AS n FROM task WHERE filing_id = $1 AND stage = $2 AND step = $3`,
    [filingId, stage, step],
  )
  return rows[0]!.n
}

async function currentSignoffRound(tx: Queryable, filingId: number): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT coalesce(max(round), 1) AS n FROM task WHERE filing_id = $1 AND stage = 'signoff' AND seq = 1`,
    [filingId],
  )
  return rows[0]!.n
}

function filingDue(ctx: Ctx, f: FilingRow): string | null {
  if (!f.accepted_on || f.limit_days === null) return null
  return ctx.cal.addWorkdays(f.accepted_on, f.limit_days + f.extension_days + f.paused_days)
}

/** Ends a running pause of the filing's clock; returns the working days it lasted. */
async function endPause(ctx: Ctx, f: FilingRow): Promise<number> {
  if (!f.paused_since) return 0
  const days = ctx.cal.workdaysBetween(f.paused_since, ctx.today)
  await ctx.tx.query(
    `UPDATE clock_pause SET to_day = $2, workdays = $3 WHERE filing_id = $1 AND to_day IS NULL`,
    [f.id, ctx.today, days],
  )
  await ctx.tx.query('UPDATE filing SET paused_since = NULL WHERE id = $1', [f.id])
  f.paused_since = null
  return days
}

async function cancelOpenTasks(tx: Queryable, filingId: number): Promise<void> {
  await tx.query(
    `UPDATE task SET state = 'cancelled', version = version + 1 WHERE filing_id = $1 AND state = 'open'`,
    [filingId],
  )
}

/** Each division's latest answer on the filing. */
async function latestOpinions(
  tx: Queryable,
  filingId: number,
): Promise<{ division_code: string; outcome: string; comment: string }[]> {
  const { rows } = await tx.query<{ division_code: string; outcome: string; comment: string }>(
    `SELECT DISTINCT ON (division_code) division_code, outcome, comment FROM task
      WHERE filing_id = $1 AND stage = 'division_review' AND state = 'done'
      ORDER BY division_code, id DESC`,
    [filingId],
  )
  return rows
}

/** Sends the filing back to the county; after acceptance its clock pauses until resubmission. */
async function returnToCounty(
  ctx: Ctx,
  f: FilingRow,
  resume: StageId,
  comment: string,
  opinions?: unknown,
): Promise<void> {
  const pause = f.accepted_on !== null
  await ctx.tx.query(
    `UPDATE filing SET resume_stage = $2, paused_since = CASE WHEN $3 THEN $4::date ELSE paused_since END
      WHERE id = $1`,
    [f.id, resume, pause, ctx.today],
  )
  if (pause) {
    await ctx.tx.query('INSERT INTO clock_pause (filing_id, from_day) VALUES ($1, $2)', [f.id, ctx.today])
    f.paused_since = ctx.today
  }
  f.resume_stage = resume
  await cancelOpenTasks(ctx.tx, f.id)
  await setStatus(ctx, f, 'returned')
  await notify(ctx.tx, 'returned', countyQueue(f), {
    filingId: f.id,
    filingTitle: f.title,
    stage: resume,
    comment,
    opinions,
    at: ctx.now,
  })
}

// ---------------------------------------------------------------------------------------------------
// County actions on the filing

export interface SubmitInput {
  version: number
  justification?: string | undefined
}

/** The county clerk submits a draft, or resubmits a filing returned for correction. */
export async function submitFiling(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal,
  filingId: number,
  input: SubmitInput,
  clientIp?: string,
): Promise<FilingRow> {
  const ctx = await context(tx, env, p, clientIp)
  const f = await countyFiling(ctx, filingId, input.version)
  if (f.status !== 'draft' && f.status !== 'returned')
    throw conflict('workflow.not_allowed', { action: 'submit', status: f.status })
  const { rows: parcels } = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM parcel WHERE filing_id = $1',
    [f.id],
  )
  if (parcels[0]!.n === 0) throw new AppError('workflow.no_parcels', 409, { id: f.id })
  const { rows: runs } = await tx.query<{ worst: string | null }>(
    'SELECT worst FROM check_run WHERE filing_id = $1 AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1',
    [f.id],
  )
  if (!runs[0]) throw new AppError('workflow.no_check', 409, { id: f.id })
  const justification = input.justification?.trim() ?? ''
  if (runs[0].worst === 'block' && justification.length < 10)
    throw new AppError('workflow.blocking_findings', 409, { id: f.id })
  const before = { status: f.status }
  if (justification) {
    await tx.query('UPDATE filing SET submit_justification = $2 WHERE id = $1', [f.id, justification])
  }

  if (f.status === 'draft') {
    const def = env.registry.forPriority(f.priority)
    const to = transition(def, 'draft', 'submit')
    if (!to || to === 'returned' || to === 'decided')
      throw new ProcessError(`process ${def.id}: submit leads nowhere`)
    await tx.query(
      `UPDATE filing SET process_id = $2, process_version = $3, submitted_at = $4 WHERE id = $1`,
      [f.id, def.id, def.version, ctx.now],
    )
    f.process_id = def.id
    f.process_version = def.version
    await openStage(ctx, f, def, to)
  } else {
    const def = definitionOf(ctx, f)
    const resume = f.resume_stage ?? 'city_review'
    if (f.paused_since) {
      f.paused_days += await endPause(ctx, f)
      f.due_at = filingDue(ctx, f)
      await tx.query('UPDATE filing SET paused_days = $2, due_at = $3 WHERE id = $1', [
        f.id,
        f.paused_days,
        f.due_at,
      ])
    }
    await tx.query('UPDATE filing SET resume_stage = NULL, submitted_at = $2 WHERE id = $1', [f.id, ctx.now])
    if (resume === 'division_review') {
      // back to the divisions that asked for the correction
      const opinions = await latestOpinions(tx, f.id)
      const asked = opinions.filter((o) => o.outcome === 'needs_correction')
      const divisions = (asked.length ? asked : opinions).map((o) => o.division_code)
      await openStage(ctx, f, def, 'division_review', { divisions })
    } else {
      await openStage(ctx, f, def, resume)
    }
  }
  await audit(
    ctx,
    before.status === 'draft' ? 'filing.submit' : 'filing.resubmit',
    f,
    before,
    { status: f.status, dueOn: f.due_at },
    justification || null,
  )
  return f
}

async function countyFiling(ctx: Ctx, filingId: number, version: number): Promise<FilingRow> {
  const p = ctx.p!
  if (!(await findVisibleFiling(ctx.tx, p, filingId))) throw notFound('filing.not_found', { id: filingId })
  if (p.role !== 'county_clerk') throw new AppError('auth.forbidden', 403)
  const f = await lockFiling(ctx.tx, filingId)
  if (!f || f.jurisdiction_code !== p.jurisdictionCode) throw new AppError('auth.forbidden', 403)
  if (f.version !== version)
    throw conflict('workflow.version_conflict', { expected: version, current: f.version })
  return f
}

/** The county withdraws its filing before the decision. */
export async function withdrawFiling(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal,
  filingId: number,
  input: { version: number; reason: string },
  clientIp?: string,
): Promise<FilingRow> {
  const ctx = await context(tx, env, p, clientIp)
  const f = await countyFiling(ctx, filingId, input.version)
  if (!WITHDRAWABLE.includes(f.status))
    throw conflict('workflow.not_allowed', { action: 'withdraw', status: f.status })
  const before = { status: f.status }
  await cancelOpenTasks(tx, f.id)
  await endPause(ctx, f)
  await tx.query('UPDATE filing SET decided_at = $2 WHERE id = $1', [f.id, ctx.now])
  await setStatus(ctx, f, 'withdrawn')
  await audit(ctx, 'filing.withdraw', f, before, { status: 'withdrawn' }, input.reason)
  return f
}

// ---------------------------------------------------------------------------------------------------
// Task actions

export interface ActInput {
  version: number
  action: string
  comment?: string | undefined
  division?: string | undefined
}

export interface ActResult {
  filing: FilingRow
  task: TaskRow
  receipt?: Receipt
}

/** Whether a user works in the queue of a task. */
export function inQueue(p: Principal, t: Pick<TaskRow, 'role' | 'jurisdiction_code' | 'division_code'>) {
  return (
    p.role === t.role &&
    p.jurisdictionCode === t.jurisdiction_code &&
    (t.division_code === null || t.division_code === p.divisionCode)
  )
}

async function lockTask(ctx: Ctx, taskId: number): Promise<{ f: FilingRow; t: TaskRow }> {
  const { rows: ids } = await ctx.tx.query<{ filing_id: number }>(
    'SELECT filing_id FROM task WHERE id = $1',
    [taskId],
  )
  const filingId = ids[0]?.filing_id
  if (filingId === undefined || !ctx.p || !(await findVisibleFiling(ctx.tx, ctx.p, filingId)))
    throw notFound('workflow.task_not_found', { id: taskId })
  const f = (await lockFiling(ctx.tx, filingId))!
  const { rows } = await ctx.tx.query<TaskRow>(
    `SELECT id, filing_id, stage, step, role, division_code, jurisdiction_code, seq, round, state,
            started_on::text, limit_days, extension_days, due_on::text, version
       FROM task WHERE id = $1 FOR UPDATE`,
    [taskId],
  )
  const t = rows[0]!
  if (!inQueue(ctx.p, t)) throw new AppError('workflow.not_your_task', 403, { id: taskId })
  return { f, t }
}

/** A user in the task's queue acts on it: forward, accept, agree, approve, release… */
export async function actOnTask(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal,
  taskId: number,
  input: ActInput,
  clientIp?: string,
): Promise<ActResult> {
  const ctx = await context(tx, env, p, clientIp)
  const { f, t } = await lockTask(ctx, taskId)
  if (t.version !== input.version)
    throw conflict('workflow.version_conflict', { expected: input.version, current: t.version })
  if (t.state !== 'open') throw conflict('workflow.not_allowed', { action: input.action, status: t.state })
  const allowed: readonly string[] = TASK_ACTIONS[t.stage]
  if (!allowed.includes(input.action))
    throw new AppError('workflow.bad_action', 400, { action: input.action, allowed: allowed.join(', ') })
  const comment = input.comment?.trim() ?? ''
  if (COMMENT_REQUIRED.includes(input.action) && comment.length === 0)
    throw new AppError('workflow.comment_required', 400, { action: input.action })
  const def = definitionOf(ctx, f)
  const before = { status: f.status, stage: t.stage, step: t.step }

  if (t.stage === 'signoff' && input.action !== 'send_back') {
    const { rows } = await tx.query(
      `SELECT 1 FROM task WHERE filing_id = $1 AND stage = 'signoff' AND round = $2 AND acted_by = $3
          AND state = 'done'`,
      [f.id, t.round, p.id],
    )
    if (rows.length) throw new AppError('workflow.same_leader', 409, { id: f.id })
  }
  let sendBackDivision: string | null = null
  if (input.action === 'send_back') {
    const divisions = stageOf(def, 'division_review').parallel ?? []
    sendBackDivision = input.division ?? ''
    if (!divisions.some((d) => d.division === sendBackDivision))
      throw new AppError('workflow.bad_division', 400, {
        division: sendBackDivision,
        allowed: divisions.map((d) => d.division).join(', '),
      })
  }

  const outcome = input.action
  await tx.query(
    `UPDATE task SET state = 'done', outcome = $2, comment = $3, acted_by = $4, acted_at = $5,
                     send_back_division = $6, version = version + 1
      WHERE id = $1`,
    [t.id, outcome, comment || null, p.id, ctx.now, sendBackDivision],
  )
  t.state = 'done'
  t.version++

  let receipt: Receipt | undefined
  const next = (action: Parameters<typeof transition>[2]) => {
    const to = transition(def, t.stage, action)
    if (!to) throw conflict('workflow.not_allowed', { action, status: f.status })
    return to
  }
  const go = async (to: ReturnType<typeof next>, options: { divisions?: string[]; seq?: number } = {}) => {
    if (to === 'returned') await returnToCounty(ctx, f, t.stage, comment)
    else if (to === 'decided') await decide(ctx, f)
    else await openStage(ctx, f, def, to, options)
  }

  switch (input.action) {
    case 'forward':
      await go(next('forward'))
      break
    case 'return':
      await go(next('return'))
      break
    case 'accept':
      receipt = await accept(ctx, f, def)
      await go(next('accept'))
      break
    case 'agree':
    case 'disagree':
    case 'needs_correction': {
      const { rows: open } = await tx.query(
        `SELECT 1 FROM task WHERE filing_id = $1 AND stage = 'division_review' AND state = 'open'`,
        [f.id],
      )
      if (open.length) break // wait for the other divisions
      const opinions = await latestOpinions(tx, f.id)
      const corrections = opinions.filter((o) => o.outcome === 'needs_correction')
      if (corrections.length) {
        const to = next('needs_correction')
        const text = corrections.map((o) => `${o.division_code}: ${o.comment}`).join('\n')
        if (to === 'returned') await returnToCounty(ctx, f, 'division_review', text, opinions)
        else await go(to)
      } else {
        await go(next('complete'))
      }
      break
    }
    case 'approve': {
      const seats = stageOf(def, 'signoff').sequence ?? []
      if (t.seq < seats.length) {
        await openStage(ctx, f, def, 'signoff', { seq: t.seq + 1 })
      } else {
        await tx.query(`UPDATE filing SET decision = 'approved' WHERE id = $1`, [f.id])
        f.decision = 'approved'
        await go(next('approve'))
      }
      break
    }
    case 'reject':
      await tx.query(`UPDATE filing SET decision = 'rejected' WHERE id = $1`, [f.id])
      f.decision = 'rejected'
      await go(next('reject'))
      break
    case 'send_back':
      await go(next('send_back'), { divisions: [sendBackDivision!] })
      break
    case 'release':
      await go(next('release'))
      break
  }
  // the task row was changed by the action; the filing version moved when its status did
  if (f.status === before.status) {
    await tx.query('UPDATE filing SET updated_at = $2, version = version + 1 WHERE id = $1', [f.id, ctx.now])
    f.version++
  }
  await audit(
    ctx,
    `task.${input.action}`,
    f,
    before,
    {
      status: f.status,
      taskId: t.id,
      ...(sendBackDivision ? { division: sendBackDivision } : {}),
      ...(receipt ? { receipt } : {}),
    },
    comment || null,
  )
  return receipt ? { filing: f, task: t, receipt } : { filing: f, task: t }
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** Acceptance at the window: receipt number, public lookup code, and the clock starts. */
async function accept(ctx: Ctx, f: FilingRow, def: ProcessDefinition): Promise<Receipt> {
  const { rows } = await ctx.tx.query<{ n: number }>(`SELECT nextval('receipt_no_seq') AS n`)
  const receiptNo = `SY-${ctx.today.slice(0, 4)}-${String(rows[0]!.n).padStart(6, '0')}`
  const publicCode = Array.from(crypto.randomBytes(6), (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join(
    '',
  )
  f.accepted_on = ctx.today
  f.limit_days = def.limitDays
  const promised = filingDue(ctx, f)!
  await ctx.tx.query(
    `UPDATE filing SET receipt_no = $2, public_code = $3, accepted_at = $4, accepted_on = $5, limit_days = $6,
                       promised_date = $7, due_at = $7
      WHERE id = $1`,
    [f.id, receiptNo, publicCode, ctx.now, ctx.today, def.limitDays, promised],
  )
  f.receipt_no = receiptNo
  f.public_code = publicCode
  f.promised_date = promised
  f.due_at = promised
  await notify(ctx.tx, 'accepted', countyQueue(f), {
    filingId: f.id,
    filingTitle: f.title,
    receiptNo,
    publicCode,
    dueOn: promised,
    at: ctx.now,
  })
  return { receiptNo, publicCode, acceptedOn: ctx.today, promisedDate: promised }
}

/** The window releases the leaders' decision: the filing is approved (public, frozen) or rejected. */
async function decide(ctx: Ctx, f: FilingRow): Promise<void> {
  const decision = f.decision ?? 'rejected'
  await ctx.tx.query('UPDATE filing SET decided_at = $2 WHERE id = $1', [f.id, ctx.now])
  await setStatus(ctx, f, decision)
  await notify(ctx.tx, 'decision', countyQueue(f), {
    filingId: f.id,
    filingTitle: f.title,
    decision,
    at: ctx.now,
  })
}

// ---------------------------------------------------------------------------------------------------
// Extensions, delay reasons, supervision

export async function requestExtension(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal,
  taskId: number,
  input: { days: number; reason: string },
  clientIp?: string,
): Promise<{ id: number }> {
  const ctx = await context(tx, env, p, clientIp)
  const { f, t } = await lockTask(ctx, taskId)
  if (t.state !== 'open' || t.limit_days === null)
    throw conflict('workflow.not_allowed', { action: 'extension', status: t.state })
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO extension_request (task_id, days, reason, requested_by, requested_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
    [t.id, input.days, input.reason, p.id, ctx.now],
  )
  if (!rows[0]) throw new AppError('workflow.extension_pending', 409, { id: t.id })
  await notify(
    tx,
    'extension',
    { role: 'leader', jurisdictionCode: provinceOf(f), divisionCode: null },
    {
      filingId: f.id,
      taskId: t.id,
      filingTitle: f.title,
      days: input.days,
      reason: input.reason,
      at: ctx.now,
    },
  )
  await audit(ctx, 'extension.request', f, {}, { taskId: t.id, days: input.days }, input.reason)
  return rows[0]
}

export async function decideExtension(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal,
  extensionId: number,
  input: { approve: boolean; comment?: string | undefined },
  clientIp?: string,
): Promise<{ oldDueOn: string | null; newDueOn: string | null }> {
  const ctx = await context(tx, env, p, clientIp)
  if (p.role !== 'leader') throw new AppError('auth.forbidden', 403)
  const { rows } = await tx.query<{ task_id: number; filing_id: number; days: number; state: string }>(
    `SELECT e.task_id, t.filing_id, e.days, e.state FROM extension_request e JOIN task t ON t.id = e.task_id
      WHERE e.id = $1`,
    [extensionId],
  )
  const e = rows[0]
  if (!e || !(await findVisibleFiling(tx, p, e.filing_id)))
    throw notFound('workflow.extension_not_found', { id: extensionId })
  const f = (await lockFiling(tx, e.filing_id))!
  const { rows: tasks } = await tx.query<TaskRow>(
    `SELECT id, started_on::text, limit_days, extension_days, due_on::text, state FROM task WHERE id = $1 FOR UPDATE`,
    [e.task_id],
  )
  const t = tasks[0]!
  const { rows: locked } = await tx.query<{ state: string }>(
    'SELECT state FROM extension_request WHERE id = $1 FOR UPDATE',
    [extensionId],
  )
  if (locked[0]!.state !== 'pending')
    throw conflict('workflow.not_allowed', { action: 'decide', status: locked[0]!.state })
  let newDue = t.due_on
  let newFilingDue = f.due_at
  if (input.approve && t.state === 'open') {
    newDue = ctx.cal.addWorkdays(t.started_on, (t.limit_days ?? 0) + t.extension_days + e.days)
    f.extension_days += e.days
    newFilingDue = f.paused_since ? f.due_at : filingDue(ctx, f)
    await tx.query(
      'UPDATE task SET extension_days = extension_days + $2, due_on = $3, version = version + 1 WHERE id = $1',
      [t.id, e.days, newDue],
    )
    await tx.query('UPDATE filing SET extension_days = $2, due_at = $3 WHERE id = $1', [
      f.id,
      f.extension_days,
      newFilingDue,
    ])
  }
  await tx.query(
    `UPDATE extension_request SET state = $2, decided_by = $3, decided_at = $4, decision_comment = $5,
            old_due_on = $6, new_due_on = $7, old_filing_due = $8, new_filing_due = $9
      WHERE id = $1`,
    [
      extensionId,
      input.approve ? 'approved' : 'refused',
      p.id,
      ctx.now,
      input.comment ?? null,
      t.due_on,
      newDue,
      f.due_at,
      newFilingDue,
    ],
  )
  const { rows: requester } = await tx.query<{ requested_by: number }>(
    'SELECT requested_by FROM extension_request WHERE id = $1',
    [extensionId],
  )
  await notify(
    tx,
    'extension_decided',
    { userId: requester[0]!.requested_by },
    {
      filingId: f.id,
      taskId: t.id,
      filingTitle: f.title,
      approve: input.approve,
      dueOn: newDue,
      at: ctx.now,
    },
  )
  await audit(
    ctx,
    input.approve ? 'extension.approve' : 'extension.refuse',
    f,
    { taskDueOn: t.due_on, filingDueOn: f.due_at },
    { taskDueOn: newDue, filingDueOn: newFilingDue, days: e.days },
    input.comment ?? null,
  )
  f.due_at = newFilingDue
  return { oldDueOn: t.due_on, newDueOn: newDue }
}

/** The step owner explains why an overdue step is late. */
export async function giveDelayReason(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal,
  taskId: number,
  reason: string,
  clientIp?: string,
): Promise<void> {
  const ctx = await context(tx, env, p, clientIp)
  const { f, t } = await lockTask(ctx, taskId)
  if (t.state !== 'open' || !t.due_on || t.due_on >= ctx.today)
    throw conflict('workflow.not_allowed', { action: 'delay_reason', status: t.state })
  await tx.query('UPDATE task SET delay_reason = $2, version = version + 1 WHERE id = $1', [t.id, reason])
  await audit(ctx, 'task.delay_reason', f, {}, { taskId: t.id }, reason)
}

/** A supervisor sends a supervision notice to the owners of a running step. */
export async function superviseTask(
  tx: Queryable,
  env: WorkflowEnv,
  p: Principal,
  taskId: number,
  input: { message: string; requireDelayReason: boolean },
  clientIp?: string,
): Promise<void> {
  const ctx = await context(tx, env, p, clientIp)
  if (p.role !== 'supervisor') throw new AppError('auth.forbidden', 403)
  const { rows } = await tx.query<TaskRow & { title: string }>(
    `SELECT t.id, t.filing_id, t.role, t.jurisdiction_code, t.division_code, t.state, f.title
       FROM task t JOIN filing f ON f.id = t.filing_id WHERE t.id = $1`,
    [taskId],
  )
  const t = rows[0]
  if (!t || !(await findVisibleFiling(tx, p, t.filing_id)))
    throw notFound('workflow.task_not_found', { id: taskId })
  if (t.state !== 'open') throw conflict('workflow.not_allowed', { action: 'supervise', status: t.state })
  if (input.requireDelayReason)
    await tx.query('UPDATE task SET delay_reason_required = true WHERE id = $1', [taskId])
  await notify(
    tx,
    'supervision',
    { role: t.role, jurisdictionCode: t.jurisdiction_code, divisionCode: t.division_code },
    { filingId: t.filing_id, taskId, filingTitle: t.title, message: input.message, at: ctx.now },
  )
  await recordAudit(tx, {
    ...actorOf(ctx),
    action: 'supervision.notice',
    subjectType: 'filing',
    subjectId: t.filing_id,
    after: { taskId, requireDelayReason: input.requireDelayReason },
    comment: input.message,
    clientIp,
  })
}

/**
 * A calendar change moves every running due date: open steps from their start, filings from their
 * acceptance (with their pauses re-counted).
 */
export async function recomputeDueDates(tx: Queryable): Promise<{ tasks: number; filings: number }> {
  const cal = await loadCalendar(tx)
  const { rows: tasks } = await tx.query<{ id: number; started_on: string; days: number }>(
    `SELECT id, started_on::text, limit_days + extension_days AS days FROM task
      WHERE state = 'open' AND limit_days IS NOT NULL`,
  )
  if (tasks.length)
    await tx.query(
      `UPDATE task t SET due_on = v.due FROM unnest($1::bigint[], $2::date[]) AS v(id, due) WHERE t.id = v.id`,
      [tasks.map((t) => t.id), tasks.map((t) => cal.addWorkdays(t.started_on, t.days))],
    )
  const { rows: pauses } = await tx.query<{
    id: number
    filing_id: number
    from_day: string
    to_day: string
  }>(
    `SELECT c.id, c.filing_id, c.from_day::text, c.to_day::text FROM clock_pause c JOIN filing f ON f.id = c.filing_id
      WHERE c.to_day IS NOT NULL AND f.status NOT IN ('approved', 'rejected', 'withdrawn')`,
  )
  const paused = new Map<number, number>()
  for (const c of pauses) {
    const n = cal.workdaysBetween(c.from_day, c.to_day)
    paused.set(c.filing_id, (paused.get(c.filing_id) ?? 0) + n)
    await tx.query('UPDATE clock_pause SET workdays = $2 WHERE id = $1', [c.id, n])
  }
  const { rows: filings } = await tx.query<{
    id: number
    accepted_on: string
    days: number
  }>(
    `SELECT id, accepted_on::text, limit_days + extension_days AS days FROM filing
      WHERE accepted_on IS NOT NULL AND status NOT IN ('approved', 'rejected', 'withdrawn')`,
  )
  if (filings.length) {
    const pausedDays = filings.map((f) => paused.get(f.id) ?? 0)
    await tx.query(
      `UPDATE filing f SET paused_days = v.paused, due_at = v.due
         FROM unnest($1::bigint[], $2::int[], $3::date[]) AS v(id, paused, due) WHERE f.id = v.id`,
      [
        filings.map((f) => f.id),
        pausedDays,
        filings.map((f, i) => cal.addWorkdays(f.accepted_on, f.days + pausedDays[i]!)),
      ],
    )
  }
  return { tasks: tasks.length, filings: filings.length }
}

export type { NoticeKind }

import { Router, type Request } from 'express'
import rateLimit from 'express-rate-limit'
import { z } from 'zod'
import type { Database } from '../db/database'
import { AppError, notFound } from '../errors'
import { principalOf, requireLogin, requireRole } from '../http/guards'
import { parseInput } from '../http/validate'
import { findVisibleFiling } from '../repositories/filings'
import { recordAudit } from '../repositories/audit'
import { parseDay, InvalidDay } from '../workflow/calendar'
import { chinaToday, listOverrides, loadCalendar } from '../workflow/clock'
import {
  actOnTask,
  decideExtension,
  giveDelayReason,
  recomputeDueDates,
  requestExtension,
  submitFiling,
  superviseTask,
  withdrawFiling,
  type WorkflowEnv,
} from '../workflow/engine'
import {
  filingTimeline,
  filingWorkflow,
  listMyTasks,
  listNotifications,
  publicProgress,
  supervisionBoard,
  type ClockView,
} from '../workflow/views'

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 53)
const Id = z.object({ id })
const text = (max: number) => z.string().trim().min(1).max(max)
const Submit = z.object({ version: z.number().int(), justification: z.string().max(4000).optional() })
const Withdraw = z.object({ version: z.number().int(), reason: text(2000) })
const Act = z.object({
  version: z.number().int(),
  action: z.string().min(1).max(40),
  comment: z.string().max(4000).optional(),
  division: z.string().max(60).optional(),
})
const Extension = z.object({ days: z.number().int().min(1).max(60), reason: text(2000) })
const Decide = z.object({ approve: z.boolean(), comment: z.string().max(2000).optional() })
const DelayReason = z.object({ reason: text(2000) })
const Notice = z.object({ taskId: id, message: text(2000), requireDelayReason: z.boolean().default(false) })
const TaskQuery = z.object({ state: z.enum(['open', 'done']).default('open') })
const BoardQuery = z.object({
  filter: z.enum(['all', 'overdue', 'due_soon']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})
const Progress = z.object({
  receiptNo: z.string().trim().min(1).max(40),
  code: z.string().trim().min(1).max(20),
})
const Year = z.object({ year: z.coerce.number().int().min(2000).max(2100) })
const Override = z.object({ workday: z.boolean(), note: z.string().max(200).optional() })

export interface WorkflowService {
  env: WorkflowEnv
  /** Called after an action committed: delivers its notices. */
  afterCommit(): Promise<void>
}

export function workflowRoutes(db: Database, wf: WorkflowService): Router {
  const router = Router()
  const env = wf.env

  async function clockView(): Promise<ClockView> {
    return { cal: await loadCalendar(db), today: chinaToday(env.now()) }
  }
  async function visibleOr404(req: Request, filingId: number) {
    const filing = await findVisibleFiling(db, principalOf(req), filingId)
    if (!filing) throw notFound('filing.not_found', { id: filingId })
    return filing
  }
  async function workflowOf(req: Request, filingId: number) {
    const view = await filingWorkflow(db, principalOf(req), filingId, await clockView(), env.registry)
    if (!view) throw notFound('filing.not_found', { id: filingId })
    return view
  }

  router.post('/filings/:id/submit', requireLogin, async (req, res) => {
    const { id: filingId } = parseInput(Id, req.params)
    const input = parseInput(Submit, req.body)
    await db.transaction((tx) => submitFiling(tx, env, principalOf(req), filingId, input, req.ip))
    await wf.afterCommit()
    res.json(await workflowOf(req, filingId))
  })

  router.post('/filings/:id/withdraw', requireLogin, async (req, res) => {
    const { id: filingId } = parseInput(Id, req.params)
    const input = parseInput(Withdraw, req.body)
    await db.transaction((tx) => withdrawFiling(tx, env, principalOf(req), filingId, input, req.ip))
    await wf.afterCommit()
    res.json(await workflowOf(req, filingId))
  })

  router.get('/filings/:id/workflow', requireLogin, async (req, res) => {
    const { id: filingId } = parseInput(Id, req.params)
    res.json(await workflowOf(req, filingId))
  })

  router.get('/filings/:id/timeline', requireLogin, async (req, res) => {
    const { id: filingId } = parseInput(Id, req.params)
    await visibleOr404(req, filingId)
    res.json({ events: await filingTimeline(db, filingId) })
  })

  router.get('/filings/:id/receipt', requireLogin, async (req, res) => {
    const { id: filingId } = parseInput(Id, req.params)
    const view = await workflowOf(req, filingId)
    if (!view.receipt) throw new AppError('workflow.no_receipt', 404, { id: filingId })
    res.json({
      receipt: {
        ...view.receipt,
        title: view.filing.title,
        jurisdiction: view.filing.jurisdiction,
        process: view.process,
      },
    })
  })

  router.get('/tasks', requireLogin, async (req, res) => {
    const q = parseInput(TaskQuery, req.query)
    res.json({ tasks: await listMyTasks(db, principalOf(req), q.state, await clockView()) })
  })

  router.post('/tasks/:id/act', requireLogin, async (req, res) => {
    const { id: taskId } = parseInput(Id, req.params)
    const input = parseInput(Act, req.body)
    const result = await db.transaction((tx) => actOnTask(tx, env, principalOf(req), taskId, input, req.ip))
    await wf.afterCommit()
    const view = await filingWorkflow(db, principalOf(req), result.filing.id, await clockView(), env.registry)
    res.json({
      task: view?.tasks.find((t) => t.id === taskId) ?? null,
      filing: view?.filing ?? null,
      workflow: view,
      ...(result.receipt ? { receipt: result.receipt } : {}),
    })
  })

  router.post('/tasks/:id/extension', requireLogin, async (req, res) => {
    const { id: taskId } = parseInput(Id, req.params)
    const input = parseInput(Extension, req.body)
    const ext = await db.transaction((tx) =>
      requestExtension(tx, env, principalOf(req), taskId, input, req.ip),
    )
    await wf.afterCommit()
    res
      .status(201)
      .json({ extension: { id: ext.id, state: 'pending', days: input.days, reason: input.reason } })
  })

  router.post('/tasks/:id/delay-reason', requireLogin, async (req, res) => {
    const { id: taskId } = parseInput(Id, req.params)
    const { reason } = parseInput(DelayReason, req.body)
    await db.transaction((tx) => giveDelayReason(tx, env, principalOf(req), taskId, reason, req.ip))
    res.json({ ok: true })
  })

  router.get('/extensions', requireRole('leader'), async (req, res) => {
    const p = principalOf(req)
    const { rows } = await db.query<{
      id: number
      task_id: number
      filing_id: number
      title: string
      stage: string
      step: string
      days: number
      reason: string
      state: string
      requested_by: string
      requested_at: Date
      due_on: string | null
    }>(
      `SELECT e.id, e.task_id, t.filing_id, f.title, t.stage, t.step, e.days, e.reason, e.state,
              u.display_name AS requested_by, e.requested_at, t.due_on::text
         FROM extension_request e JOIN task t ON t.id = e.task_id JOIN filing f ON f.id = t.filing_id
         JOIN jurisdiction j ON j.code = f.jurisdiction_code JOIN app_user u ON u.id = e.requested_by
        WHERE starts_with(j.path, $1) AND ($2::text IS NULL OR e.state = $2)
        ORDER BY e.id DESC LIMIT 200`,
      [p.jurisdictionPath, typeof req.query.state === 'string' ? req.query.state : null],
    )
    res.json({
      extensions: rows.map((r) => ({
        id: r.id,
        taskId: r.task_id,
        filingId: r.filing_id,
        filingTitle: r.title,
        stage: r.stage,
        step: r.step,
        days: r.days,
        reason: r.reason,
        state: r.state,
        requestedBy: r.requested_by,
        requestedAt: r.requested_at.toISOString(),
        dueOn: r.due_on,
      })),
    })
  })

  router.post('/extensions/:id/decide', requireRole('leader'), async (req, res) => {
    const { id: extId } = parseInput(Id, req.params)
    const input = parseInput(Decide, req.body)
    const result = await db.transaction((tx) =>
      decideExtension(tx, env, principalOf(req), extId, input, req.ip),
    )
    await wf.afterCommit()
    res.json(result)
  })

  router.get('/supervision', requireRole('supervisor', 'leader', 'admin'), async (req, res) => {
    const q = parseInput(BoardQuery, req.query)
    res.json(await supervisionBoard(db, principalOf(req), q.filter, q, await clockView(), env.registry))
  })

  router.post('/supervision/notices', requireRole('supervisor'), async (req, res) => {
    const input = parseInput(Notice, req.body)
    await db.transaction((tx) => superviseTask(tx, env, principalOf(req), input.taskId, input, req.ip))
    await wf.afterCommit()
    res.status(201).json({ ok: true })
  })

  router.get('/notifications', requireLogin, async (req, res) => {
    res.json(await listNotifications(db, principalOf(req).id, req.query.unread === '1'))
  })

  router.post('/notifications/read-all', requireLogin, async (req, res) => {
    await db.query('UPDATE notification SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [
      principalOf(req).id,
    ])
    res.json({ ok: true })
  })

  router.post('/notifications/:id/read', requireLogin, async (req, res) => {
    const { id: nid } = parseInput(Id, req.params)
    const { rowCount } = await db.query(
      'UPDATE notification SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2',
      [nid, principalOf(req).id],
    )
    if (!rowCount) throw notFound('notification.not_found', { id: nid })
    res.json({ ok: true })
  })

  // calendar administration
  router.get('/admin/calendar', requireRole('admin'), async (req, res) => {
    const { year } = parseInput(Year, req.query)
    const cal = await loadCalendar(db)
    const days = []
    for (let d = `${year}-01-01`; d.startsWith(String(year)); d = nextDay(d)) {
      const info = cal.dayInfo(d)
      const weekend = [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())
      if (info.source !== 'weekend' || info.workday === weekend) days.push(info)
    }
    res.json({ year, days, overrides: await listOverrides(db) })
  })

  router.put('/admin/calendar/overrides/:day', requireRole('admin'), async (req, res) => {
    const day = dayParam(req.params.day)
    const input = parseInput(Override, req.body)
    const p = principalOf(req)
    const moved = await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO calendar_override (day, workday, note, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day) DO UPDATE SET workday = EXCLUDED.workday, note = EXCLUDED.note,
                                         updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [day, input.workday, input.note ?? null, p.id],
      )
      const result = await recomputeDueDates(tx)
      await recordAudit(tx, {
        actorId: p.id,
        actorRole: p.role,
        action: 'calendar.override',
        subjectType: 'calendar',
        subjectId: day,
        after: { ...input, recomputed: result },
        clientIp: req.ip,
      })
      return result
    })
    res.json({ day, ...input, recomputed: moved })
  })

  router.delete('/admin/calendar/overrides/:day', requireRole('admin'), async (req, res) => {
    const day = dayParam(req.params.day)
    const p = principalOf(req)
    const moved = await db.transaction(async (tx) => {
      const { rowCount } = await tx.query('DELETE FROM calendar_override WHERE day = $1', [day])
      if (!rowCount) throw notFound('calendar.no_override', { day })
      const result = await recomputeDueDates(tx)
      await recordAudit(tx, {
        actorId: p.id,
        actorRole: p.role,
        action: 'calendar.override_removed',
        subjectType: 'calendar',
        subjectId: day,
        after: { recomputed: result },
        clientIp: req.ip,
      })
      return result
    })
    res.json({ day, recomputed: moved })
  })

  return router
}

function dayParam(value: unknown): string {
  try {
    return parseDay(String(value))
  } catch (e) {
    if (e instanceof InvalidDay) throw new AppError('calendar.bad_day', 400, { day: String(value) })
    throw e
  }
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** The public progress lookup (no login; rate-limited against guessing codes). */
export function publicProgressRoutes(db: Database): Router {
  const router = Router()
  const limiter = rateLimit({
    windowMs: 10 * 60_000,
    limit: 60,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: () => {
      throw new AppError('public.rate_limited', 429)
    },
  })
  router.get('/public/progress', limiter, async (req, res) => {
    const q = parseInput(Progress, req.query)
    const progress = await publicProgress(db, q.receiptNo, q.code)
    if (!progress) throw notFound('public.progress_not_found')
    res.json(progress)
  })
  return router
}

import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../setup/template'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { runCheck } from '../../server/check/run'
import { registerDefinitions, type ProcessRegistry } from '../../server/workflow/definition'
import { scanClocks } from '../../server/workflow/scheduler'
import { dispatchOutbox } from '../../server/workflow/outbox'
import { verifyAuditChain } from '../../server/workflow/auditChain'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient } from '../helpers/http'

interface Task {
  id: number
  version: number
  filingId: number
  stage: string
  step: string
  divisionCode: string | null
  seq: number
  state: string
  dueOn: string | null
  startedOn: string
  outcome: string | null
}
interface Workflow {
  version: number
  filing: { id: number; status: string }
  clock: {
    acceptedOn: string | null
    promisedDate: string | null
    dueOn: string | null
    pausedDays: number
    pausedSince: string | null
  }
  receipt: { receiptNo: string; publicCode: string; acceptedOn: string; promisedDate: string } | null
  tasks: Task[]
}

const run = promisify(execFile)

/** Beijing time of a day, e.g. at('2026-02-13') → 10:00 that day in China. */
const at = (day: string, hour = 10) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`)

const REVIEWERS: Record<string, string> = {
  farmland_protection: 'reviewer.farmland',
  planning: 'reviewer.planning',
  land_use: 'reviewer.landuse',
  cadastre: 'reviewer.cadastre',
  legal: 'reviewer.legal',
}

describe(`server/workflow (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  let registry: ProcessRegistry
  const clock = { now: at('2026-02-11') }
  const clients = new Map<string, ApiClient>()
  let cleanDraftId: number
  let countyA: number

  async function as(username: string): Promise<ApiClient> {
    let c = clients.get(username)
    if (!c) {
      c = new ApiClient(system.url, { locale: 'en' })
      await c.login(username)
      clients.set(username, c)
    }
    return c
  }

  /** A new draft of county 520102 holding copies of the clean sample draft's parcels, checked. */
  async function newDraft(title: string, priority = 'standard'): Promise<number> {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO filing (jurisdiction_code, title, filing_type, priority, created_by)
       VALUES ('520102', $1, 'batch', $2, $3) RETURNING id`,
      [title, priority, countyA],
    )
    const id = rows[0]!.id
    await db.query(
      `INSERT INTO parcel (filing_id, parcel_no, name, land_use, declared_area_m2, geom, source_geom)
       SELECT $1, parcel_no, name, land_use, declared_area_m2, geom, source_geom FROM parcel WHERE filing_id = $2`,
      [id, cleanDraftId],
    )
    await db.transaction((tx) => runCheck(tx, id, 'on_demand', null))
    return id
  }

  async function workflow(id: number, user = 'county.a'): Promise<Workflow> {
    const res = await (await as(user)).get<Workflow>(`/api/filings/${id}/workflow`)
    expect(res.status).toBe(200)
    return res.body
  }

  async function openTask(id: number, stage: string, division?: string): Promise<Task> {
    const w = await workflow(id)
    const t = w.tasks.find(
      (x) => x.state === 'open' && x.stage === stage && (!division || x.divisionCode === division),
    )
    expect(t, `open ${stage} task of filing ${id}`).toBeDefined()
    return t!
  }

  async function act(user: string, task: Task, action: string, comment?: string, division?: string) {
    const res = await (
      await as(user)
    ).post<{ receipt?: Workflow['receipt'] }>(`/api/tasks/${task.id}/act`, {
      version: task.version,
      action,
      ...(comment ? { comment } : {}),
      ...(division ? { division } : {}),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body
  }

  async function submit(id: number, justification = '与已报地块重叠为测试数据复制所致（测试）') {
    const w = await workflow(id)
    const res = await (
      await as('county.a')
    ).post(`/api/filings/${id}/submit`, {
      version: w.version,
      justification,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
  }

  /** Submit (on `day` − 2), city forwards (− 1), the window accepts on `day`. */
  async function acceptOn(id: number, day: string): Promise<NonNullable<Workflow['receipt']>> {
    const d = new Date(at(day).getTime() - 2 * 86400_000)
    clock.now = d
    await submit(id)
    clock.now = new Date(d.getTime() + 86400_000)
    await act('city.qingshan', await openTask(id, 'city_review'), 'forward')
    clock.now = at(day)
    const answer = await act('window', await openTask(id, 'window_intake'), 'accept')
    return answer.receipt!
  }

  async function allDivisions(id: number, outcome = 'agree', except: Record<string, [string, string]> = {}) {
    for (const [division, user] of Object.entries(REVIEWERS)) {
      const [o, comment] = except[division] ?? [outcome, outcome === 'agree' ? '' : 'see attached']
      await act(user, await openTask(id, 'division_review', division), o, comment || undefined)
    }
  }

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db, {}, { now: () => clock.now, background: false })
    registry = await registerDefinitions(db)
    const { rows } = await db.query<{ id: number }>(
      `SELECT f.id FROM filing f WHERE f.status = 'draft' AND f.notes IS NULL AND f.jurisdiction_code = '520102'
        ORDER BY f.id LIMIT 1`,
    )
    cleanDraftId = rows[0]!.id
    countyA = (await db.query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'county.a'`)).rows[0]!
      .id
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it('a filing accepted on the Friday before the Spring Festival is promised 15 working days later, counting the make-up Saturdays, and is approved, released, public and frozen', async () => {
    const id = await newDraft('春节前受理的报件')
    const receipt = await acceptOn(id, '2026-02-13')
    expect(receipt.acceptedOn).toBe('2026-02-13')
    // Feb 14 (make-up Saturday), Feb 24–28 (28th make-up), Mar 2–6, Mar 9–12
    expect(receipt.promisedDate).toBe('2026-03-12')
    expect(receipt.receiptNo).toMatch(/^SY-2026-\d{6}$/)
    const w = await workflow(id)
    expect(w.filing.status).toBe('under_review')
    const divisionTasks = w.tasks.filter((t) => t.stage === 'division_review')
    expect(divisionTasks).toHaveLength(5)
    // 8 working days from Feb 13: 14, 24, 25, 26, 27, 28, Mar 2, Mar 3
    expect(new Set(divisionTasks.map((t) => t.dueOn))).toEqual(new Set(['2026-03-03']))

    clock.now = at('2026-02-24')
    await allDivisions(id, 'agree', { legal: ['disagree', '建议补充听证材料'] })
    expect((await workflow(id)).filing.status).toBe('signoff')
    clock.now = at('2026-02-25')
    await act('leader1', await openTask(id, 'signoff'), 'approve', '同意')
    // one leader cannot sign the second seat too
    const seat2 = await openTask(id, 'signoff')
    expect(seat2.seq).toBe(2)
    const offered = (await workflow(id, 'leader1')).tasks.find((t) => t.id === seat2.id) as Task & {
      actions: string[]
    }
    expect(offered.actions).toEqual(['send_back'])
    const same = await (
      await as('leader1')
    ).post<{ error: { code: string } }>(`/api/tasks/${seat2.id}/act`, {
      version: seat2.version,
      action: 'approve',
    })
    expect(same.status).toBe(409)
    expect(same.body.error.code).toBe('workflow.same_leader')
    await act('leader2', seat2, 'approve', '同意')
    expect((await workflow(id)).filing.status).toBe('release')
    clock.now = at('2026-02-26')
    await act('window', await openTask(id, 'release'), 'release')
    expect((await workflow(id)).filing.status).toBe('approved')

    // public: progress lookup and the map
    const anon = new ApiClient(system.url, { locale: 'en' })
    const progress = await anon.get<{ status: string; promisedDate: string }>(
      `/api/public/progress?receiptNo=${receipt.receiptNo}&code=${receipt.publicCode}`,
    )
    expect(progress.status).toBe(200)
    expect(progress.body).toMatchObject({ status: 'approved', promisedDate: '2026-03-12' })
    const wrong = await anon.get(`/api/public/progress?receiptNo=${receipt.receiptNo}&code=WRONG1`)
    expect(wrong.status).toBe(404)
    const pub = await anon.get<{ features: { properties: { receiptNo: string } }[] }>('/api/public/parcels')
    expect(pub.body.features.filter((f) => f.properties.receiptNo === receipt.receiptNo).length).toBe(3)

    // frozen: nobody can change the approved filing or its parcels
    await expect(db.query(`UPDATE parcel SET name = 'x' WHERE filing_id = $1`, [id])).rejects.toThrow(
      /frozen/,
    )
    await expect(db.query(`DELETE FROM parcel WHERE filing_id = $1`, [id])).rejects.toThrow(/frozen/)
    await expect(
      db.query(
        `INSERT INTO parcel (filing_id, parcel_no, geom, source_geom)
         SELECT filing_id, parcel_no || '-copy', geom, source_geom FROM parcel WHERE filing_id = $1`,
        [id],
      ),
    ).rejects.toThrow(/frozen/)
    await expect(db.query(`UPDATE filing SET title = 'x' WHERE id = $1`, [id])).rejects.toThrow(/frozen/)

    // the county got the decision in its inbox
    const inbox = await (
      await as('county.a')
    ).get<{ notifications: { kind: string; filingId: number }[] }>('/api/notifications')
    expect(inbox.body.notifications.some((n) => n.kind === 'decision' && n.filingId === id)).toBe(true)
  })

  it('a filing returned for correction across National Day pauses its clock and its due date moves by the 4 paused working days', async () => {
    const id = await newDraft('国庆前退回补正的报件')
    const receipt = await acceptOn(id, '2026-09-29')
    // Sep 30, Oct 8, 9, 10 (make-up Saturday), 12–16, 19–23, 26
    expect(receipt.promisedDate).toBe('2026-10-26')
    clock.now = at('2026-09-30')
    await allDivisions(id, 'agree', { farmland_protection: ['needs_correction', '地块 DK-02 坐标有误'] })
    let w = await workflow(id)
    expect(w.filing.status).toBe('returned')
    expect(w.clock.pausedSince).toBe('2026-09-30')

    clock.now = at('2026-10-12')
    await submit(id)
    w = await workflow(id)
    expect(w.filing.status).toBe('under_review')
    // paused (Sep 30, Oct 12]: Oct 8, 9, 10, 12
    expect(w.clock.pausedDays).toBe(4)
    expect(w.clock.pausedSince).toBeNull()
    expect(w.clock.dueOn).toBe('2026-10-30')
    expect(w.clock.promisedDate).toBe('2026-10-26')
    // only the division that asked for the correction reviews again
    const reopened = w.tasks.filter((t) => t.stage === 'division_review' && t.state === 'open')
    expect(reopened.map((t) => t.divisionCode)).toEqual(['farmland_protection'])
    await act('reviewer.farmland', reopened[0]!, 'agree')
    expect((await workflow(id)).filing.status).toBe('signoff')
  })

  it('a leader rejects with grounds and the window releases the rejection', async () => {
    const id = await newDraft('被否决的报件')
    await acceptOn(id, '2026-11-02')
    clock.now = at('2026-11-03')
    await allDivisions(id)
    const missing = await (
      await as('leader1')
    ).post<{ error: { code: string } }>(`/api/tasks/${(await openTask(id, 'signoff')).id}/act`, {
      version: (await openTask(id, 'signoff')).version,
      action: 'reject',
    })
    expect(missing.status).toBe(400)
    expect(missing.body.error.code).toBe('workflow.comment_required')
    await act('leader1', await openTask(id, 'signoff'), 'reject', '占用永久基本农田，不予批准')
    await act('window', await openTask(id, 'release'), 'release')
    expect((await workflow(id)).filing.status).toBe('rejected')
  })

  it('an extension approved by a leader moves the step and the filing by the days granted, keeping old and new dates', async () => {
    const id = await newDraft('申请延期的报件')
    const receipt = await acceptOn(id, '2026-11-02')
    expect(receipt.promisedDate).toBe('2026-11-23')
    const task = await openTask(id, 'division_review', 'planning')
    expect(task.dueOn).toBe('2026-11-12')
    clock.now = at('2026-11-05')
    const asked = await (
      await as('reviewer.planning')
    ).post<{ extension: { id: number } }>(`/api/tasks/${task.id}/extension`, {
      days: 3,
      reason: '需现场踏勘',
    })
    expect(asked.status).toBe(201)
    const pending = await (
      await as('leader1')
    ).get<{ extensions: { id: number }[] }>('/api/extensions?state=pending')
    expect(pending.body.extensions.map((e) => e.id)).toContain(asked.body.extension.id)
    const decided = await (
      await as('leader1')
    ).post<{ oldDueOn: string; newDueOn: string }>(`/api/extensions/${asked.body.extension.id}/decide`, {
      approve: true,
    })
    expect(decided.status).toBe(200)
    expect(decided.body).toEqual({ oldDueOn: '2026-11-12', newDueOn: '2026-11-17' })
    const w = await workflow(id)
    expect(w.clock.dueOn).toBe('2026-11-26')
    expect(w.tasks.find((t) => t.id === task.id)!.dueOn).toBe('2026-11-17')
  })

  it('the county withdraws a filing under review: its open steps are cancelled', async () => {
    const id = await newDraft('撤回的报件')
    await acceptOn(id, '2026-11-02')
    const w0 = await workflow(id)
    const res = await (
      await as('county.a')
    ).post(`/api/filings/${id}/withdraw`, {
      version: w0.version,
      reason: '项目取消',
    })
    expect(res.status).toBe(200)
    const w = await workflow(id)
    expect(w.filing.status).toBe('withdrawn')
    expect(w.tasks.filter((t) => t.state === 'open')).toHaveLength(0)
  })

  it('a draft with blocking findings cannot be submitted without a recorded justification', async () => {
    const { rows } = await db.query<{ id: number; version: number }>(
      `SELECT f.id, f.version FROM filing f WHERE f.status = 'draft' AND f.notes LIKE '%永久基本农田%' LIMIT 1`,
    )
    const res = await (
      await as('county.a')
    ).post<{ error: { code: string } }>(`/api/filings/${rows[0]!.id}/submit`, { version: rows[0]!.version })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('workflow.blocking_findings')
  })

  it('the same approval fired from two sessions at once: one succeeds, one gets 409, one audit event', async () => {
    const id = await newDraft('并发签批的报件')
    await acceptOn(id, '2026-11-02')
    clock.now = at('2026-11-04')
    await allDivisions(id)
    const task = await openTask(id, 'signoff')
    const s1 = new ApiClient(system.url, { locale: 'en' })
    const s2 = new ApiClient(system.url, { locale: 'en' })
    await s1.login('leader1')
    await s2.login('leader1')
    const body = { version: task.version, action: 'approve', comment: '同意' }
    const results = await Promise.all([
      s1.post(`/api/tasks/${task.id}/act`, body),
      s2.post(`/api/tasks/${task.id}/act`, body),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    const loser = results.find((r) => r.status === 409)!.body as { error: { code: string } }
    expect(loser.error.code).toBe('workflow.version_conflict')
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit_event WHERE subject_type = 'filing' AND subject_id = $1 AND action = 'task.approve'`,
      [String(id)],
    )
    expect(rows[0]!.n).toBe(1)
  })

  it('a repeated request with the same idempotency key is applied once and answered the same', async () => {
    const id = await newDraft('幂等提交的报件')
    clock.now = at('2026-11-02')
    const w = await workflow(id)
    const key = `test-${id}-submit-key`
    const body = { version: w.version, justification: '与已报地块重叠为测试数据复制所致（测试）' }
    const first = await (
      await as('county.a')
    ).post(`/api/filings/${id}/submit`, body, { 'idempotency-key': key })
    const again = await (
      await as('county.a')
    ).post(`/api/filings/${id}/submit`, body, { 'idempotency-key': key })
    expect(first.status).toBe(200)
    expect(again.status).toBe(200)
    expect(again.headers.get('idempotent-replay')).toBe('true')
    expect(again.body).toEqual(first.body)
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit_event WHERE subject_id = $1 AND action = 'filing.submit'`,
      [String(id)],
    )
    expect(rows[0]!.n).toBe(1)
  })

  it('the scheduler sends due-soon and overdue notices once each, also with two schedulers running together', async () => {
    const id = await newDraft('时限预警的报件')
    await acceptOn(id, '2026-11-02')
    const task = await openTask(id, 'division_review', 'cadastre')
    expect(task.dueOn).toBe('2026-11-12')
    const notices = async (kind: string) => {
      await dispatchOutbox(db)
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*) AS n FROM notification n JOIN app_user u ON u.id = n.user_id
          WHERE n.kind = $1 AND n.task_id = $2 AND u.username = 'reviewer.cadastre'`,
        [kind, task.id],
      )
      return rows[0]!.n
    }
    await scanClocks(db, registry, at('2026-11-09'))
    expect(await notices('due_soon')).toBe(0)
    // two working days before the due date: two schedulers at once, then once more
    await Promise.all([
      scanClocks(db, registry, at('2026-11-10')),
      scanClocks(db, registry, at('2026-11-10', 11)),
    ])
    await scanClocks(db, registry, at('2026-11-11'))
    expect(await notices('due_soon')).toBe(1)
    expect(await notices('overdue')).toBe(0)
    // after downtime: the first scan after the due date sends the overdue notice, once
    await Promise.all([
      scanClocks(db, registry, at('2026-11-16')),
      scanClocks(db, registry, at('2026-11-16')),
    ])
    await scanClocks(db, registry, at('2026-11-17'))
    expect(await notices('overdue')).toBe(1)
    expect(await notices('due_soon')).toBe(1)
  })

  it('a calendar override (a new holiday) moves the due dates of running filings', async () => {
    const id = await newDraft('日历调整的报件')
    await acceptOn(id, '2026-11-02')
    expect((await workflow(id)).clock.dueOn).toBe('2026-11-23')
    const admin = await as('admin')
    const put = await admin.request('PUT', '/api/admin/calendar/overrides/2026-11-10', {
      workday: false,
      note: '测试假日',
    })
    expect(put.status).toBe(200)
    expect((await workflow(id)).clock.dueOn).toBe('2026-11-24')
    const del = await admin.request('DELETE', '/api/admin/calendar/overrides/2026-11-10')
    expect(del.status).toBe(200)
    expect((await workflow(id)).clock.dueOn).toBe('2026-11-23')
    const bad = await admin.request<{ error: { code: string } }>(
      'PUT',
      '/api/admin/calendar/overrides/2026-02-30',
      {
        workday: false,
      },
    )
    expect(bad.status).toBe(400)
  })

  it('the supervision board lists overdue steps and a supervisor sends a notice that requires a delay reason', async () => {
    clock.now = at('2026-12-04')
    const sup = await as('supervisor')
    const board = await sup.get<{ total: number; rows: { task: Task; overdue: boolean }[] }>(
      '/api/supervision?filter=overdue',
    )
    expect(board.status).toBe(200)
    expect(board.body.total).toBeGreaterThan(0)
    expect(board.body.rows.every((r) => r.overdue)).toBe(true)
    const row = board.body.rows.find((r) => r.task.divisionCode === 'planning')!
    const sent = await sup.post('/api/supervision/notices', {
      taskId: row.task.id,
      message: '请于本周内办结',
      requireDelayReason: true,
    })
    expect(sent.status).toBe(201)
    const inbox = await (
      await as('reviewer.planning')
    ).get<{ notifications: { kind: string }[] }>('/api/notifications?unread=1')
    expect(inbox.body.notifications.some((n) => n.kind === 'supervision')).toBe(true)
    const reason = await (
      await as('reviewer.planning')
    ).post(`/api/tasks/${row.task.id}/delay-reason`, {
      reason: '等待现场核查结果',
    })
    expect(reason.status).toBe(200)
    const county = await (await as('county.a')).get('/api/supervision')
    expect(county.status).toBe(403)
  })

  it('the timeline shows every action in order, and the audit hash chain detects an edited event', async () => {
    const id = await newDraft('审计链的报件')
    await acceptOn(id, '2026-11-02')
    const tl = await (
      await as('county.a')
    ).get<{ events: { action: string; toStatus: string | null }[] }>(`/api/filings/${id}/timeline`)
    expect(tl.body.events.map((e) => e.action)).toEqual(['filing.submit', 'task.forward', 'task.accept'])
    expect(tl.body.events.map((e) => e.toStatus)).toEqual(['city_review', 'window_intake', 'under_review'])

    expect(await verifyAuditChain(db)).toMatchObject({ ok: true })
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM audit_event WHERE subject_id = $1 AND action = 'task.accept'`,
      [String(id)],
    )
    await db.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update')
    await db.query(`UPDATE audit_event SET comment = 'edited afterwards' WHERE id = $1`, [rows[0]!.id])
    await db.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update')
    const report = await verifyAuditChain(db)
    expect(report.ok).toBe(false)
    expect(report.brokenAt).toMatchObject({ id: rows[0]!.id })
    expect(report.brokenAt!.problem).toMatch(/hash mismatch/)

    // the command line says the same and exits 1 (on a server database, which a second process can reach)
    if (db.mode === 'server') {
      const cli = await run(path.join(ROOT, 'bin/landuse'), ['audit', 'verify'], {
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', LANDUSE_SAMPLE_DATA: 'false' },
      }).then(
        () => ({ code: 0, stdout: '' }),
        (e: { code: number; stdout: string }) => e,
      )
      expect(cli.code).toBe(1)
      expect(cli.stdout).toContain(`BROKEN at event id ${rows[0]!.id}`)
    }
  })
})

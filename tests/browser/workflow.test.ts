import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { backend } from '../helpers/db'
import { chromiumPath } from '../helpers/browser'
import { browserSuite, field, login, logout } from '../helpers/browser-suite'
import { ARTIFACTS } from '../setup/template'

const chromium = chromiumPath()

/** The sample draft "draft-520102-clean" (sample-data/province/filings.json): parcels, a clean check. */
const TITLE = '南明县2026年度第6批次城市建设用地'

/** The five division reviewers and their divisions (sample-data/province/users.json). */
const REVIEWERS = [
  ['reviewer.farmland', 'farmland_protection'],
  ['reviewer.planning', 'planning'],
  ['reviewer.landuse', 'land_use'],
  ['reviewer.cadastre', 'cadastre'],
  ['reviewer.legal', 'legal'],
] as const

describe.skipIf(!chromium)(`browser/workflow (${backend()})`, () => {
  const suite = browserSuite()

  /** From "my tasks" (the queue roles' home page) to the filing's page, through the filing's task row. */
  async function openFromTasks(page: Page, filingId: number): Promise<void> {
    await page.locator('[data-testid=tasks-view]').waitFor()
    const row = page.locator(`[data-testid=task-row][data-filing-id="${filingId}"]`)
    await row.waitFor()
    await row.locator('[data-testid=task-link]').click()
    await page.locator('[data-testid=workflow-panel][data-state=ready]').waitFor()
  }

  /** Clicks a task action, fills the comment when given, confirms, and waits for the dialog to close. */
  async function act(page: Page, action: string, comment?: string): Promise<void> {
    await page.locator(`[data-testid=task-action-${action}]`).click()
    const confirm = page.locator('[data-testid=workflow-dialog-confirm]')
    await confirm.waitFor()
    if (comment) await field(page, 'workflow-dialog-text', 'textarea').fill(comment)
    await confirm.click()
    await confirm.waitFor({ state: 'hidden' })
  }

  async function statusIs(page: Page, status: string): Promise<void> {
    await page.locator(`[data-testid=workflow-status][data-status=${status}]`).waitFor()
  }

  it('one filing goes from the county through city, window, five divisions and two leaders to the public', async () => {
    const page = await suite.newPage({ width: 1366, height: 900 })

    // county.a opens the sample draft from the list and submits it
    await login(page, 'county.a', 'county_clerk')
    await page.locator('[data-testid=filings-table]').waitFor()
    await page.locator('[data-testid=filings-table] a', { hasText: TITLE }).first().click()
    await page.locator('[data-testid=workflow-panel][data-state=ready]').waitFor()
    const filingId = Number(/\/filings\/(\d+)/.exec(page.url())![1])
    await statusIs(page, 'draft')
    await page.locator('[data-testid=workflow-submit]').click()
    const confirm = page.locator('[data-testid=workflow-dialog-confirm]')
    await confirm.waitFor()
    const justification = field(page, 'workflow-dialog-text', 'textarea')
    if (await justification.isVisible())
      await justification.fill('浏览器测试：阻断问题已与市局核实，申请报送。')
    await confirm.click()
    await statusIs(page, 'city_review')
    await logout(page)

    // the city bureau of Nanming (520102 → 青山市 520100) forwards it; its bell shows the new task
    await login(page, 'city.qingshan', 'city_clerk')
    await expect
      .poll(async () => Number(await page.locator('[data-testid=inbox-count]').getAttribute('data-count')))
      .toBeGreaterThan(0)
    await openFromTasks(page, filingId)
    await act(page, 'forward')
    await statusIs(page, 'window_intake')
    await logout(page)

    // the window accepts: receipt number, public code and the clock appear
    await login(page, 'window', 'window_clerk')
    await openFromTasks(page, filingId)
    await act(page, 'accept')
    await statusIs(page, 'under_review')
    const receiptNo = (await page.locator('[data-testid=receipt-no]').textContent())!.trim()
    const publicCode = (await page.locator('[data-testid=public-code]').textContent())!.trim()
    expect(receiptNo).toMatch(/\S{4,}/)
    expect(publicCode).toMatch(/^[0-9A-Za-z-]{4,}$/)
    expect(await page.locator('[data-testid=clock-due]').getAttribute('data-due')).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    )
    expect(await page.locator('[data-testid=clock-promised]').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    await logout(page)

    // the five divisions review in parallel, each agrees
    for (const [username, division] of REVIEWERS) {
      await login(page, username, 'division_reviewer')
      await openFromTasks(page, filingId)
      await act(page, 'agree')
      await page
        .locator(`[data-testid=opinion][data-division=${division}][data-outcome=agree]`)
        .waitFor({ state: 'attached' })
      await logout(page)
    }

    // two leaders sign in order
    await login(page, 'leader1', 'leader')
    await openFromTasks(page, filingId)
    await statusIs(page, 'signoff')
    await act(page, 'approve')
    await page
      .locator('[data-testid=workflow-step][data-outcome=approve]')
      .first()
      .waitFor({ state: 'attached' })
    await logout(page)

    await login(page, 'leader2', 'leader')
    await openFromTasks(page, filingId)
    await act(page, 'approve')
    await statusIs(page, 'release')
    await logout(page)

    // the window releases the decision
    await login(page, 'window', 'window_clerk')
    await openFromTasks(page, filingId)
    await act(page, 'release')
    await statusIs(page, 'approved')
    await page
      .locator('[data-testid=timeline-event][data-action="task.release"]')
      .waitFor({ state: 'attached' })
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    fs.writeFileSync(path.join(ARTIFACTS, 'workflow-approved.png'), await page.screenshot())
    await logout(page)

    // anyone: the progress lookup says approved, and the public map lists the filing's parcels
    await page.goto('/public')
    await field(page, 'progress-receipt').fill(receiptNo)
    await field(page, 'progress-code').fill('WRONG1')
    await page.locator('[data-testid=progress-submit]').click()
    await page.locator('[data-testid=progress-not-found]').waitFor()
    await field(page, 'progress-code').fill(publicCode)
    await page.locator('[data-testid=progress-submit]').click()
    await page.locator('[data-testid=progress-result][data-status=approved]').waitFor()

    const { rows } = await suite.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM parcel WHERE filing_id = $1',
      [filingId],
    )
    expect(rows[0]!.n).toBeGreaterThan(0)
    const map = page.locator('[data-testid=map][data-rendered=true]')
    await map.waitFor({ timeout: 60_000 })
    await expect
      .poll(() => page.locator(`[data-testid=public-parcel-item][data-receipt-no="${receiptNo}"]`).count())
      .toBe(rows[0]!.n)
    const listed = await page.locator('[data-testid=public-parcel-item]').count()
    expect(Number(await map.getAttribute('data-parcel-count'))).toBe(listed)
    fs.writeFileSync(path.join(ARTIFACTS, 'workflow-public.png'), await page.screenshot())

    await page.context().close()
    expect(suite.pageErrors).toEqual([])
  })

  it('a supervisor presses an overdue step, its reviewer gives the reason and asks for days, a leader grants them, an admin overrides a day', async () => {
    const page = await suite.newPage({ width: 1366, height: 900 })

    // the sample filing under review (accepted 2026-11-09): its land-use step is open and overdue
    const { rows } = await suite.db.query<{ filing_id: number; task_id: number; due_on: string }>(
      `SELECT t.filing_id, t.id AS task_id, t.due_on::text FROM task t JOIN filing f ON f.id = t.filing_id
        WHERE f.title = '南明县2026年度第5批次城市建设用地' AND t.division_code = 'land_use' AND t.state = 'open'`,
    )
    const { filing_id: filingId, task_id: taskId, due_on: dueBefore } = rows[0]!

    await login(page, 'supervisor', 'supervisor')
    await page.locator('[data-testid=supervision-view]').waitFor()
    await page.locator('[data-testid=supervision-filter-overdue]').click()
    const row = page.locator(`[data-testid=supervision-row][data-task-id="${taskId}"]`)
    await row.waitFor()
    expect(await row.getAttribute('data-mark')).toBe('overdue')
    fs.writeFileSync(path.join(ARTIFACTS, 'workflow-supervision.png'), await page.screenshot())
    await page.locator('tr', { has: row }).locator('[data-testid=supervision-notice]').click()
    await field(page, 'notice-message', 'textarea').fill('请于两个工作日内办结并说明超时原因。')
    await page.locator('[data-testid=notice-require-delay]').click()
    await page.locator('[data-testid=notice-send]').click()
    await page.locator('[data-testid=notice-send]').waitFor({ state: 'hidden' })
    await logout(page)

    await login(page, 'reviewer.landuse', 'division_reviewer')
    await page.locator('[data-testid=inbox-bell]').click()
    const notice = page.locator(
      `[data-testid=inbox-item][data-kind=supervision][data-filing-id="${filingId}"]`,
    )
    await notice.first().waitFor()
    const unread = Number(await page.locator('[data-testid=inbox-count]').getAttribute('data-count'))
    await notice.first().locator('[data-testid=inbox-open]').click()
    await page.locator('[data-testid=workflow-panel][data-state=ready]').waitFor()
    await expect
      .poll(async () => Number(await page.locator('[data-testid=inbox-count]').getAttribute('data-count')))
      .toBe(unread - 1)
    const mine = page.locator(`[data-testid=my-task][data-task-id="${taskId}"]`)
    await mine.locator('[data-testid=task-delay-reason]').click()
    await field(page, 'workflow-dialog-text', 'textarea').fill('等待地方补充规划调整材料。')
    await page.locator('[data-testid=workflow-dialog-confirm]').click()
    await mine.locator('[data-testid=task-delay-reason-text]').waitFor()
    await mine.locator('[data-testid=task-extension]').click()
    await field(page, 'workflow-dialog-days').fill('3')
    await field(page, 'workflow-dialog-text', 'textarea').fill('规划调整材料需市局补充。')
    await page.locator('[data-testid=workflow-dialog-confirm]').click()
    await mine.locator('[data-testid=task-extension-state][data-state=pending]').waitFor()
    fs.writeFileSync(path.join(ARTIFACTS, 'workflow-extension.png'), await page.screenshot())
    await logout(page)

    await login(page, 'leader1', 'leader')
    const request = page.locator(`[data-testid=extension-row][data-task-id="${taskId}"]`)
    await request.waitFor()
    await page.locator('tr', { has: request }).locator('[data-testid=extension-approve]').click()
    await page.locator('[data-testid=extension-decide-confirm]').click()
    await request.waitFor({ state: 'detached' })
    const { rows: after } = await suite.db.query<{ due_on: string }>(
      'SELECT due_on::text FROM task WHERE id = $1',
      [taskId],
    )
    expect(after[0]!.due_on > dueBefore).toBe(true)
    await logout(page)

    const day = `${new Date().getFullYear()}-12-26`
    await login(page, 'admin', 'admin')
    await page.goto('/admin/calendar')
    await page.locator('[data-testid=calendar-day]').first().waitFor()
    await field(page, 'calendar-override-day').fill(day)
    await page.locator('[data-testid=calendar-override-workday-true]').click()
    await field(page, 'calendar-override-note').fill('浏览器测试调整')
    await page.locator('[data-testid=calendar-override-save]').click()
    await page.locator(`[data-testid=calendar-day][data-day="${day}"][data-source=override]`).waitFor()
    await page.locator(`[data-testid=calendar-override-delete][data-day="${day}"]`).click()
    await page.locator(`[data-testid=calendar-override][data-day="${day}"]`).waitFor({ state: 'detached' })
    fs.writeFileSync(path.join(ARTIFACTS, 'workflow-calendar.png'), await page.screenshot())

    await page.context().close()
    expect(suite.pageErrors).toEqual([])
  })
})

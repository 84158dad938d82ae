import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { chromiumPath, launchChromium } from '../helpers/browser'
import { DEMO_PASSWORD } from '../helpers/http'
import { ARTIFACTS, ROOT } from '../setup/template'

const chromium = chromiumPath()

describe.skipIf(!chromium)(`browser/upload (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  let browser: Browser
  const pageErrors: string[] = []

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db, { LANDUSE_CLIENT_DIR: inject('clientDir') })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await system?.close()
    await db?.close()
  })

  it('a county clerk opens a draft, uploads the sample shapefile, sees the preview and a finding, accepts, and the parcels are on the map', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
    const page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))

    await page.goto(`${system.url}/login`)
    await page.locator('[data-testid=login-username]').fill('county.a')
    await page.locator('[data-testid=login-password]').fill(DEMO_PASSWORD)
    await page.locator('[data-testid=login-submit]').click()
    await page.locator('[data-testid=filings-table]').waitFor()

    await page.locator('[data-testid=new-filing]').click()
    await page
      .locator('[data-testid=new-filing-title] input, input[data-testid=new-filing-title]')
      .first()
      .fill('浏览器测试报件')
    await page.locator('[data-testid=new-filing-submit]').click()
    await page.locator('[data-testid=upload-panel]').waitFor()
    const filingId = Number(/\/filings\/(\d+)/.exec(page.url())![1])

    await page
      .locator('[data-testid=upload-input]')
      .setInputFiles(path.join(ROOT, 'sample-data/uploads/sample-parcels-gbk.zip'))
    await page.locator('[data-testid=upload-submit]').click()
    const summary = page.locator('[data-testid=upload-summary]')
    await summary.waitFor({ timeout: 30_000 })
    expect(await summary.getAttribute('data-ok')).toBe('true')
    expect(await summary.getAttribute('data-crs')).toContain('4524')

    // the declared-area warning of DK-02 is listed; clicking it zooms the map to it
    const finding = page.locator('[data-testid=finding][data-severity=warning]').first()
    await finding.waitFor()
    await finding.click()
    const map = page.locator('[data-testid=map]')
    await expect.poll(async () => Number(await map.getAttribute('data-preview-count'))).toBe(4)

    await page.locator('[data-testid=upload-accept]').click()
    await expect
      .poll(async () => Number(await map.getAttribute('data-parcel-count')), { timeout: 15_000 })
      .toBe(4)
    await page.locator('[data-testid=parcels-table]').waitFor()
    fs.writeFileSync(path.join(ARTIFACTS, 'upload-accepted.png'), await page.screenshot())

    const { rows } = await db.query<{ parcel_no: string }>(
      'SELECT parcel_no FROM parcel WHERE filing_id = $1 ORDER BY parcel_no',
      [filingId],
    )
    expect(rows.map((r) => r.parcel_no)).toEqual(['DK-01', 'DK-02', 'DK-03', 'DK-04'])
    await context.close()
    expect(pageErrors).toEqual([])
  })
})

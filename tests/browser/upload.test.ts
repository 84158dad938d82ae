import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { backend } from '../helpers/db'
import { chromiumPath } from '../helpers/browser'
import { browserSuite, field, login } from '../helpers/browser-suite'
import { ARTIFACTS, ROOT } from '../setup/template'

const chromium = chromiumPath()

describe.skipIf(!chromium)(`browser/upload (${backend()})`, () => {
  const suite = browserSuite()

  it('a county clerk opens a draft, uploads the sample shapefile, sees the preview and a finding, accepts, and the parcels are on the map', async () => {
    const page = await suite.newPage()

    await login(page, 'county.a')
    await page.locator('[data-testid=filings-table]').waitFor()

    await page.locator('[data-testid=new-filing]').click()
    await field(page, 'new-filing-title').fill('浏览器测试报件')
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

    const { rows } = await suite.db.query<{ parcel_no: string }>(
      'SELECT parcel_no FROM parcel WHERE filing_id = $1 ORDER BY parcel_no',
      [filingId],
    )
    expect(rows.map((r) => r.parcel_no)).toEqual(['DK-01', 'DK-02', 'DK-03', 'DK-04'])
    await page.context().close()
    expect(suite.pageErrors).toEqual([])
  })
})

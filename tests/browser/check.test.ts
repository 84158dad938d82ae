import fs from 'node:fs'
import path from 'node:path'
import { PNG } from 'pngjs'
import { describe, expect, it } from 'vitest'
import { backend } from '../helpers/db'
import { chromiumPath, pngInk } from '../helpers/browser'
import { browserSuite, login } from '../helpers/browser-suite'
import { ARTIFACTS } from '../setup/template'

const chromium = chromiumPath()

describe.skipIf(!chromium)(`browser/check (${backend()})`, () => {
  const suite = browserSuite()

  it('the sample draft on permanent farmland shows its blocking findings on the map, hatched red, keeps them when checked again, and its printable report has a map image', async () => {
    const { rows } = await suite.db.query<{ id: number }>(
      `SELECT id FROM filing WHERE status = 'draft' AND notes LIKE '%永久基本农田%' LIMIT 1`,
    )
    const filingId = rows[0]!.id
    const page = await suite.newPage()
    await login(page, 'county.a')
    await page.locator('[data-testid=filings-table]').waitFor()

    await page.goto(`/filings/${filingId}`)
    const panel = page.locator('[data-testid=check-panel][data-state=ready]')
    await panel.waitFor({ timeout: 30_000 })
    expect(await panel.getAttribute('data-worst')).toBe('block')
    const blocking = page.locator(
      '[data-testid=check-finding][data-rule=permanent_farmland_overlap][data-severity=block]',
    )
    expect(await blocking.count()).toBeGreaterThan(0)

    // the overlap shapes are drawn; clicking the finding brings its shape into view
    const map = page.locator('[data-testid=map]')
    await expect
      .poll(async () => Number(await map.getAttribute('data-overlap-count')), { timeout: 15_000 })
      .toBeGreaterThan(0)
    await blocking.first().click()
    await expect
      .poll(async () => await map.getAttribute('data-selected-overlap-pixel'), { timeout: 15_000 })
      .toMatch(/^\d+,\d+$/)
    await page.waitForTimeout(500)
    const [x, y] = (await map.getAttribute('data-selected-overlap-pixel'))!.split(',').map(Number)
    const box = (await map.boundingBox())!
    const shot = await page.screenshot({
      clip: { x: box.x + x! - 30, y: box.y + y! - 30, width: 60, height: 60 },
    })
    fs.writeFileSync(path.join(ARTIFACTS, 'check-blocking-overlap.png'), shot)
    // red hatching: strongly red pixels around the overlap's interior point
    const png = PNG.sync.read(shot)
    let red = 0
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!]
      if (r > 150 && g < 110 && b < 110) red++
    }
    expect(red).toBeGreaterThan(20)

    // checking again stores a new run (POST answers its summary; the panel fetches its report) and shows it
    const firstRun = Number(await panel.getAttribute('data-run-id'))
    await page.locator('[data-testid=check-rerun]').click()
    await expect
      .poll(async () => Number(await panel.getAttribute('data-run-id')), { timeout: 30_000 })
      .toBeGreaterThan(firstRun)
    expect(await panel.getAttribute('data-worst')).toBe('block')
    expect(await blocking.count()).toBeGreaterThan(0)

    // the printable report renders its map image
    await page.goto(`/filings/${filingId}/report`)
    await page.locator('[data-testid=report-view][data-map=ready]').waitFor({ timeout: 30_000 })
    const src = await page.locator('[data-testid=report-map-image]').first().getAttribute('src')
    expect(src).toMatch(/^data:image\/png;base64,/)
    const image = Buffer.from(src!.split(',')[1]!, 'base64')
    expect(pngInk(image).distinctColours).toBeGreaterThan(5)
    expect(suite.pageErrors).toEqual([])
    await page.context().close()
  })
})

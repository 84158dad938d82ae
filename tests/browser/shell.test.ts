import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { backend } from '../helpers/db'
import { chromiumPath, pngInk } from '../helpers/browser'
import { browserSuite, login, logout, submitLogin } from '../helpers/browser-suite'
import { ARTIFACTS } from '../setup/template'

const chromium = chromiumPath()
if (!chromium) {
  console.warn(
    '[tests] browser tests SKIPPED: Chromium is not installed (apt-get install chromium, or set CHROMIUM_PATH)',
  )
}

const ROLES = [
  ['county.a', 'county_clerk'],
  ['city.qingshan', 'city_clerk'],
  ['window', 'window_clerk'],
  ['reviewer.planning', 'division_reviewer'],
  ['leader1', 'leader'],
  ['supervisor', 'supervisor'],
  ['admin', 'admin'],
] as const

describe.skipIf(!chromium)(`browser/shell (${backend()})`, () => {
  const suite = browserSuite()

  /** A fresh page that also records Content-Security-Policy violations. */
  async function newPage(): Promise<Page> {
    const page = await suite.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text()))
        suite.pageErrors.push(`CSP: ${m.text()}`)
    })
    return page
  }

  it.each(ROLES)('%s logs in, sees the %s navigation, and logs out', async (username, role) => {
    const page = await newPage()
    await login(page, username, role)
    await expect(page.locator('[data-testid=nav-filings]').isVisible()).resolves.toBe(true)
    await expect(page.locator('[data-testid=nav-map]').isVisible()).resolves.toBe(true)
    await logout(page)
    await page.context().close()
  })

  it('a wrong password shows the server message on the login page', async () => {
    const page = await newPage()
    await submitLogin(page, 'county.a', 'not-the-password')
    await expect(page.locator('[data-testid=login-error]').textContent()).resolves.toContain(
      '用户名或密码错误',
    )
    await page.context().close()
  })

  it('the map page draws the sample reference layers and jurisdictions (screenshot not blank)', async () => {
    const page = await newPage()
    await login(page, 'reviewer.farmland')
    await page.goto('/map')
    const map = page.locator('[data-testid=map][data-rendered=true]')
    await map.waitFor({ timeout: 60_000 })
    const features = Number(await map.getAttribute('data-feature-count'))
    expect(features).toBeGreaterThan(9) // more than the 9 jurisdictions: reference layers are drawn
    await expect(page.locator('[data-testid=layer-switcher]').isVisible()).resolves.toBe(true)
    await expect(page.locator('[data-testid=legend]').isVisible()).resolves.toBe(true)
    const png = await map.screenshot()
    fs.mkdirSync(ARTIFACTS, { recursive: true })
    fs.writeFileSync(path.join(ARTIFACTS, 'map-page.png'), png)
    const ink = pngInk(png)
    expect(ink.distinctColours).toBeGreaterThan(20)
    expect(ink.inkedShare).toBeGreaterThan(0.05)
    await page.context().close()
  })

  it('the public page shows the approved sample parcels without login', async () => {
    const page = await newPage()
    await page.goto('/public')
    await page.locator('[data-testid=map][data-rendered=true]').waitFor({ timeout: 60_000 })
    const { rows } = await suite.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM parcel p JOIN filing f ON f.id = p.filing_id WHERE f.status = 'approved'`,
    )
    expect(rows[0]!.n).toBeGreaterThan(0)
    await expect(page.locator('[data-testid=public-parcel-count]').textContent()).resolves.toBe(
      String(rows[0]!.n),
    )
    await expect(page.locator('[data-testid=public-parcel-item]').count()).resolves.toBe(rows[0]!.n)
    const png = await page.locator('[data-testid=map]').screenshot()
    fs.writeFileSync(path.join(ARTIFACTS, 'public-page.png'), png)
    expect(pngInk(png).inkedShare).toBeGreaterThan(0.02)
    await page.context().close()
  })

  it('no page raised a script error or a Content-Security-Policy violation', () => {
    expect(suite.pageErrors).toEqual([])
  })
})

/**
 * What every browser test file starts from: its own test database, the whole system over it serving the
 * built client, and headless Chromium (see browser.ts); a fresh page per test, and signing in as one of
 * the sample users. Kept apart from browser.ts, which the global setup imports without the server.
 */
import { afterAll, beforeAll, inject } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { launchChromium } from './browser'
import { testDatabase } from './db'
import { DEMO_PASSWORD } from './http'
import { startTestServer } from './server'

/** The database, system and browser of one test file; set once its `beforeAll` has run. */
export class BrowserSuite {
  db!: Database
  system!: RunningSystem
  browser!: Browser
  /** The script errors raised by the suite's pages, for a test to expect none. */
  readonly pageErrors: string[] = []

  /** A page in a fresh context (own cookies), zh-CN, with the system as its base URL (`page.goto('/map')`). */
  async newPage(viewport = { width: 1366, height: 768 }): Promise<Page> {
    const context = await this.browser.newContext({ viewport, locale: 'zh-CN', baseURL: this.system.url })
    const page = await context.newPage()
    page.on('pageerror', (e) => this.pageErrors.push(e.message))
    return page
  }
}

/** Starts the suite before the file's tests and closes it after them; call it inside the `describe`. */
export function browserSuite(): BrowserSuite {
  const suite = new BrowserSuite()
  beforeAll(async () => {
    suite.db = await testDatabase()
    suite.system = await startTestServer(suite.db, { LANDUSE_CLIENT_DIR: inject('clientDir') })
    suite.browser = await launchChromium()
  })
  afterAll(async () => {
    await suite.browser?.close()
    await suite.system?.close()
    await suite.db?.close()
  })
  return suite
}

/** Fills in and submits the login form (with the sample users' password unless another is given). */
export async function submitLogin(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login')
  await page.locator('[data-testid=login-username]').fill(username)
  await page.locator('[data-testid=login-password]').fill(password)
  await page.locator('[data-testid=login-submit]').click()
}

/** Signs in as a sample user and waits until the page shows the user's role (this `role`, when given). */
export async function login(page: Page, username: string, role?: string): Promise<void> {
  await submitLogin(page, username)
  await page
    .locator(role ? `[data-testid=current-role][data-role=${role}]` : '[data-testid=current-role]')
    .waitFor()
}

/** Signs out and waits for the login form. */
export async function logout(page: Page): Promise<void> {
  await page.locator('[data-testid=logout]').click()
  await page.locator('[data-testid=login-username]').waitFor()
}

/** An Element Plus input: the test id is on the native element or on its wrapper. */
export function field(page: Page, testId: string, tag: 'input' | 'textarea' = 'input') {
  return page.locator(`${tag}[data-testid=${testId}], [data-testid=${testId}] ${tag}`).first()
}

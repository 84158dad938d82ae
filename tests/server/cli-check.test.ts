import crypto from 'node:crypto'
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { backend } from '../helpers/db'
import { createServerDatabaseFrom, databaseUrl, dropServerDatabase, ROOT } from '../setup/template'

const run = promisify(execFile)
const LANDUSE = path.join(ROOT, 'bin/landuse')

/**
 * `landuse check` (a county's pre-check of a file) and `landuse rules`, run as real processes against a
 * copy of the sample province: the embedded template unpacked into a data folder, or a server database.
 */
// each test starts several CLI processes, and each of them opens the database (the embedded one from its
// folder): minutes under load, as in layers-import.test.ts
describe(`bin/landuse check and rules (${backend()})`, { timeout: 180_000 }, () => {
  const env: Record<string, string> = { LOG_LEVEL: 'silent', LANG: 'C' }
  let dataDir: string
  let serverDb: string | null = null

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landuse-cli-check-'))
    env.LANDUSE_DATA_DIR = dataDir
    if (backend() === 'server') {
      serverDb = `landuse_t_${crypto.randomBytes(5).toString('hex')}`
      await createServerDatabaseFrom(process.env.TEST_DATABASE_URL!, inject('serverTemplate'), serverDb)
      env.DATABASE_URL = databaseUrl(process.env.TEST_DATABASE_URL!, serverDb)
    } else {
      fs.mkdirSync(path.join(dataDir, 'pglite'))
      execFileSync('tar', ['xzf', inject('embeddedTemplate'), '-C', path.join(dataDir, 'pglite')])
    }
  })
  afterAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true })
    if (serverDb) await dropServerDatabase(process.env.TEST_DATABASE_URL!, serverDb)
  })

  async function landuse(args: string[]) {
    try {
      const { stdout, stderr } = await run(LANDUSE, args, { cwd: ROOT, env: { ...process.env, ...env } })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  it('the sample shapefile is blocked (exit 3): DK-03 lies on permanent farmland', async () => {
    const res = await landuse([
      'check',
      'sample-data/uploads/sample-parcels-gbk.zip',
      '--county',
      '520102',
      '--json',
    ])
    expect(res.code, res.stderr).toBe(3)
    const r = JSON.parse(res.stdout) as {
      blocked: boolean
      parcels: { parcelNo: string; worst: string | null }[]
      rules: { code: string; state: string }[]
    }
    expect(r.blocked).toBe(true)
    expect(r.parcels.find((p) => p.parcelNo === 'DK-03')!.worst).toBe('block')
    expect(r.rules.find((x) => x.code === 'permanent_farmland_overlap')!.state).toBe('hit')
  })

  it('a clean file passes (exit 0), a broken one is bad input (exit 2), an unknown county is a usage error', async () => {
    const clean = fs.mkdtempSync(path.join(os.tmpdir(), 'clean-'))
    // DK-01 alone is in the allowed zone with nothing blocking (sample-data/uploads/README.md)
    const fc = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'sample-data/uploads/sample-parcels.geojson'), 'utf8'),
    )
    fc.features = fc.features.filter(
      (f: { properties: { parcelNo: string } }) => f.properties.parcelNo === 'DK-01',
    )
    fs.writeFileSync(path.join(clean, 'dk01.geojson'), JSON.stringify(fc))
    const ok = await landuse(['check', path.join(clean, 'dk01.geojson'), '--county', '520102', '--json'])
    expect(ok.code, ok.stdout + ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout).blocked).toBe(false)
    const broken = await landuse([
      'check',
      'tests/fixtures/uploads/reject/zip/not-a-zip.zip',
      '--county',
      '520102',
      '--json',
    ])
    expect(broken.code).toBe(2)
    const county = await landuse(['check', 'sample-data/uploads/sample-parcels.txt', '--county', '520100'])
    expect(county.code).toBe(2)
    expect(county.stderr).toContain('not a county')
    fs.rmSync(clean, { recursive: true, force: true })
  })

  it('rules set switches a rule off; the next pre-check reports it as not checked', async () => {
    expect((await landuse(['rules', 'set', 'permanent_farmland_overlap', '--enabled', 'false'])).code).toBe(0)
    const list = JSON.parse((await landuse(['rules', 'list', '--json'])).stdout) as {
      code: string
      enabled: boolean
    }[]
    expect(list.find((r) => r.code === 'permanent_farmland_overlap')!.enabled).toBe(false)
    const res = await landuse([
      'check',
      'sample-data/uploads/sample-parcels-gbk.zip',
      '--county',
      '520102',
      '--json',
    ])
    const r = JSON.parse(res.stdout) as { rules: { code: string; state: string }[] }
    expect(r.rules.find((x) => x.code === 'permanent_farmland_overlap')!.state).toBe('not_checked')
    expect((await landuse(['rules', 'set', 'no_such_rule', '--enabled', 'true'])).code).toBe(2)
    expect((await landuse(['rules', 'set', 'planning_zone', '--tolerance-m2', 'lots'])).code).toBe(2)
  })

  it('rules sql prints the statement a run executes now, without the rule switched off above', async () => {
    const sql = await landuse(['rules', 'sql', '--filing', '7'])
    expect(sql.code, sql.stderr).toBe(0)
    expect(sql.stdout).toMatch(/^-- not checked:\n-- {3}permanent_farmland_overlap: rule_disabled\n/)
    expect(sql.stdout).toContain('PREPARE check_findings AS')
    expect(sql.stdout).toContain('EXECUTE check_findings(7, ARRAY[')
    expect(sql.stdout).toContain('-- planning_zone:')
    expect(sql.stdout).not.toContain('-- permanent_farmland_overlap:')
    expect((await landuse(['rules', 'sql', '--filing', 'x'])).code).toBe(2)
  })
})

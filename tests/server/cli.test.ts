import crypto from 'node:crypto'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config'
import { createLogger } from '../../server/logger'
import { prepareDatabase, serve } from '../../server/system'
import { backend } from '../helpers/db'
import { ApiClient } from '../helpers/http'
import { createServerDatabaseFrom, databaseUrl, dropServerDatabase, ROOT } from '../setup/template'

const run = promisify(execFile)
const LANDUSE = path.join(ROOT, 'bin/landuse')

/**
 * A production start: no sample data, so no demo account; the first administrator comes from the CLI.
 * Runs the real `bin/landuse` in child processes against an empty database of the current backend.
 */
describe(`bin/landuse on an empty production database (${backend()})`, () => {
  const env: Record<string, string> = { LANDUSE_SAMPLE_DATA: 'false', LOG_LEVEL: 'silent' }
  let dataDir: string
  let serverDb: string | null = null

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landuse-cli-'))
    env.LANDUSE_DATA_DIR = dataDir
    if (backend() === 'server') {
      serverDb = `landuse_t_${crypto.randomBytes(5).toString('hex')}`
      await createServerDatabaseFrom(process.env.TEST_DATABASE_URL!, 'template0', serverDb)
      env.DATABASE_URL = databaseUrl(process.env.TEST_DATABASE_URL!, serverDb)
    }
  })
  afterAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true })
    if (serverDb) await dropServerDatabase(process.env.TEST_DATABASE_URL!, serverDb)
  })

  async function landuse(
    args: string[],
    input?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const child = run(LANDUSE, args, {
      env: { ...process.env, ...env, DATABASE_URL: env.DATABASE_URL ?? '' },
      cwd: ROOT,
    })
    if (input !== undefined) {
      child.child.stdin!.end(input)
    }
    try {
      const { stdout, stderr } = await child
      return { code: 0, stdout, stderr }
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  it('adding a user before any jurisdiction exists says to import jurisdictions first (exit 2)', async () => {
    const res = await landuse([
      'users',
      'add',
      '--username',
      'chief',
      '--role',
      'admin',
      '--jurisdiction',
      '520000',
      '--password',
      'first-admin-2026',
    ])
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('landuse jurisdictions import')
    expect(res.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  it('jurisdictions import, then the first administrator with the password on stdin', async () => {
    const imported = await landuse(['jurisdictions', 'import', 'sample-data/province/jurisdictions.geojson'])
    expect(imported.stdout).toContain('imported 9 jurisdictions')
    const added = await landuse(
      [
        'users',
        'add',
        '--username',
        'chief',
        '--role',
        'admin',
        '--jurisdiction',
        '520000',
        '--display-name',
        '系统管理员',
        '--password-stdin',
      ],
      'first-admin-2026\n',
    )
    expect(added.code, added.stderr).toBe(0)
    expect(added.stdout).toContain('created user chief')
    const list = await landuse(['users', 'list', '--json'])
    const users = JSON.parse(list.stdout) as { username: string; role: string }[]
    expect(users).toEqual([expect.objectContaining({ username: 'chief', role: 'admin' })])
  })

  it('bad input is refused with a specific message and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [
        [
          'users',
          'add',
          '--username',
          'c9',
          '--role',
          'county_clerk',
          '--jurisdiction',
          '520000',
          '--password',
          'abcdefghij1',
        ],
        /belongs to a county jurisdiction; 520000 is a province/,
      ],
      [
        [
          'users',
          'add',
          '--username',
          'r9',
          '--role',
          'division_reviewer',
          '--jurisdiction',
          '520000',
          '--password',
          'abcdefghij1',
        ],
        /needs --division/,
      ],
      [
        [
          'users',
          'add',
          '--username',
          'w9',
          '--role',
          'window_clerk',
          '--jurisdiction',
          '520000',
          '--password',
          'short',
        ],
        /at least 10 characters/,
      ],
      [
        [
          'users',
          'add',
          '--username',
          'chief',
          '--role',
          'admin',
          '--jurisdiction',
          '520000',
          '--password',
          'abcdefghij1',
        ],
        /exists already/,
      ],
      [
        [
          'users',
          'add',
          '--username',
          'x9',
          '--role',
          'emperor',
          '--jurisdiction',
          '520000',
          '--password',
          'abcdefghij1',
        ],
        /emperor/,
      ],
    ]
    for (const [args, message] of cases) {
      const res = await landuse(args)
      expect(res.code, args.join(' ')).toBe(2)
      expect(res.stderr, args.join(' ')).toMatch(message)
    }
  })

  it('the server then starts without demo accounts, and the new administrator logs in', async () => {
    const config = loadConfig({ ...env, PORT: '0' })
    const db = await prepareDatabase(config, () => {})
    const system = await serve(
      config,
      db,
      createLogger('silent', 'json'),
      'test-secret-test-secret-test-secret',
    )
    try {
      const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM app_user WHERE is_demo')
      expect(rows[0]!.n).toBe(0)
      const api = new ApiClient(system.url)
      expect((await api.post('/api/auth/login', { username: 'admin', password: 'Demo#2026' })).status).toBe(
        401,
      )
      await api.login('chief', 'first-admin-2026')
      const me = await api.get<{ user: { role: string; displayName: string } }>('/api/auth/me')
      expect(me.body.user).toMatchObject({ role: 'admin', displayName: '系统管理员' })
      const filings = await api.get<{ filings: unknown[] }>('/api/filings')
      expect(filings.body.filings).toEqual([])
    } finally {
      await system.close()
    }
  })
})

/**
 * `npm run bench:workflow [-- --filings 100000 --counties 50]`: the workflow's read paths at scale.
 *
 * Seeds (once; re-runs reuse it) 100,000 filings over 50 counties with their steps: drafts, filings
 * at the city and the window, under division review (five steps each), at sign-off, approved; due dates
 * spread over the last and next weeks so that the board has overdue and due-soon rows. Then, through the
 * HTTP API of an in-process server, times the supervision board (all / overdue), a division reviewer's
 * task queue, a county's filing list and a user's inbox, each the median of 7 calls, next to the raw SQL
 * of the same read (`rawMs`). One JSON line per measurement. Target: under 100 ms each on a server.
 *
 * Uses DATABASE_URL when set, else an embedded database in bench/.out/workflow-data (not ./data: the
 * seeded filings would swamp the demo), unless LANDUSE_DATA_DIR says otherwise.
 */
import crypto from 'node:crypto'
import path from 'node:path'
import { loadConfig } from '../server/config'
import { createLogger } from '../server/logger'
import { loadSampleIfEmpty } from '../server/sample/load'
import { prepareDatabase, serve } from '../server/system'
import type { Database } from '../server/db/database'

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const FILINGS = option('filings', 100_000)
const COUNTIES = option('counties', 50)
const progress = (line: string) => process.stderr.write(`${line}\n`)

if (!process.env.DATABASE_URL && !process.env.LANDUSE_DATA_DIR)
  process.env.LANDUSE_DATA_DIR = path.resolve('bench/.out/workflow-data')

async function seed(db: Database): Promise<void> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM filing WHERE title LIKE 'bench:workflow %'`,
  )
  if (rows[0]!.n >= FILINGS) {
    progress(`reusing ${rows[0]!.n} seeded filings`)
    return
  }
  const started = Date.now()
  await db.transaction(async (tx) => {
    // the sample's counties plus bench counties (copies of a sample boundary) under its two cities
    await tx.query(
      `INSERT INTO jurisdiction (code, name, name_en, level, parent_code, path, boundary)
       SELECT c.code, '基准县' || g, 'Bench county ' || g, 'county', c.parent, '520000/' || c.parent || '/' || c.code || '/',
              (SELECT boundary FROM jurisdiction WHERE code = '520102')
         FROM generate_series(1, greatest($1::int - 6, 0)) g,
              LATERAL (SELECT CASE WHEN g % 2 = 0 THEN '520100' ELSE '520200' END AS parent,
                              (CASE WHEN g % 2 = 0 THEN 520100 ELSE 520200 END + 30 + g)::text AS code) c
       ON CONFLICT (code) DO NOTHING`,
      [COUNTIES],
    )
    const { rows: counties } = await tx.query<{ code: string }>(
      `SELECT code FROM jurisdiction WHERE level = 'county' ORDER BY code LIMIT $1`,
      [COUNTIES],
    )
    const { rows: creator } = await tx.query<{ id: number }>(
      `SELECT id FROM app_user WHERE role = 'county_clerk' LIMIT 1`,
    )
    // status mix: 10% draft, 5% city, 5% window, 30% division review, 10% sign-off, 40% approved
    await tx.query(
      `INSERT INTO filing (jurisdiction_code, title, filing_type, priority, status, created_by, created_at, updated_at,
                           process_id, process_version, receipt_no, public_code, accepted_at, accepted_on,
                           limit_days, due_at, promised_date, decision, decided_at)
       SELECT c.codes[1 + g % array_length(c.codes, 1)], 'bench:workflow ' || g, 'batch', 'standard', s.status, $2,
              now() - (g % 40) * interval '1 day', now() - (g % 40) * interval '1 day',
              'construction-land-standard', 1,
              CASE WHEN s.accepted THEN 'BW-' || lpad(g::text, 8, '0') END,
              CASE WHEN s.accepted THEN 'C' || g END,
              CASE WHEN s.accepted THEN now() - (g % 30) * interval '1 day' END,
              CASE WHEN s.accepted THEN (now() - (g % 30) * interval '1 day')::date END,
              15,
              CASE WHEN s.accepted THEN (now() + (12 - g % 30) * interval '1 day')::date END,
              CASE WHEN s.accepted THEN (now() + (12 - g % 30) * interval '1 day')::date END,
              CASE WHEN s.status = 'approved' THEN 'approved' END,
              CASE WHEN s.status = 'approved' THEN now() - (g % 30) * interval '1 day' END
         FROM generate_series(1, $1::int) g,
              (SELECT array_agg(code ORDER BY code) AS codes FROM unnest($3::text[]) code) c,
              LATERAL (SELECT CASE
                         WHEN g % 20 < 2 THEN 'draft' WHEN g % 20 < 3 THEN 'city_review'
                         WHEN g % 20 < 4 THEN 'window_intake' WHEN g % 20 < 10 THEN 'under_review'
                         WHEN g % 20 < 12 THEN 'signoff' ELSE 'approved' END AS status,
                       g % 20 >= 4 AS accepted) s`,
      [FILINGS, creator[0]!.id, counties.map((c) => c.code)],
    )
    // their steps: five divisions under review (some answered), one leader seat, one city/window step
    await tx.query(
      `INSERT INTO task (filing_id, stage, step, role, division_code, jurisdiction_code, state, started_on,
                         limit_days, due_on, outcome)
       SELECT f.id, 'division_review', d.code, 'division_reviewer', d.code, '520000',
              CASE WHEN (f.id + d.sort) % 3 = 0 THEN 'done' ELSE 'open' END, f.accepted_on, 8,
              f.accepted_on + (8 + f.id % 5)::int, CASE WHEN (f.id + d.sort) % 3 = 0 THEN 'agree' END
         FROM filing f CROSS JOIN division d
        WHERE f.title LIKE 'bench:workflow %' AND f.status = 'under_review'`,
    )
    await tx.query(
      `INSERT INTO task (filing_id, stage, step, role, jurisdiction_code, state, started_on, limit_days, due_on)
       SELECT f.id, 'signoff', 'deputy_director', 'leader', '520000', 'open', f.accepted_on + 10, 3, f.accepted_on + 14
         FROM filing f WHERE f.title LIKE 'bench:workflow %' AND f.status = 'signoff'`,
    )
    await tx.query(
      `INSERT INTO task (filing_id, stage, step, role, jurisdiction_code, state, started_on)
       SELECT f.id, CASE f.status WHEN 'city_review' THEN 'city_review' ELSE 'window_intake' END,
              CASE f.status WHEN 'city_review' THEN 'city_review' ELSE 'window_intake' END,
              CASE f.status WHEN 'city_review' THEN 'city_clerk' ELSE 'window_clerk' END,
              CASE f.status WHEN 'city_review' THEN j.parent_code ELSE '520000' END, 'open', f.created_at::date
         FROM filing f JOIN jurisdiction j ON j.code = f.jurisdiction_code
        WHERE f.title LIKE 'bench:workflow %' AND f.status IN ('city_review', 'window_intake')`,
    )
    // an inbox of a few thousand notices for the farmland reviewer
    await tx.query(
      `INSERT INTO notification (user_id, kind, filing_id, payload, read_at)
       SELECT u.id, 'task_assigned', f.id, '{"title":{"zh-CN":"待办","en":"New task"},"body":{"zh-CN":"-","en":"-"}}',
              CASE WHEN f.id % 4 = 0 THEN NULL ELSE now() END
         FROM filing f, app_user u
        WHERE u.username = 'reviewer.farmland' AND f.title LIKE 'bench:workflow %' AND f.status = 'under_review'`,
    )
  })
  await db.query('ANALYZE')
  progress(
    `seeded ${FILINGS} filings over ${COUNTIES} counties in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
}

class Api {
  private cookie = ''
  constructor(readonly baseUrl: string) {}
  async send(method: string, url: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      origin: this.baseUrl,
      'x-requested-with': 'landuse',
    }
    if (this.cookie) headers.cookie = this.cookie
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(new URL(url, this.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!)
    if (set.length) this.cookie = set.join('; ')
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`)
    return JSON.parse(text)
  }
}

async function median(fn: () => Promise<unknown>, reps = 7): Promise<number> {
  await fn() // warm
  const times: number[] = []
  for (let i = 0; i < reps; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return Math.round(times[Math.floor(reps / 2)]! * 10) / 10
}

const config = loadConfig()
const db = await prepareDatabase(config, progress, { quiet: true })
const system = { close: async () => {} }
try {
  await loadSampleIfEmpty(db)
  await seed(db)
  const running = await serve(
    loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      LANDUSE_SAMPLE_DATA: 'false',
    }),
    db,
    createLogger('silent', 'json'),
    crypto.randomBytes(32).toString('hex'),
    { closeDatabase: false, background: false },
  )
  system.close = () => running.close()
  const base = running.url.replace('//localhost:', '//127.0.0.1:')
  const login = async (username: string) => {
    const api = new Api(base)
    await api.send('POST', '/api/auth/login', { username, password: 'Demo#2026' })
    return api
  }
  const { rows: n } = await db.query<{ n: number }>('SELECT count(*) AS n FROM filing')
  const filings = n[0]!.n
  const measurements: [name: string, user: string, url: string][] = [
    ['supervision-board', 'supervisor', '/api/supervision?filter=all&limit=100'],
    ['supervision-board-overdue', 'supervisor', '/api/supervision?filter=overdue&limit=100'],
    ['inbox', 'reviewer.farmland', '/api/tasks?state=open'],
    ['notifications', 'reviewer.farmland', '/api/notifications'],
    ['county-filings', 'county.a', '/api/filings'],
  ]
  const raw: Record<string, () => Promise<unknown>> = {
    'supervision-board': () =>
      db.query(
        `SELECT t.id FROM task t JOIN filing f ON f.id = t.filing_id JOIN jurisdiction j ON j.code = f.jurisdiction_code
          WHERE t.state = 'open' AND t.due_on IS NOT NULL AND starts_with(j.path, '520000/')
          ORDER BY t.due_on, t.id LIMIT 100`,
      ),
    inbox: () =>
      db.query(
        `SELECT t.id FROM task t WHERE t.state = 'open' AND t.role = 'division_reviewer' AND t.jurisdiction_code = '520000'
            AND t.division_code = 'farmland_protection' ORDER BY t.due_on NULLS LAST, t.id LIMIT 500`,
      ),
    'county-filings': () =>
      db.query(
        `SELECT f.id FROM filing f WHERE f.jurisdiction_code = '520102' ORDER BY f.updated_at DESC LIMIT 500`,
      ),
  }
  for (const [name, user, url] of measurements) {
    const api = await login(user)
    const ms = await median(() => api.send('GET', url))
    const body = (await api.send('GET', url)) as Record<string, unknown>
    const rows = ['rows', 'tasks', 'filings', 'notifications']
      .map((k) => body[k])
      .find(Array.isArray) as unknown[]
    const rawFn = raw[name]
    const rawMs = rawFn ? await median(rawFn) : null
    console.log(
      JSON.stringify({
        name,
        filings,
        mode: db.mode,
        user,
        rows: rows?.length ?? null,
        ms,
        rawMs,
        pass: ms < 100,
      }),
    )
  }
} finally {
  await system.close()
  await db.close()
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient } from '../helpers/http'

const DEMO_ACCOUNTS = [
  ['county.a', 'county_clerk', '520102'],
  ['city.qingshan', 'city_clerk', '520100'],
  ['window', 'window_clerk', '520000'],
  ['reviewer.farmland', 'division_reviewer', '520000'],
  ['leader1', 'leader', '520000'],
  ['supervisor', 'supervisor', '520000'],
  ['admin', 'admin', '520000'],
] as const

describe(`server/auth (${backend()})`, () => {
  let db: Database
  let system: RunningSystem

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db)
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it.each(DEMO_ACCOUNTS)('the demo account %s logs in as %s of %s', async (username, role, jurisdiction) => {
    const api = new ApiClient(system.url)
    const res = await api.post<{ user: { role: string; jurisdiction: { code: string } } }>(
      '/api/auth/login',
      {
        username,
        password: 'Demo#2026',
      },
    )
    expect(res.status).toBe(200)
    expect(res.body.user.role).toBe(role)
    expect(res.body.user.jurisdiction.code).toBe(jurisdiction)
    const me = await api.get<{ user: { username: string } | null }>('/api/auth/me')
    expect(me.body.user?.username).toBe(username)
  })

  it('a division reviewer carries their division', async () => {
    const api = new ApiClient(system.url)
    await api.login('reviewer.planning')
    const me = await api.get<{ user: { division: { code: string; nameZh: string } } }>('/api/auth/me')
    expect(me.body.user.division).toMatchObject({ code: 'planning', nameZh: '规划处' })
  })

  it('the session cookie is httpOnly and SameSite=Strict, and the session lives in the database', async () => {
    const api = new ApiClient(system.url)
    const res = await api.post('/api/auth/login', { username: 'county.a', password: 'Demo#2026' })
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('landuse.sid='))
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    const sid = decodeURIComponent(api.cookie('landuse.sid')!).replace(/^s:/, '').split('.')[0]
    const { rows } = await db.query('SELECT sess FROM user_session WHERE sid = $1', [sid])
    expect(rows).toHaveLength(1)
  })

  it('logging out ends the session: the same cookie no longer identifies anyone', async () => {
    const api = new ApiClient(system.url)
    await api.login('county.b')
    const stolen = api.cookie('landuse.sid')!
    expect((await api.post('/api/auth/logout')).status).toBe(204)
    expect((await api.get<{ user: unknown }>('/api/auth/me')).body.user).toBeNull()
    const replay = await fetch(`${system.url}/api/filings`, { headers: { cookie: `landuse.sid=${stolen}` } })
    expect(replay.status).toBe(401)
  })

  it('a wrong password is refused with a message in the requested language', async () => {
    const zh = await new ApiClient(system.url).post<{ error: { code: string; message: string } }>(
      '/api/auth/login',
      { username: 'county.a', password: 'wrong-password' },
    )
    expect(zh.status).toBe(401)
    expect(zh.body.error).toEqual({
      code: 'auth.invalid_credentials',
      message: '用户名或密码错误',
      details: [],
    })
    const en = await new ApiClient(system.url, { locale: 'en-US,en;q=0.9' }).post<{
      error: { message: string }
    }>('/api/auth/login', { username: 'nobody-here', password: 'whatever' })
    expect(en.status).toBe(401)
    expect(en.body.error.message).toBe('Wrong user name or password')
  })

  it('a login body that is not valid JSON gets a 400 that says so, not a 500', async () => {
    const res = await new ApiClient(system.url).post<{ error: { code: string } }>(
      '/api/auth/login',
      '{"username":',
      {
        'content-type': 'application/json',
      },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('request.invalid')
  })

  it('a login without a user name names the missing field', async () => {
    const res = await new ApiClient(system.url).post<{ error: { details: { field: string }[] } }>(
      '/api/auth/login',
      {
        password: 'x',
      },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.details.map((d) => d.field)).toContain('username')
  })

  it('password hashes are argon2id', async () => {
    const { rows } = await db.query<{ password_hash: string }>('SELECT password_hash FROM app_user')
    expect(rows.length).toBeGreaterThan(10)
    for (const r of rows) expect(r.password_hash).toMatch(/^\$argon2id\$/)
  })

  it('logins, failed logins and logouts are recorded in the audit trail', async () => {
    const api = new ApiClient(system.url)
    await api.post('/api/auth/login', { username: 'leader2', password: 'nope' })
    await api.login('leader2')
    await api.post('/api/auth/logout')
    const { rows } = await db.query<{ action: string }>(
      `SELECT e.action FROM audit_event e JOIN app_user u ON u.id = e.actor_id
        WHERE u.username = 'leader2' AND e.action LIKE 'auth.%' ORDER BY e.id`,
    )
    expect(rows.map((r) => r.action)).toEqual(['auth.login_failed', 'auth.login', 'auth.logout'])
  })

  describe('CSRF', () => {
    it('a state-changing request from another origin is refused', async () => {
      const res = await new ApiClient(system.url, { origin: 'https://evil.example' }).post<{
        error: { code: string }
      }>('/api/auth/login', { username: 'county.a', password: 'Demo#2026' })
      expect(res.status).toBe(403)
      expect(res.body.error.code).toBe('csrf.rejected')
    })

    it('a state-changing request without Origin or Referer is refused', async () => {
      const res = await new ApiClient(system.url, { origin: null }).post('/api/auth/login', {
        username: 'county.a',
        password: 'Demo#2026',
      })
      expect(res.status).toBe(403)
    })

    it('a same-origin request without the X-Requested-With header is refused', async () => {
      const res = await new ApiClient(system.url, { csrfHeader: false }).post('/api/auth/login', {
        username: 'county.a',
        password: 'Demo#2026',
      })
      expect(res.status).toBe(403)
    })
  })

  it('responses carry security headers and no X-Powered-By', async () => {
    const res = await fetch(`${system.url}/api/health`)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(res.headers.get('x-powered-by')).toBeNull()
  })

  it('an unknown API route is a JSON 404', async () => {
    const res = await new ApiClient(system.url).get<{ error: { code: string } }>('/api/no/such/thing')
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('request.not_found')
  })
})

describe(`server/auth rate limit (${backend()})`, () => {
  let db: Database
  let system: RunningSystem

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db, { LOGIN_MAX_ATTEMPTS: '3' })
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it('after too many failed attempts on one account, even the right password is refused for a while', async () => {
    const api = new ApiClient(system.url)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await api.post('/api/auth/login', { username: 'county.c', password: `wrong-${i}` })).status,
      )
    }
    const blocked = await api.post<{ error: { code: string } }>('/api/auth/login', {
      username: 'county.c',
      password: 'Demo#2026',
    })
    expect(statuses).toEqual([401, 401, 401])
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('auth.rate_limited')
    // Another account from the same address is not locked out by these failures.
    expect((await api.post('/api/auth/login', { username: 'county.b', password: 'Demo#2026' })).status).toBe(
      200,
    )
  })
})

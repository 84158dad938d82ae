import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import type { Database, Queryable } from '../../server/db/database'
import { AppError } from '../../server/errors'
import { loadConfig } from '../../server/config'
import { prepareDatabase, serve } from '../../server/system'
import { createLogger } from '../../server/logger'
import { runCheck } from '../../server/check/run'
import { backend, testDatabase } from '../helpers/db'

describe(`server/db/database (${backend()})`, () => {
  let db: Database
  beforeAll(async () => {
    db = await testDatabase()
  })
  afterAll(async () => db?.close())

  it('a transaction the app refuses is rolled back and its connection serves the next one', async () => {
    const { rows } = await db.query<{ id: number; title: string }>(
      'SELECT id, title FROM filing ORDER BY id LIMIT 1',
    )
    const filing = rows[0]!
    let first: Queryable | null = null
    await expect(
      db.transaction(async (tx) => {
        first = tx
        await tx.query(`UPDATE filing SET title = 'changed' WHERE id = $1`, [filing.id])
        throw new AppError('filing.not_editable', 409, { id: filing.id, status: 'approved' })
      }),
    ).rejects.toMatchObject({ code: 'filing.not_editable' })
    let second: Queryable | null = null
    const title = await db.transaction(async (tx) => {
      second = tx
      return (await tx.query<{ title: string }>('SELECT title FROM filing WHERE id = $1', [filing.id]))
        .rows[0]!.title
    })
    expect(title).toBe(filing.title)
    // the same client object: kept, not closed and replaced by a new connection
    expect(second).toBe(first)
  })

  it("a check run plans its statement once per connection (generic plan) and leaves the transaction's plan_cache_mode as it was", async () => {
    const { rows } = await db.query<{ filing_id: number }>(
      'SELECT filing_id FROM parcel GROUP BY filing_id ORDER BY count(*) DESC LIMIT 1',
    )
    const filingId = rows[0]!.filing_id
    const plans = await db.withClient(async (client) => {
      await client.query('BEGIN')
      try {
        await client.query('SET LOCAL plan_cache_mode = force_custom_plan')
        await runCheck(client, filingId, 'on_demand', null)
        await runCheck(client, filingId, 'on_demand', null)
        const mode = await client.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode')
        expect(mode.rows[0]!.plan_cache_mode).toBe('force_custom_plan')
        return (
          await client.query<{ generic_plans: number; custom_plans: number }>(
            `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'check_run_%'`,
          )
        ).rows
      } finally {
        await client.query('ROLLBACK')
      }
    })
    expect(plans.length).toBeGreaterThan(0)
    expect(plans.every((p) => p.custom_plans === 0 && p.generic_plans >= 1)).toBe(true)
    expect(plans.reduce((n, p) => n + p.generic_plans, 0)).toBeGreaterThanOrEqual(2)
  })

  it.runIf(backend() === 'server')(
    'a server on a PostgreSQL pool opens DB_POOL_MIN connections at start-up and keeps them in the pool',
    async () => {
      const config = loadConfig({
        DATABASE_URL: db.url,
        DB_POOL_SIZE: '4',
        DB_POOL_MIN: '3',
        LANDUSE_DATA_DIR: path.join(os.tmpdir(), 'landuse-pool-min-test'),
        LANDUSE_SAMPLE_DATA: 'false',
        PORT: '0',
      })
      const own = await prepareDatabase(config, () => {}, { quiet: true })
      const system = await serve(config, own, createLogger('silent', 'json'), 'x'.repeat(32), {
        background: false,
      })
      try {
        const pool = own.pool as pg.Pool
        expect(pool.totalCount).toBe(3)
        expect(pool.idleCount).toBe(3)
        const { rows } = await own.query<{ srid: number }>(
          'SELECT ST_SRID(ST_Transform(ST_SetSRID(ST_MakePoint(105, 35), 4490), 990001)) AS srid',
        )
        expect(rows[0]!.srid).toBe(990001)
        expect(pool.totalCount).toBe(3)
      } finally {
        await system.close()
      }
    },
  )
})

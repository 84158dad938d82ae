import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Database } from '../../server/db/database'
import { startEmbeddedVacuum, vacuumChurned } from '../../server/db/housekeeping'
import { backend, testDatabase } from '../helpers/db'

// The embedded database has no autovacuum; the server vacuums what uploads and checks rewrite. Only the
// embedded backend: a PostgreSQL server's WAL position moves with every database of the cluster (other
// test files write to theirs), and its own autovacuum does this job.
describe.runIf(backend() === 'embedded')('server/db/housekeeping (embedded)', () => {
  let db: Database
  let filing: number

  beforeAll(async () => {
    db = await testDatabase()
    const { rows } = await db.query<{ id: number }>(
      `WITH u AS (SELECT id, jurisdiction_code FROM app_user WHERE role = 'county_clerk' ORDER BY id LIMIT 1)
       INSERT INTO filing (jurisdiction_code, title, filing_type, created_by)
       SELECT jurisdiction_code, 'housekeeping', 'batch', id FROM u RETURNING id`,
    )
    filing = rows[0]!.id
  })
  afterAll(async () => db?.close())

  /** Inserts 300 parcels into the filing; answers the highest heap page they landed on. */
  async function insertParcels(): Promise<number> {
    const { rows } = await db.query<{ page: number }>(
      `WITH p AS (
         INSERT INTO parcel (filing_id, parcel_no, name, geom, source_geom)
         SELECT $1, 'HK-' || i, repeat('地块', 100),
                ST_Multi(ST_MakeEnvelope(107 + i * 0.001, 27, 107.0005 + i * 0.001, 27.0005, 4490)),
                ST_MakeEnvelope(107 + i * 0.001, 27, 107.0005 + i * 0.001, 27.0005, 4490)
           FROM generate_series(1, 300) i
         RETURNING ctid
       )
       SELECT max((ctid::text::point)[0])::int AS page FROM p`,
      [filing],
    )
    return rows[0]!.page
  }

  it("a filing's replaced parcels leave space that new parcels reuse once a pass has vacuumed, and not before", async () => {
    await vacuumChurned(db, null)
    const first = await insertParcels()
    await db.query('DELETE FROM parcel WHERE filing_id = $1', [filing])
    // without a pass: the dead rows' pages stay full, the new parcels go to new pages
    const second = await insertParcels()
    expect(second).toBeGreaterThan(first)
    await db.query('DELETE FROM parcel WHERE filing_id = $1', [filing])
    const pass = await vacuumChurned(db, null)
    expect(pass.vacuumed).toBe(true)
    // after it: they fill the space the deleted ones left
    const third = await insertParcels()
    expect(third).toBeLessThanOrEqual(second)
  })

  it('a pass with nothing written since the last one does nothing; a write makes the next one vacuum', async () => {
    const first = await vacuumChurned(db, null)
    const idle = await vacuumChurned(db, first.lsn)
    expect(idle.vacuumed).toBe(false)
    expect(idle.lsn).toBe(first.lsn)
    await db.query(`UPDATE filing SET title = 'housekeeping again' WHERE id = $1`, [filing])
    expect((await vacuumChurned(db, idle.lsn)).vacuumed).toBe(true)
  })

  it('a pass runs every EMBEDDED_VACUUM_MINUTES on the embedded database, and logs only when it vacuumed; never on a server, never with 0', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const calls: string[] = []
    const log = {
      info: (_obj: object, msg: string) => void calls.push(msg),
      warn: (_obj: object, msg: string) => void calls.push(`warn: ${msg}`),
    }
    const server = {
      ...db,
      mode: 'server',
      query: () => Promise.reject(new Error('a server is not vacuumed by the app')),
    } as unknown as Database
    const stops = [startEmbeddedVacuum(server, 1, log), startEmbeddedVacuum(db, 0, log)]
    const stop = startEmbeddedVacuum(db, 1, log)
    try {
      vi.advanceTimersByTime(59_000)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(calls).toEqual([])
      vi.advanceTimersByTime(1_000)
      await vi.waitUntil(() => calls.length > 0, { timeout: 10_000 })
      expect(calls).toEqual(['embedded database vacuumed'])
      // nothing written since: the next minute's pass does nothing
      vi.advanceTimersByTime(60_000)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(calls).toEqual(['embedded database vacuumed'])
    } finally {
      for (const s of [...stops, stop]) s()
      vi.useRealTimers()
    }
  })
})

import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import { openDatabase } from '../../server/db/open'
import { ensurePostgis } from '../../server/db/postgis'
import { migrate, migrationLevel, MIGRATIONS_DIR } from '../../server/db/migrate'
import fs from 'node:fs'
import { testDatabase, backend } from '../helpers/db'
import { createServerDatabaseFrom, databaseUrl, dropServerDatabase } from '../setup/template'

const newest = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort()
  .at(-1)!
  .replace(/\.sql$/, '')

/** An empty database of the current backend, with nothing in it yet (PostGIS not even enabled). */
async function emptyDatabase(): Promise<Database> {
  if (backend() === 'embedded') return openDatabase({})
  const testUrl = process.env.TEST_DATABASE_URL!
  const name = `landuse_t_${crypto.randomBytes(5).toString('hex')}`
  await createServerDatabaseFrom(testUrl, 'template0', name)
  const db = await openDatabase({ databaseUrl: databaseUrl(testUrl, name), poolSize: 2 })
  const close = db.close.bind(db)
  return Object.assign(db, { close: async () => (await close(), await dropServerDatabase(testUrl, name)) })
}

describe(`server/db/migrate (${backend()})`, () => {
  describe('on an empty database', () => {
    let db: Database
    beforeAll(async () => {
      db = await emptyDatabase()
    })
    afterAll(async () => db?.close())

    it('PostGIS is enabled and every migration applies, in order, from zero', async () => {
      expect(await migrationLevel(db)).toBeNull()
      const version = await ensurePostgis(db, 'test')
      expect(version).toMatch(/^3\.\d+\.\d+/)
      const applied = await migrate(db)
      expect(applied.at(-1)).toBe(newest)
      expect(applied).toEqual([...applied].sort())
      expect(await migrationLevel(db)).toBe(newest)
    })

    it('migrating again applies nothing', async () => {
      expect(await migrate(db)).toEqual([])
    })
  })

  describe('on the migrated database', () => {
    let db: Database
    beforeAll(async () => {
      db = await testDatabase()
    })
    afterAll(async () => db?.close())

    it("every geometry column has a GiST index, except a finding's shape (read by its run) and a parcel's source coordinates (mixed CRSs, kept as uploaded): neither is searched by place", async () => {
      const { rows } = await db.query<{ table: string; column: string; indexed: boolean }>(
        `SELECT c.f_table_name AS table, c.f_geometry_column AS column,
                EXISTS (
                  SELECT 1 FROM pg_index i
                    JOIN pg_class ic ON ic.oid = i.indexrelid
                    JOIN pg_am am ON am.oid = ic.relam
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                   WHERE i.indrelid = (quote_ident(c.f_table_name))::regclass
                     AND a.attname = c.f_geometry_column AND am.amname = 'gist') AS indexed
           FROM geometry_columns c WHERE c.f_table_schema = 'public'`,
      )
      expect(rows.map((r) => `${r.table}.${r.column}`).sort()).toEqual(
        expect.arrayContaining([
          'jurisdiction.boundary',
          'parcel.geom',
          'parcel.source_geom',
          'reference_feature.geom',
        ]),
      )
      expect(rows.filter((r) => !r.indexed).sort((a, b) => a.table.localeCompare(b.table))).toEqual([
        { table: 'check_finding', column: 'geom', indexed: false },
        { table: 'parcel', column: 'source_geom', indexed: false },
      ])
    })

    it('stored geometry is CGCS2000 (EPSG:4490) except the kept source coordinates and the derived equal-area columns', async () => {
      const { rows } = await db.query<{ table: string; column: string; srid: number }>(
        `SELECT f_table_name AS table, f_geometry_column AS column, srid FROM geometry_columns
          WHERE f_table_schema = 'public' ORDER BY 1, 2`,
      )
      for (const r of rows) {
        // *_ea: generated from the EPSG:4490 column in the province's Albers plane (SRID 990001)
        const expected = r.column === 'source_geom' ? 0 : r.column.endsWith('_ea') ? 990001 : 4490
        expect(r.srid, `${r.table}.${r.column}`).toBe(expected)
      }
    })

    it('parcel areas are ellipsoidal square metres, kept in step with the geometry', async () => {
      const { rows } = await db.query<{ stored: number; geodesic: number; planar_gk: number }>(
        `SELECT area_m2 AS stored, ST_Area(geom::geography) AS geodesic,
                ST_Area(ST_Transform(geom, 4524)) AS planar_gk FROM parcel LIMIT 1`,
      )
      const r = rows[0]!
      expect(r.stored).toBeCloseTo(r.geodesic, 3)
      // a Gauss-Krüger plane agrees to well under 0.1 % near its central meridian
      expect(Math.abs(r.stored - r.planar_gk) / r.stored).toBeLessThan(0.002)
    })

    it('the audit trail is append-only: updates, deletes and truncation are refused', async () => {
      await db.query(`INSERT INTO audit_event (action) VALUES ('test.append_only')`)
      await expect(db.query(`UPDATE audit_event SET action = 'x'`)).rejects.toThrow(/append-only/)
      await expect(db.query(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/)
      await expect(db.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/)
      const { rows } = await db.query(`SELECT 1 FROM audit_event WHERE action = 'test.append_only'`)
      expect(rows).toHaveLength(1)
    })

    describe('what the foreign keys of parcels and findings guaranteed, checked once per statement', () => {
      /** Runs `fn` in a transaction that is rolled back; `attempt` runs one statement in a savepoint. */
      async function rolledBack(
        fn: (
          q: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>,
          attempt: (sql: string, params?: unknown[]) => Promise<string>,
        ) => Promise<void>,
      ) {
        await db.withClient(async (client) => {
          await client.query('BEGIN')
          try {
            const attempt = async (sql: string, params: unknown[] = []) => {
              await client.query('SAVEPOINT attempt')
              try {
                await client.query(sql, params)
                await client.query('RELEASE SAVEPOINT attempt')
                return 'ok'
              } catch (err) {
                await client.query('ROLLBACK TO SAVEPOINT attempt')
                const e = err as { code?: string; message: string }
                return `${e.code}: ${e.message}`
              }
            }
            await fn((sql, params = []) => client.query(sql, params), attempt)
          } finally {
            await client.query('ROLLBACK')
          }
        })
      }
      /** A draft filing with an upload and one parcel from it, in the rolled-back transaction. */
      async function draftWithParcel(q: Parameters<Parameters<typeof rolledBack>[0]>[0]) {
        const { rows } = await q(
          `WITH u AS (SELECT id, jurisdiction_code FROM app_user WHERE role = 'county_clerk' ORDER BY id LIMIT 1),
                f AS (INSERT INTO filing (jurisdiction_code, title, filing_type, created_by)
                      SELECT jurisdiction_code, 'fk test', 'batch', id FROM u RETURNING id, created_by)
           SELECT f.id AS filing, f.created_by AS "user" FROM f`,
        )
        const { filing, user } = rows[0] as { filing: number; user: number }
        const { rows: up } = await q(
          `INSERT INTO upload (filing_id, created_by, file_names, size_bytes, sha256)
           VALUES ($1, $2, '{a.geojson}', 1, 'x') RETURNING id`,
          [filing, user],
        )
        const upload = up[0]!.id as number
        await q(
          `INSERT INTO parcel (filing_id, parcel_no, geom, source_geom, upload_id)
           VALUES ($1, 'FK-1', ST_Multi(ST_MakeEnvelope(107, 27, 107.001, 27.001, 4490)),
                   ST_MakeEnvelope(107, 27, 107.001, 27.001, 4490), $2)`,
          [filing, upload],
        )
        return { filing, upload }
      }
      const PARCEL = `INSERT INTO parcel (filing_id, parcel_no, geom, source_geom, upload_id)
        VALUES ($1, 'FK-2', ST_Multi(ST_MakeEnvelope(107, 27, 107.001, 27.001, 4490)),
                ST_MakeEnvelope(107, 27, 107.001, 27.001, 4490), $2)`

      it('a parcel of a filing or from an upload that does not exist is refused, and nothing is written', async () => {
        await rolledBack(async (q, attempt) => {
          const { filing, upload } = await draftWithParcel(q)
          expect(await attempt(PARCEL, [filing + 1_000_000, upload])).toMatch(
            /^23503: .*filing \d+ does not exist/,
          )
          expect(await attempt(PARCEL, [filing, upload + 1_000_000])).toMatch(
            /^23503: .*upload \d+ does not exist/,
          )
          expect(
            await attempt('UPDATE parcel SET filing_id = filing_id + 1000000 WHERE filing_id = $1', [filing]),
          ).toMatch(/^23503: /)
          const { rows } = await q('SELECT parcel_no FROM parcel WHERE filing_id = $1', [filing])
          expect(rows).toEqual([{ parcel_no: 'FK-1' }])
          expect(await attempt(PARCEL, [filing, null])).toBe('ok')
        })
      })

      it('deleting a filing deletes its parcels; an upload that parcels came from cannot be deleted', async () => {
        await rolledBack(async (q, attempt) => {
          const { filing, upload } = await draftWithParcel(q)
          expect(await attempt('DELETE FROM upload WHERE id = $1', [upload])).toMatch(
            /^23503: .*parcels came from upload \d+/,
          )
          await q('DELETE FROM parcel WHERE filing_id = $1', [filing])
          expect(await attempt('DELETE FROM upload WHERE id = $1', [upload])).toBe('ok')
          await q(PARCEL, [filing, null])
          expect(await attempt('DELETE FROM filing WHERE id = $1', [filing])).toBe('ok')
          const { rows } = await q('SELECT count(*)::int AS n FROM parcel WHERE filing_id = $1', [filing])
          expect(rows[0]!.n).toBe(0)
        })
      })

      it('a finding of a rule its run has no result for is refused; deleting a run deletes its findings', async () => {
        await rolledBack(async (q, attempt) => {
          const { filing } = await draftWithParcel(q)
          const { rows } = await q(
            `WITH r AS (INSERT INTO check_run (filing_id, trigger) VALUES ($1, 'on_demand') RETURNING id),
                  x AS (INSERT INTO check_rule_result (run_id, rule_code, state, settings)
                        SELECT r.id, 'permanent_farmland_overlap', 'hit', '{}' FROM r)
             SELECT id FROM r`,
            [filing],
          )
          const run = rows[0]!.id as number
          const FINDING = `INSERT INTO check_finding (run_id, rule_code, parcel_no, severity) VALUES ($1, $2, 'FK-1', 'block')`
          expect(await attempt(FINDING, [run, 'eco_redline_overlap'])).toMatch(
            /^23503: .*run \d+ has no result for rule eco_redline_overlap/,
          )
          expect(await attempt(FINDING, [run, 'permanent_farmland_overlap'])).toBe('ok')
          expect(
            await attempt(`UPDATE check_finding SET rule_code = 'eco_redline_overlap' WHERE run_id = $1`, [
              run,
            ]),
          ).toMatch(/^23503: /)
          await q('DELETE FROM check_run WHERE id = $1', [run])
          const { rows: left } = await q('SELECT count(*)::int AS n FROM check_finding WHERE run_id = $1', [
            run,
          ])
          expect(left[0]!.n).toBe(0)
        })
      })
    })

    it('a division reviewer must have a division, and only reviewers may', async () => {
      await expect(
        db.query(
          `INSERT INTO app_user (username, display_name, password_hash, role, jurisdiction_code)
           VALUES ('nodivision', 'x', 'x', 'division_reviewer', '520000')`,
        ),
      ).rejects.toThrow(/check constraint/)
    })
  })
})

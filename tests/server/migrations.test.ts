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

    it("every geometry column has a GiST index, except a finding's shape (read by its run, never searched by place)", async () => {
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
      expect(rows.filter((r) => !r.indexed)).toEqual([
        { table: 'check_finding', column: 'geom', indexed: false },
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

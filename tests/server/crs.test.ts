import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import { CRS_REGISTRY, transformer } from '../../gis/crs'
import { testDatabase, backend } from '../helpers/db'

/**
 * The registry's proj4 definitions must agree with PostGIS (spatial_ref_sys + PROJ): names, and
 * projected coordinates of the same geographic point to well under a millimetre.
 */
describe(`gis/crs registry against PostGIS (${backend()})`, () => {
  let db: Database
  beforeAll(async () => {
    db = await testDatabase()
  })
  afterAll(async () => db?.close())

  it('every code exists in spatial_ref_sys under the same name', async () => {
    const codes = [...CRS_REGISTRY.keys()]
    const { rows } = await db.query<{ srid: number; name: string }>(
      `SELECT srid, substring(srtext from '^[A-Z]+\\["([^"]+)"') AS name FROM spatial_ref_sys WHERE srid = ANY ($1)`,
      [codes],
    )
    const names = new Map(rows.map((r) => [r.srid, r.name]))
    const mismatches = codes
      .map((code) => ({ code, ours: CRS_REGISTRY.get(code)!.name, postgis: names.get(code) }))
      .filter((m) => m.postgis !== m.ours)
    expect(mismatches).toEqual([])
  })

  it('every Gauss-Krüger definition projects like PostGIS to within 1 mm', async () => {
    const checks: { code: number; geographic: number; lon: number; lat: number }[] = []
    const geographicOf = { CGCS2000: 4490, 'Xian 1980': 4610, 'Beijing 1954': 4214 } as const
    for (const def of CRS_REGISTRY.values()) {
      if (def.kind !== 'gauss-kruger') continue
      // a point 1° east of the central meridian, at 30°N
      checks.push({
        code: def.code,
        geographic: geographicOf[def.datum as keyof typeof geographicOf],
        lon: def.centralMeridian! + 1,
        lat: 30,
      })
    }
    const { rows } = await db.query<{ code: number; x: number; y: number }>(
      `SELECT c.code, ST_X(p) AS x, ST_Y(p) AS y
         FROM json_to_recordset($1::json) AS c(code int, geographic int, lon float8, lat float8),
              LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(c.lon, c.lat), c.geographic), c.code) AS p`,
      [JSON.stringify(checks)],
    )
    expect(rows).toHaveLength(checks.length)
    const worst = rows
      .map((r) => {
        const c = checks.find((k) => k.code === r.code)!
        const [x, y] = transformer(c.geographic, c.code).forward([c.lon, c.lat])
        return { code: r.code, dx: Math.abs(x! - r.x), dy: Math.abs(y! - r.y) }
      })
      .filter((d) => d.dx > 0.001 || d.dy > 0.001)
    expect(worst).toEqual([])
  })

  it('a CGCS2000 survey point comes back to the same lon/lat through proj4 and through PostGIS', async () => {
    const [x, y] = transformer(4490, 4524).forward([107.3, 26.6])
    const { rows } = await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4524), 4490) AS p`,
      [x, y],
    )
    expect(rows[0]!.lon).toBeCloseTo(107.3, 9)
    expect(rows[0]!.lat).toBeCloseTo(26.6, 9)
  })
})

import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ellipsoidalAreaM2, m2ToHa, m2ToMu } from '../../gis/area'
import { proj4, transformer } from '../../gis/crs/proj'
import type { Position } from '../../gis/formats/types'

type Coords = Position[][][]

const GOLDEN = path.join(import.meta.dirname, '../fixtures/area/postgis-geography.json')

interface Golden {
  about: string
  cases: { name: string; planeM2: number | null; postgisM2: number; coordinates: Coords }[]
}

// GRS 80 / CGCS2000
const A = 6378137
const F = 1 / 298.257222101
const E2 = F * (2 - F)
const RAD = Math.PI / 180

/** Area between two meridians and two parallels by Simpson integration of M·N·cos φ dφ dλ. */
function graticuleCellM2(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const steps = 2000
  const h = ((lat2 - lat1) * RAD) / steps
  const g = (phi: number) => {
    const w = 1 - E2 * Math.sin(phi) ** 2
    const m = (A * (1 - E2)) / w ** 1.5
    const n = A / Math.sqrt(w)
    return m * n * Math.cos(phi)
  }
  let sum = g(lat1 * RAD) + g(lat2 * RAD)
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * g(lat1 * RAD + i * h)
  return ((sum * h) / 3) * (lon2 - lon1) * RAD
}

/** A w × h rectangle at (e, n) in a Gauss-Krüger CRS, as EPSG:4490 coordinates. */
function gkRectangle(code: number, e: number, n: number, w: number, h: number): Coords {
  const t = transformer(code, 4490)
  const ring: Position[] = [
    [e, n],
    [e + w, n],
    [e + w, n + h],
    [e, n + h],
    [e, n],
  ]
  return [[ring.map((p) => t.forward(p) as Position)]]
}

/** Point scale factor of a transverse Mercator projection x metres from its central meridian at latitude φ. */
function gkScale(x: number, latDeg: number): number {
  const s = Math.sin(latDeg * RAD) ** 2
  const m = (A * (1 - E2)) / (1 - E2 * s) ** 1.5
  const n = A / Math.sqrt(1 - E2 * s)
  const r2 = m * n
  return 1 + (x * x) / (2 * r2) + x ** 4 / (24 * r2 * r2)
}

describe('gis/area', () => {
  it('a 100 m × 100 m square on the central meridian of GK zone 36 measures 10 000 m² on the ellipsoid', () => {
    expect(ellipsoidalAreaM2(gkRectangle(4524, 36_500_000, 3_000_000, 100, 100))).toBeCloseTo(10_000, 3)
  })

  it('the same square 98 km west of the meridian measures 10 000 m² / k² (the GK plane is stretched there)', () => {
    // Gauss-Krüger is conformal, not equal-area: at x = −97 950 m (the square's centre) the plane is
    // stretched by k = 1 + x²/2MN + … ≈ 1.000118, so the ellipsoid holds 10 000 / k² ≈ 9 997.63 m².
    const coords = gkRectangle(4524, 36_402_000, 3_000_000, 100, 100)
    const lat = (transformer(4524, 4490).forward([36_402_050, 3_000_050]) as Position)[1]
    const k = gkScale(402_050 - 500_000, lat)
    const expected = 10_000 / (k * k)
    expect(expected).toBeCloseTo(9997.63, 2)
    expect(Math.abs(ellipsoidalAreaM2(coords) - expected) / expected).toBeLessThan(1e-6)
  })

  it('a 0.001° cell at 27°N matches the integral of M·N·cos φ within 0.0001 %', () => {
    const cell: Coords = [
      [
        [
          [107, 27],
          [107.001, 27],
          [107.001, 27.001],
          [107, 27.001],
          [107, 27],
        ],
      ],
    ]
    const expected = graticuleCellM2(107, 27, 107.001, 27.001)
    expect(Math.abs(ellipsoidalAreaM2(cell) - expected) / expected).toBeLessThan(1e-6)
  })

  it('a 0.1° cell at 45°N matches the integral within 0.01 % (its parallels are not straight lines)', () => {
    const cell: Coords = [
      [
        [
          [126, 45],
          [126.1, 45],
          [126.1, 45.1],
          [126, 45.1],
          [126, 45],
        ],
      ],
    ]
    const expected = graticuleCellM2(126, 45, 126.1, 45.1)
    expect(Math.abs(ellipsoidalAreaM2(cell) - expected) / expected).toBeLessThan(1e-4)
  })

  it('holes are subtracted, ring orientation does not matter, and parts are added', () => {
    const outer: Position[] = [
      [107, 27],
      [107.002, 27],
      [107.002, 27.002],
      [107, 27.002],
      [107, 27],
    ]
    const hole: Position[] = [
      [107.0005, 27.0005],
      [107.001, 27.0005],
      [107.001, 27.001],
      [107.0005, 27.001],
      [107.0005, 27.0005],
    ]
    const whole = ellipsoidalAreaM2([[outer]])
    const holeArea = ellipsoidalAreaM2([[hole]])
    expect(ellipsoidalAreaM2([[outer, hole]])).toBeCloseTo(whole - holeArea, 6)
    expect(ellipsoidalAreaM2([[outer.slice().reverse(), hole.slice().reverse()]])).toBeCloseTo(
      whole - holeArea,
      6,
    )
    expect(ellipsoidalAreaM2([[outer], [hole]])).toBeCloseTo(whole + holeArea, 6)
  })

  it('equals the planar area in proj4’s own Lambert azimuthal equal-area projection on GRS 80', () => {
    const coords = gkRectangle(4524, 36_402_000, 3_000_000, 300, 200)[0]![0]!
    const laea = proj4(
      '+proj=longlat +ellps=GRS80 +no_defs',
      '+proj=laea +lat_0=27.1 +lon_0=106.99 +x_0=0 +y_0=0 +ellps=GRS80 +units=m',
    )
    const xy = coords.map((p) => laea.forward(p))
    let s = 0
    for (let i = 0; i + 1 < xy.length; i++) s += xy[i]![0]! * xy[i + 1]![1]! - xy[i + 1]![0]! * xy[i]![1]!
    expect(Math.abs(ellipsoidalAreaM2([[coords]]) - Math.abs(s) / 2)).toBeLessThan(1e-5)
  })

  it('agrees with PostGIS ST_Area(geography) within 0.0001 % for parcels and 0.01 % for a 1° cell', async () => {
    const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as Golden
    if (process.env.REGEN) await regenerate(golden)
    for (const c of golden.cases) {
      const ours = ellipsoidalAreaM2(c.coordinates)
      const tolerance = c.postgisM2 > 1e9 ? 1e-4 : c.postgisM2 > 1e7 ? 1e-5 : 1e-6
      expect(Math.abs(ours - c.postgisM2) / c.postgisM2, c.name).toBeLessThan(tolerance)
    }
  })

  it('converts m² to hectares and mu (1 mu = 10 000 / 15 m²)', () => {
    expect(m2ToHa(10_000)).toBe(1)
    expect(m2ToMu(10_000)).toBe(15)
    expect(m2ToMu(10_000 / 15)).toBeCloseTo(1, 12)
    expect(m2ToMu(5344.54)).toBeCloseTo(8.02, 2)
  })
})

/** REGEN=1: recompute the PostGIS areas with the embedded PostGIS and rewrite the golden file. */
async function regenerate(golden: Golden): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  const db = await PGlite.create({ extensions: { postgis } })
  await db.exec('CREATE EXTENSION postgis')
  for (const c of golden.cases) {
    const { rows } = await db.query<{ a: number }>(
      `SELECT ST_Area(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490)::geography) AS a`,
      [JSON.stringify({ type: 'MultiPolygon', coordinates: c.coordinates })],
    )
    c.postgisM2 = rows[0]!.a
  }
  await db.close()
  fs.writeFileSync(GOLDEN, JSON.stringify(golden, null, 1) + '\n')
}

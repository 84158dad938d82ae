/**
 * `npm run bench:layers`: reference layer import speed, and whether `ST_Subdivide` of big polygons pays
 * for itself in the overlay. Uses DATABASE_URL when set, else the embedded database. Prints one JSON
 * line per measurement.
 *
 *   npm run bench:layers -- import [--scale 1000000]   features per second of `landuse layers import`
 *       on sample-data/scale/<N>/permanent_farmland.geojsonl (generated if missing); the version is
 *       imported without being made current and deleted afterwards.
 *   npm run bench:layers -- subdivide [--parcels 1000]  the overlay query of the rules (GiST && +
 *       ST_Intersects, ST_Area(ST_Intersection)) of parcels against star-shaped polygons of 300 to
 *       20,000 vertices (eco red line, planning zones), whole and cut by ST_Subdivide(geom, 256), per
 *       vertex class: { name, vertices, parcels, wholeMs, subdividedMs, ratio, areaDiffM2, subdivideMs }.
 *       Temporary tables in a transaction that is rolled back: nothing stays in the database.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { loadConfig } from '../server/config'
import { prepareDatabase } from '../server/system'
import { importLayerVersion } from '../server/usecases/importLayer'
import type { Database } from '../server/db/database'

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}

function line(values: Record<string, unknown>): void {
  console.log(JSON.stringify(values))
}

async function benchImport(db: Database): Promise<void> {
  const scale = option('scale', 1_000_000)
  const file = path.resolve(`sample-data/scale/${scale}/permanent_farmland.geojsonl`)
  if (!fs.existsSync(file)) {
    execFileSync('npx', ['tsx', 'sample-data/generate.ts', '--scale', String(scale)], { stdio: 'inherit' })
  }
  const label = `bench-${Date.now()}`
  const result = await importLayerVersion(
    db,
    null,
    {
      kind: 'permanent_farmland',
      label,
      files: [{ name: path.basename(file), path: file }],
      activate: false,
    },
    {
      maxFeatures: 10_000_000,
      maxVertices: Number.MAX_SAFE_INTEGER,
      maxUncompressedBytes: 0,
      maxCompressionRatio: 0,
      parseSeconds: null,
    },
  )
  const s = result.summary
  line({
    name: 'layer import',
    mode: db.mode,
    features: s.imported,
    seconds: s.seconds,
    featuresPerSecond: Math.round(s.imported / s.seconds),
  })
  await db.query('DELETE FROM reference_layer_version WHERE id = $1', [result.version.id])
}

/** The star-shaped test polygons: the radius wobbles at three frequencies, so the outline is sinuous. */
const BIG_POLYGONS = `
  CREATE TEMP TABLE bench_big AS
  WITH shape AS (
    SELECT id, (ARRAY[300, 600, 1000, 5000, 20000])[id % 5 + 1] AS n,
           (id % 10) * 40000.0 + 20000 AS cx, 3000000 + (id / 10) * 40000.0 + 20000 AS cy,
           4000 + (id * 7919) % 12000 AS r
      FROM generate_series(0, 49) AS id
  ),
  outline AS (
    SELECT s.id, s.n, ST_MakeLine(array_agg(ST_MakePoint(
             s.cx + s.r * (1 + 0.2 * sin(3 * t + s.id) + 0.08 * sin(17 * t + 2 * s.id) + 0.02 * sin(131 * t)) * cos(t),
             s.cy + s.r * (1 + 0.2 * sin(3 * t + s.id) + 0.08 * sin(17 * t + 2 * s.id) + 0.02 * sin(131 * t)) * sin(t))
           ORDER BY k)) AS line
      FROM shape s
     CROSS JOIN LATERAL generate_series(0, s.n - 1) AS k
     CROSS JOIN LATERAL (SELECT 2 * pi() * k / s.n AS t) a
     GROUP BY s.id, s.n
  )
  SELECT id, n, ST_Multi(ST_SetSRID(ST_MakePolygon(ST_AddPoint(line, ST_StartPoint(line))), 990001)) AS geom_ea
    FROM outline`

/** Square parcels of 150 m around the outlines (inside, across, just outside) and deep inside. */
const PARCELS = `
  CREATE TEMP TABLE bench_parcel AS
  WITH pick AS (
    SELECT i, b.id AS big, b.n, ST_PointOnSurface(b.geom_ea) AS inside, ST_ExteriorRing(ST_GeometryN(b.geom_ea, 1)) AS ring
      FROM generate_series(0, $1 - 1) AS i
      JOIN bench_big b ON b.id = i % 50
  ),
  at AS (
    SELECT i, big, n,
           CASE WHEN i % 5 = 0 THEN inside
                ELSE ST_LineInterpolatePoint(ring, ((i * 0.6180339887) - floor(i * 0.6180339887))) END AS p
      FROM pick
  )
  SELECT i AS id, big, n, ST_Multi(ST_Expand(p, 75 + (i % 7) * 10)) AS geom_ea FROM at`

const OVERLAY = (table: string) => `
  SELECT count(*) AS hits, coalesce(sum(a), 0) AS area FROM (
    SELECT p.id, sum(ST_Area(ST_CollectionExtract(ST_Intersection(p.geom_ea, f.geom_ea), 3))) AS a
      FROM bench_parcel p
      JOIN ${table} f ON f.geom_ea && p.geom_ea AND ST_Intersects(f.geom_ea, p.geom_ea)
     WHERE p.n = $1
     GROUP BY p.id) x`

async function benchSubdivide(db: Database): Promise<void> {
  const parcels = option('parcels', 1000)
  await db.withClient(async (c) => {
    await c.query('BEGIN')
    try {
      await c.query('SET LOCAL jit = off')
      await c.query(BIG_POLYGONS)
      await c.query('CREATE INDEX ON bench_big USING gist (geom_ea)')
      await c.query(PARCELS.replace('$1', String(parcels)))
      let started = performance.now()
      await c.query(
        `CREATE TEMP TABLE bench_big_sub AS SELECT id, n, ST_Multi(ST_Subdivide(geom_ea, 256)) AS geom_ea FROM bench_big`,
      )
      const subdivideMs = performance.now() - started
      await c.query(
        'CREATE INDEX ON bench_big_sub USING gist (geom_ea); ANALYZE bench_big; ANALYZE bench_big_sub',
      )
      for (const n of [300, 600, 1000, 5000, 20000]) {
        const time = async (table: string) => {
          let best = Infinity
          let answer = { hits: 0, area: 0 }
          for (let run = 0; run < 5; run++) {
            started = performance.now()
            const { rows } = await c.query<{ hits: number; area: number }>(OVERLAY(table), [n])
            best = Math.min(best, performance.now() - started)
            answer = rows[0]!
          }
          return { ms: best, ...answer }
        }
        const whole = await time('bench_big')
        const cut = await time('bench_big_sub')
        const { rows } = await c.query<{ pieces: number }>(
          'SELECT count(*) AS pieces FROM bench_big_sub WHERE n = $1',
          [n],
        )
        line({
          name: 'subdivide',
          mode: db.mode,
          vertices: n,
          parcels: whole.hits,
          pieces: rows[0]!.pieces,
          wholeMs: +whole.ms.toFixed(1),
          subdividedMs: +cut.ms.toFixed(1),
          ratio: +(cut.ms / whole.ms).toFixed(3),
          areaM2: Math.round(whole.area),
          areaDiffM2: +Math.abs(whole.area - cut.area).toFixed(4),
        })
      }
      line({ name: 'subdivide cost', mode: db.mode, polygons: 50, subdivideMs: +subdivideMs.toFixed(0) })
    } finally {
      await c.query('ROLLBACK')
    }
  })
}

const db = await prepareDatabase(loadConfig(), (l) => process.stderr.write(`${l}\n`), { quiet: true })
try {
  if (args[0] === 'import') await benchImport(db)
  else if (args[0] === 'subdivide') await benchSubdivide(db)
  else {
    console.error('usage: npm run bench:layers -- import [--scale N] | subdivide [--parcels N]')
    process.exitCode = 2
  }
} finally {
  await db.close()
}

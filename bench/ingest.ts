/**
 * `npm run bench:ingest`: parcels per second from a 100 000-parcel shapefile to stored preview parcels
 * (read + CRS + reprojection + validation + database insert, the real upload path without HTTP),
 * against GDAL's ogr2ogr importing the same file into the same database (reprojected to EPSG:4490,
 * GiST index), measured in the same run. Uses DATABASE_URL when set, else the embedded database.
 * Prints one JSON line per tool: { name, features, seconds, featuresPerSecond }.
 *
 *   npm run bench:ingest [-- --features 100000]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { writeShapefile, zipShapefile } from '../gis/formats/shapefile/write'
import { esriWkt } from '../gis/crs/wkt'
import { transformer } from '../gis/crs'
import { loadConfig } from '../server/config'
import { prepareDatabase } from '../server/system'
import { loadSampleIfEmpty } from '../server/sample/load'
import { findUserById } from '../server/repositories/users'
import { createDraftFiling } from '../server/usecases/createDraftFiling'
import { receiveUpload } from '../server/usecases/receiveUpload'
import { DEFAULT_READ_LIMITS } from '../gis/formats/types'

const args = process.argv.slice(2)
const FEATURES = Number(args[args.indexOf('--features') + 1] || 100_000)
const OUT = path.resolve('bench/.out')

function planarArea(ring: number[][]): number {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++)
    sum += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
  return Math.abs(sum) / 2
}

/** A shapefile of `n` small quadrilateral parcels on a grid inside county 520102, in EPSG:4524. */
function benchShapefile(n: number): Uint8Array {
  const project = transformer(4490, 4524)
  const [x0, y0] = project.forward([107.0, 27.0]) as [number, number]
  const side = Math.ceil(Math.sqrt(n))
  const features = []
  for (let i = 0; i < n; i++) {
    const x = x0 + (i % side) * 40
    const y = y0 + Math.floor(i / side) * 40
    const ring = [
      [x, y],
      [x, y + 30 + (i % 7)],
      [x + 30 + (i % 5), y + 31],
      [x + 32, y + 1],
      [x, y],
    ]
    features.push({
      geometry: { type: 'Polygon' as const, coordinates: [ring] },
      properties: {
        DKBH: `DK-${String(i + 1).padStart(6, '0')}`,
        DKMC: `地块${i + 1}`,
        YT: '建设用地',
        MJ: Math.round(planarArea(ring) * 100) / 100,
      },
    })
  }
  const files = writeShapefile(features, {
    fields: [
      { name: 'DKBH', type: 'C', length: 12 },
      { name: 'DKMC', type: 'C', length: 30 },
      { name: 'YT', type: 'C', length: 20 },
      { name: 'MJ', type: 'N', length: 12, decimals: 2 },
    ],
    encoding: 'gbk',
    prj: esriWkt(4524),
  })
  return zipShapefile('parcels', files)
}

function line(name: string, seconds: number, extra: Record<string, unknown> = {}): void {
  console.log(
    JSON.stringify({
      name,
      features: FEATURES,
      seconds: +seconds.toFixed(3),
      featuresPerSecond: Math.round(FEATURES / seconds),
      ...extra,
    }),
  )
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true })
  const zipPath = path.join(OUT, `parcels-${FEATURES}.zip`)
  if (!fs.existsSync(zipPath)) fs.writeFileSync(zipPath, benchShapefile(FEATURES))
  const bytes = new Uint8Array(fs.readFileSync(zipPath))

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landuse-bench-'))
  const config = loadConfig({ ...process.env, LANDUSE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
  const db = await prepareDatabase(config, (l) => process.stderr.write(`${l}\n`))
  try {
    await loadSampleIfEmpty(db)
    const clerk = (await db.query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'county.a'`))
      .rows[0]!
    const principal = (await findUserById(db, clerk.id))!.principal
    const filing = await createDraftFiling(db, principal, {
      title: 'bench',
      filingType: 'batch',
      priority: 'standard',
    })

    const started = performance.now()
    const uploadId = await receiveUpload(
      db,
      principal,
      filing.id,
      [{ name: 'parcels.zip', bytes }],
      {},
      { ...DEFAULT_READ_LIMITS, maxFeatures: FEATURES * 2, parseSeconds: 600 },
    )
    const seconds = (performance.now() - started) / 1000
    const { rows } = await db.query<{ n: number; read_ms: number; errors: number }>(
      `SELECT (SELECT count(*) FROM upload_parcel WHERE upload_id = $1) AS n, read_ms, error_count AS errors
         FROM upload WHERE id = $1`,
      [uploadId],
    )
    if (rows[0]!.n !== FEATURES) throw new Error(`expected ${FEATURES} parcels, stored ${rows[0]!.n}`)
    line('landuse', seconds, { db: db.mode, readSeconds: rows[0]!.read_ms / 1000, errors: rows[0]!.errors })

    if (db.mode === 'embedded') {
      // ogr2ogr cannot write through the embedded database's socket: it has no COPY, and row by row
      // ogr2ogr's second connection waits forever behind its first one's open transaction.
      console.log(
        JSON.stringify({
          name: 'ogr2ogr',
          features: FEATURES,
          skipped:
            'ogr2ogr cannot import into the embedded database; set DATABASE_URL to compare on a PostGIS server',
        }),
      )
      return
    }
    if (spawnSync('ogr2ogr', ['--version']).status !== 0) {
      process.stderr.write('ogr2ogr missing: installing gdal-bin from Debian…\n')
      execFileSync(
        'sh',
        ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin'],
        {
          stdio: 'inherit',
        },
      )
    }
    const url = new URL(db.url)
    const pg = `PG:host=${url.hostname} port=${url.port || 5432} dbname=${url.pathname.slice(1)} user=${decodeURIComponent(url.username)}${url.password ? ` password=${decodeURIComponent(url.password)}` : ''}`
    const ogrStarted = performance.now()
    const ogr = spawnSync(
      'ogr2ogr',
      [
        '-f',
        'PostgreSQL',
        pg,
        `/vsizip/${zipPath}`,
        '-nln',
        'bench_ogr2ogr',
        '-overwrite',
        '-t_srs',
        'EPSG:4490',
        '-nlt',
        'PROMOTE_TO_MULTI',
        '-lco',
        'GEOMETRY_NAME=geom',
        '-lco',
        'SPATIAL_INDEX=GIST',
        '-gt',
        '65536',
      ],
      { encoding: 'utf8', timeout: 600_000 },
    )
    const ogrSeconds = (performance.now() - ogrStarted) / 1000
    if (ogr.status !== 0) throw new Error(`ogr2ogr failed: ${ogr.stderr}`)
    const count = (await db.query<{ n: number }>('SELECT count(*) AS n FROM bench_ogr2ogr')).rows[0]!.n
    if (count !== FEATURES) throw new Error(`ogr2ogr stored ${count} features`)
    line('ogr2ogr', ogrSeconds, { db: db.mode })
    await db.query('DROP TABLE bench_ogr2ogr')
  } finally {
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

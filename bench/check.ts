/**
 * `npm run bench:check`: how long the compliance check of a filing takes through the API, against the
 * plain overlay query of the same parcels on the same tables in the same run (what PostGIS must do in
 * any case), whether it depends on the size of the layer, and what two checks at once gain. Uses
 * DATABASE_URL when set, else the embedded database (LANDUSE_DATA_DIR). Prints one JSON line per
 * measurement, then one per target `{ name: "target", target, value, limit, pass }` (reported, never
 * asserted); first, the database settings the figures depend on (`{ name: "settings", shared_buffers,
 * autovacuum, … }`). Progress goes to stderr.
 *
 *   npm run bench:check [-- --scale 1000000] [--reps 5]
 *
 * Layers, from sample-data/scale/<N>/ (generated if missing), imported once with importLayerVersion and
 * kept for later runs under the labels `bench-check-…`:
 *   - permanent farmland, all N polygons;
 *   - a band of it: N/10 consecutive lines from the first polygon wholly north of BAND_SOUTH on. The
 *     generator writes grid row by grid row from the south, so consecutive lines are a band across the
 *     province. (The first N/10 lines are one too, but in the southern counties, which have no demo
 *     clerk.)
 *   - the N/20 planning zones.
 * The bench makes the version it measures current and restores the previous current versions at the end.
 *
 * Filings: drafts of the clerk of the county holding the parcels (found again by title on later runs),
 * 200 m squares on a 300 m grid inside the band: 100 parcels, and two of 1,000. The app runs in this
 * process on 127.0.0.1 (port 0) over the same database. Each figure is the median of --reps runs after
 * one warm-up, the API call and the raw query alternating so that load from elsewhere hits both alike:
 *   accept  an upload (not timed), then POST /api/filings/:id/uploads/:uploadId/accept: replaces the
 *           parcels and runs the check in the same transaction (`findingsStored`: rows in check_finding
 *           before the series; deleting the old parcels sets their findings' parcel_id to NULL);
 *   check   POST /api/filings/:id/check: a new run, answered with its summary;
 *   report  GET /api/filings/:id/check?run=: that run's whole report (not a target: what a reviewer's
 *           page asks for next);
 *   raw     per layer kind an enabled rule uses, the overlay of the filing's parcels with its current
 *           version (RAW below), summed over the kinds.
 * `ratio` = ms / rawMs; `runMs` is the run's own duration_ms (the check without HTTP, parcels or report);
 * `load1` the machine's load average when the line was printed. Then the same 1,000-parcel check with
 * the band and the whole layer current by turns (`layer size`), and two checks of two 1,000-parcel
 * filings at once against one at a time (`concurrency`: the embedded database has one connection).
 */
import { once } from 'node:events'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import os from 'node:os'
import { finished } from 'node:stream/promises'
import { loadConfig } from '../server/config'
import { createLogger } from '../server/logger'
import { prepareDatabase, serve, type RunningSystem } from '../server/system'
import { loadSampleIfEmpty } from '../server/sample/load'
import { loadRules } from '../server/check/rules'
import { findLayerVersion, type LayerKind } from '../server/repositories/layers'
import { activateLayer, importLayerVersion } from '../server/usecases/importLayer'
import type { Database } from '../server/db/database'
import { vacuumChurned } from '../server/db/housekeeping'

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const SCALE = option('scale', 1_000_000)
const BAND = Math.floor(SCALE / 10)
const ZONES = Math.max(1, Math.floor(SCALE / 20))
const REPS = option('reps', 5)
const OUT = path.resolve('bench/.out/check')

/** The band starts at the first farmland polygon wholly north of this latitude (in 南明县, 520102). */
const BAND_SOUTH = 27.0
/** Parcels keep at least this far (degrees) from the band's edges, whose grid rows may be partial. */
const BAND_MARGIN = 0.01

interface Layout {
  key: string
  cols: number
  rows: number
  /** South-west corner of the first parcel, EPSG:4490. */
  lon: number
  lat: number
}
const SMALL: Layout = { key: 'C', cols: 10, rows: 10, lon: 107.0, lat: 27.03 }
const BIG_A: Layout = { key: 'A', cols: 40, rows: 25, lon: 106.72, lat: 27.03 }
const BIG_B: Layout = { key: 'B', cols: 40, rows: 25, lon: 106.86, lat: 27.03 }
const PARCEL_M = 200
const SPACING_M = 300
const M_PER_DEG_LAT = 110_860

const RAW = `
  SELECT p.id, sum(ST_Area(ST_Intersection(p.geom_ea, f.geom_ea))) AS area_m2
    FROM parcel p
    JOIN reference_feature f
      ON f.version_id = $2 AND f.geom_ea && p.geom_ea AND ST_Intersects(f.geom_ea, p.geom_ea)
   WHERE p.filing_id = $1
   GROUP BY p.id`

const progress = (text: string) => process.stderr.write(`bench:check ${text}\n`)
const line = (values: Record<string, unknown>) => console.log(JSON.stringify(values))
const round = (v: number, digits = 1) => +v.toFixed(digits)

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

// ---------------------------------------------------------------------------------------------------
// Layers

/** N/10 consecutive farmland lines from the first polygon wholly north of BAND_SOUTH. */
async function writeBand(source: string, target: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const input = readline.createInterface({ input: fs.createReadStream(source), crlfDelay: Infinity })
  const out = fs.createWriteStream(`${target}.part`)
  let written = 0
  for await (const text of input) {
    if (!written) {
      const ring = (JSON.parse(text) as { geometry: { coordinates: number[][][] } }).geometry.coordinates[0]!
      if (Math.min(...ring.map((p) => p[1]!)) < BAND_SOUTH) continue
    }
    if (!out.write(`${text}\n`)) await once(out, 'drain')
    if (++written === BAND) break
  }
  input.close()
  out.end()
  await finished(out)
  if (written < BAND) throw new Error(`${source}: only ${written} lines north of ${BAND_SOUTH}°N`)
  fs.renameSync(`${target}.part`, target)
}

/** The version of `kind` labelled `label`, imported (not made current) when it is not there yet. */
async function ensureVersion(
  db: Database,
  kind: LayerKind,
  label: string,
  file: () => Promise<string>,
  classField?: string,
): Promise<number> {
  const found = await findLayerVersion(db, kind, { label })
  if (found) return found.id
  const source = await file()
  let shown = 0
  progress(`importing ${path.relative(process.cwd(), source)} as ${kind} "${label}" …`)
  const result = await importLayerVersion(
    db,
    null,
    {
      kind,
      label,
      files: [{ name: path.basename(source), path: source }],
      ...(classField ? { classField } : {}),
      activate: false,
    },
    {
      maxFeatures: 10_000_000,
      maxVertices: Number.MAX_SAFE_INTEGER,
      maxUncompressedBytes: 0,
      maxCompressionRatio: 0,
      parseSeconds: null,
    },
    {
      onProgress: (n) => {
        if (n % 100_000 === 0 && n > shown) progress(`  ${(shown = n).toLocaleString('en-US')} features`)
      },
    },
  )
  progress(`  ${result.summary.imported.toLocaleString('en-US')} features in ${result.summary.seconds} s`)
  return result.version.id
}

async function currentVersions(db: Database): Promise<Map<string, number | null>> {
  const { rows } = await db.query<{ kind: string; version_id: number | null }>(
    'SELECT kind, current_version_id AS version_id FROM reference_layer',
  )
  return new Map(rows.map((r) => [r.kind, r.version_id]))
}

async function activate(db: Database, kind: LayerKind, versionId: number | null): Promise<void> {
  if (versionId === null)
    await db.query('UPDATE reference_layer SET current_version_id = NULL WHERE kind = $1', [kind])
  else await activateLayer(db, null, kind, { id: versionId })
}

// ---------------------------------------------------------------------------------------------------
// Parcels and the API

function envelope(l: Layout): [number, number, number, number] {
  const mLon = 111_320 * Math.cos((l.lat * Math.PI) / 180)
  return [
    l.lon,
    l.lat,
    l.lon + ((l.cols - 1) * SPACING_M + PARCEL_M) / mLon,
    l.lat + ((l.rows - 1) * SPACING_M + PARCEL_M) / M_PER_DEG_LAT,
  ]
}

/** The parcels of a layout as a GeoJSON FeatureCollection (EPSG:4490). */
function parcelsGeoJson(l: Layout): string {
  const mLon = 111_320 * Math.cos((l.lat * Math.PI) / 180)
  const r7 = (v: number) => Math.round(v * 1e7) / 1e7
  const features = []
  for (let r = 0; r < l.rows; r++) {
    for (let c = 0; c < l.cols; c++) {
      const x0 = l.lon + (c * SPACING_M) / mLon
      const y0 = l.lat + (r * SPACING_M) / M_PER_DEG_LAT
      const x1 = x0 + PARCEL_M / mLon
      const y1 = y0 + PARCEL_M / M_PER_DEG_LAT
      const n = r * l.cols + c + 1
      features.push({
        type: 'Feature',
        properties: {
          parcelNo: `${l.key}-${String(n).padStart(4, '0')}`,
          name: `基准地块${n}`,
          landUse: '工业用地',
        },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [r7(x0), r7(y0)],
              [r7(x1), r7(y0)],
              [r7(x1), r7(y1)],
              [r7(x0), r7(y1)],
              [r7(x0), r7(y0)],
            ],
          ],
        },
      })
    }
  }
  return JSON.stringify({ type: 'FeatureCollection', features })
}

/** A browser-like client: session cookie, Origin and X-Requested-With for the CSRF guard, JSON. */
class Api {
  private cookie = ''
  constructor(readonly baseUrl: string) {}

  async send<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      origin: this.baseUrl,
      'x-requested-with': 'landuse',
    }
    if (this.cookie) headers.cookie = this.cookie
    if (body !== undefined && !(body instanceof FormData)) headers['content-type'] = 'application/json'
    const res = await fetch(new URL(url, this.baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    })
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!)
    if (set.length) this.cookie = set.join('; ')
    const text = await res.text()
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 500)}`)
    return JSON.parse(text) as T
  }
}

interface Filing {
  layout: Layout
  id: number
  parcels: number
  geojson: string
}

/** The bench's draft filing of a layout (created through the API the first time). */
async function filingOf(db: Database, api: Api, county: string, l: Layout): Promise<Filing> {
  const title = `bench:check ${l.key} (${l.cols * l.rows} parcels)`
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM filing
      WHERE title = $1 AND jurisdiction_code = $2 AND status = 'draft'
      ORDER BY id DESC LIMIT 1`,
    [title, county],
  )
  const id =
    rows[0]?.id ??
    (
      await api.send<{ filing: { id: number } }>('POST', '/api/filings', {
        title,
        filingType: 'batch',
        priority: 'standard',
      })
    ).filing.id
  return { layout: l, id, parcels: l.cols * l.rows, geojson: parcelsGeoJson(l) }
}

/** Uploads the filing's parcels (a clean preview, or it throws); returns the upload id. */
async function upload(api: Api, f: Filing): Promise<number> {
  const form = new FormData()
  form.append(
    'file',
    new Blob([f.geojson], { type: 'application/geo+json' }),
    `parcels-${f.layout.key}.geojson`,
  )
  const { upload } = await api.send<{ upload: { id: number; ok: boolean; errorCount: number } }>(
    'POST',
    `/api/filings/${f.id}/uploads`,
    form,
  )
  if (!upload.ok) throw new Error(`upload of filing ${f.id} has ${upload.errorCount} errors`)
  return upload.id
}

async function lastRunMs(db: Database, filingId: number): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(
    'SELECT duration_ms AS ms FROM check_run WHERE filing_id = $1 ORDER BY id DESC LIMIT 1',
    [filingId],
  )
  return rows[0]!.ms
}

interface Timing {
  ms: number
  runMs: number
}

/** Upload (not timed), then accept: the parcels replaced and checked in one transaction. */
async function timeAccept(db: Database, api: Api, f: Filing): Promise<Timing> {
  const uploadId = await upload(api, f)
  const started = performance.now()
  await api.send('POST', `/api/filings/${f.id}/uploads/${uploadId}/accept`)
  const ms = performance.now() - started
  return { ms, runMs: await lastRunMs(db, f.id) }
}

interface Report {
  run: { durationMs: number }
  totals: { permanentFarmlandM2: number }
}

/** The on-demand check through the API (a new run, answered with its summary). */
async function timeCheck(api: Api, f: Filing): Promise<Timing & { runId: number }> {
  const started = performance.now()
  const { run } = await api.send<{ run: { id: number; durationMs: number } }>(
    'POST',
    `/api/filings/${f.id}/check`,
  )
  return { ms: performance.now() - started, runMs: run.durationMs, runId: run.id }
}

/** A run's report through the API. */
async function getReport(api: Api, f: Filing, runId: number): Promise<{ ms: number; report: Report }> {
  const started = performance.now()
  const { report } = await api.send<{ report: Report }>('GET', `/api/filings/${f.id}/check?run=${runId}`)
  return { ms: performance.now() - started, report }
}

// ---------------------------------------------------------------------------------------------------
// The raw overlay and the series

/** The layer kinds the enabled rules use, with their current versions. */
async function ruleLayers(db: Database): Promise<Map<string, number>> {
  const current = await currentVersions(db)
  const layers = new Map<string, number>()
  for (const rule of await loadRules(db)) {
    const v = rule.layerKind ? current.get(rule.layerKind) : null
    if (rule.enabled && rule.layerKind && v) layers.set(rule.layerKind, v)
  }
  return layers
}

/** RAW for every layer kind, one after the other: total time and the farmland overlap. */
async function timeRaw(
  db: Database,
  filingId: number,
  layers: Map<string, number>,
): Promise<{ ms: number; farmlandM2: number }> {
  let ms = 0
  let farmlandM2 = 0
  for (const [kind, versionId] of layers) {
    const started = performance.now()
    const { rows } = await db.query<{ area_m2: number }>(RAW, [filingId, versionId])
    ms += performance.now() - started
    if (kind === 'permanent_farmland') farmlandM2 = rows.reduce((s, r) => s + r.area_m2, 0)
  }
  return { ms, farmlandM2 }
}

interface Medians {
  ms: number
  runMs: number
  rawMs: number
}

/** One warm-up, then REPS rounds of the API call and the raw query; medians. */
async function series(api: () => Promise<Timing>, raw: () => Promise<{ ms: number }>): Promise<Medians> {
  await api()
  await raw()
  const samples: { ms: number; runMs: number; rawMs: number }[] = []
  for (let i = 0; i < REPS; i++) {
    const a = await api()
    const r = await raw()
    samples.push({ ms: a.ms, runMs: a.runMs, rawMs: r.ms })
  }
  return {
    ms: median(samples.map((s) => s.ms)),
    runMs: median(samples.map((s) => s.runMs)),
    rawMs: median(samples.map((s) => s.rawMs)),
  }
}

function measurement(
  name: string,
  mode: string,
  parcels: number,
  layerSize: number,
  m: Medians,
  extra: Record<string, unknown> = {},
) {
  const values = {
    name,
    mode,
    parcels,
    layerSize,
    ms: round(m.ms),
    rawMs: round(m.rawMs),
    ratio: round(m.ms / m.rawMs, 3),
    msPerParcel: round(m.ms / parcels, 3),
    runMs: round(m.runMs),
    runRatio: round(m.runMs / m.rawMs, 3),
    reps: REPS,
    load1: round(os.loadavg()[0]!, 2),
    ...extra,
  }
  line(values)
  return values
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now()
  const config = loadConfig()
  const db = await prepareDatabase(config, progress, { quiet: true })
  let system: RunningSystem | null = null
  let restore: Map<string, number | null> | null = null
  try {
    if (await loadSampleIfEmpty(db)) progress('sample province loaded')
    const scaleDir = path.resolve(`sample-data/scale/${SCALE}`)
    const farmlandFile = path.join(scaleDir, 'permanent_farmland.geojsonl')
    const zonesFile = path.join(scaleDir, 'planning_zone.geojsonl')
    if (!fs.existsSync(farmlandFile) || !fs.existsSync(zonesFile)) {
      execFileSync('npx', ['tsx', 'sample-data/generate.ts', '--scale', String(SCALE)], {
        stdio: ['ignore', process.stderr, 'inherit'],
      })
    }
    const bandFile = path.join(OUT, `permanent_farmland-${SCALE}-band-${BAND}.geojsonl`)
    const full = await ensureVersion(
      db,
      'permanent_farmland',
      `bench-check-${SCALE}`,
      async () => farmlandFile,
    )
    const band = await ensureVersion(
      db,
      'permanent_farmland',
      `bench-check-${BAND}-of-${SCALE}`,
      async () => {
        if (!fs.existsSync(bandFile)) await writeBand(farmlandFile, bandFile)
        return bandFile
      },
    )
    const zones = await ensureVersion(
      db,
      'planning_zone',
      `bench-check-planning-${ZONES}`,
      async () => zonesFile,
      'classCode',
    )

    // the parcels: inside the band and inside one county that has a clerk
    const { rows: extent } = await db.query<{ south: number; north: number }>(
      `SELECT ST_YMin(b) AS south, ST_YMax(b) AS north
         FROM (SELECT ST_Extent(geom) AS b FROM reference_feature WHERE version_id = $1) x`,
      [band],
    )
    const layouts = [SMALL, BIG_A, BIG_B]
    const boxes = layouts.map(envelope)
    const all: [number, number, number, number] = [
      Math.min(...boxes.map((b) => b[0])),
      Math.min(...boxes.map((b) => b[1])),
      Math.max(...boxes.map((b) => b[2])),
      Math.max(...boxes.map((b) => b[3])),
    ]
    const { south, north } = extent[0]!
    if (all[1] < south + BAND_MARGIN || all[3] > north - BAND_MARGIN)
      throw new Error(
        `the parcels (${all[1]}–${all[3]}°N) are not well inside the band (${south}–${north}°N)`,
      )
    const { rows: clerks } = await db.query<{ code: string; username: string }>(
      `SELECT j.code, u.username
         FROM jurisdiction j
         JOIN app_user u ON u.jurisdiction_code = j.code AND u.role = 'county_clerk' AND u.disabled_at IS NULL
        WHERE j.level = 'county' AND ST_Covers(j.boundary, ST_MakeEnvelope($1, $2, $3, $4, 4490))
        ORDER BY u.is_demo DESC, u.username LIMIT 1`,
      all,
    )
    const clerk = clerks[0]
    if (!clerk) throw new Error(`no county with a clerk covers the parcels ${all.join(', ')}`)

    restore = await currentVersions(db)
    await activate(db, 'permanent_farmland', full)
    await activate(db, 'planning_zone', zones)

    const serverConfig = loadConfig({
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      LANDUSE_SAMPLE_DATA: 'false',
    })
    system = await serve(
      serverConfig,
      db,
      createLogger('silent', 'json'),
      crypto.randomBytes(32).toString('hex'),
      {
        closeDatabase: false,
      },
    )
    const api = new Api(system.url.replace('//localhost:', '//127.0.0.1:'))
    await api.send('POST', '/api/auth/login', { username: clerk.username, password: 'Demo#2026' })
    progress(`server on ${api.baseUrl}, ${db.mode} database, logged in as ${clerk.username} (${clerk.code})`)
    const [small, a, b] = await Promise.all(layouts.map((l) => filingOf(db, api, clerk.code, l)))
    const mode = db.mode
    // the parcels, uploads and runs that earlier runs of the bench replaced are dead rows (each run
    // accepts the same filings a dozen times); a server's autovacuum would have removed them, but this
    // machine's PostgreSQL runs without it and the embedded database has none
    await vacuumChurned(db, null)
    // the settings the figures were measured with
    const { rows: settings } = await db.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting
         FROM unnest(ARRAY['shared_buffers', 'autovacuum', 'max_parallel_workers_per_gather', 'jit']) AS name`,
    )
    line({ name: 'settings', mode, ...Object.fromEntries(settings.map((r) => [r.name, r.setting])) })

    // 1. accept and on-demand check, 100 and 1,000 parcels, against the whole layer
    const results: Record<string, ReturnType<typeof measurement>> = {}
    for (const f of [small!, a!]) {
      const layers = await ruleLayers(db)
      const raw = () => timeRaw(db, f.id, layers)
      progress(`${f.parcels} parcels: accept × ${REPS + 1} …`)
      // replacing parcels sets check_finding.parcel_id of earlier runs to NULL: that cost grows with the
      // findings stored, so the line says how many there were
      const stored = (await db.query<{ n: number }>('SELECT count(*) AS n FROM check_finding')).rows[0]!.n
      results[`accept ${f.parcels}`] = measurement(
        'accept',
        mode,
        f.parcels,
        SCALE,
        await series(() => timeAccept(db, api, f), raw),
        { findingsStored: stored },
      )
      progress(`${f.parcels} parcels: check × ${REPS + 1} …`)
      results[`check ${f.parcels}`] = measurement(
        'check',
        mode,
        f.parcels,
        SCALE,
        await series(() => timeCheck(api, f), raw),
      )
      const { runId } = await timeCheck(api, f)
      const reportMs: number[] = []
      for (let i = 0; i <= REPS; i++) reportMs.push((await getReport(api, f, runId)).ms)
      line({
        name: 'report',
        mode,
        parcels: f.parcels,
        layerSize: SCALE,
        ms: round(median(reportMs.slice(1))),
        reps: REPS,
        load1: round(os.loadavg()[0]!, 2),
      })
    }

    // 2. the same filing against the band and the whole layer, alternating
    progress(`layer size: ${BAND} vs ${SCALE} farmland polygons × ${REPS + 1} …`)
    const bySize = new Map<number, { ms: number[]; runMs: number[]; rawMs: number[]; farmland: number[] }>()
    for (let i = 0; i <= REPS; i++) {
      for (const [size, version] of [
        [BAND, band],
        [SCALE, full],
      ] as const) {
        await activate(db, 'permanent_farmland', version)
        const layers = await ruleLayers(db)
        const c = await timeCheck(api, a!)
        const r = await timeRaw(db, a!.id, layers)
        const { report } = await getReport(api, a!, c.runId)
        if (i === 0) continue // warm-up
        const s = bySize.get(size) ?? { ms: [], runMs: [], rawMs: [], farmland: [] }
        s.ms.push(c.ms)
        s.runMs.push(c.runMs)
        s.rawMs.push(r.ms)
        s.farmland.push(report.totals.permanentFarmlandM2)
        bySize.set(size, s)
      }
    }
    const sized = [BAND, SCALE].map((size) => {
      const s = bySize.get(size)!
      return {
        ...measurement('layer size', mode, a!.parcels, size, {
          ms: median(s.ms),
          runMs: median(s.runMs),
          rawMs: median(s.rawMs),
        }),
        farmlandM2: s.farmland[0]!,
      }
    })
    if (Math.abs(sized[0]!.farmlandM2 - sized[1]!.farmlandM2) > 0.01)
      progress(`WARNING: farmland overlap differs: ${sized[0]!.farmlandM2} m² vs ${sized[1]!.farmlandM2} m²`)

    // 3. two checks at once (two filings, two connections) against one at a time
    progress(`concurrency: 2 × ${a!.parcels} parcels × ${REPS + 1} …`)
    await api.send('POST', `/api/filings/${b!.id}/uploads/${await upload(api, b!)}/accept`)
    const single: number[] = []
    const pair: number[] = []
    for (let i = 0; i <= REPS; i++) {
      const one = (await timeCheck(api, a!)).ms + (await timeCheck(api, b!)).ms
      const t = performance.now()
      await Promise.all([timeCheck(api, a!), timeCheck(api, b!)])
      if (i === 0) continue
      single.push(one / 2)
      pair.push(performance.now() - t)
    }
    const throughputRatio = (2 * median(single)) / median(pair)
    const note =
      mode === 'embedded'
        ? 'embedded PGlite has one connection: the second check waits for the first'
        : undefined
    line({
      name: 'concurrency',
      mode,
      parcels: a!.parcels,
      layerSize: SCALE,
      singleMs: round(median(single)),
      pairMs: round(median(pair)),
      throughputRatio: round(throughputRatio, 3),
      poolSize: mode === 'embedded' ? 1 : config.dbPoolSize,
      reps: REPS,
      load1: round(os.loadavg()[0]!, 2),
      ...(note ? { note } : {}),
    })

    // targets
    const target = (name: string, value: number, limit: string, pass: boolean, extra = {}) =>
      line({ name: 'target', mode, target: name, value: round(value, 3), limit, pass, ...extra })
    for (const n of [small!.parcels, a!.parcels]) {
      const c = results[`check ${n}`]!
      const acc = results[`accept ${n}`]!
      target(`check / raw, ${n} parcels`, c.ratio, '≤ 1.25', c.ratio <= 1.25)
      target(`accept / raw, ${n} parcels`, acc.ratio, '≤ 1.25', acc.ratio <= 1.25)
    }
    const sizeRatio = sized[1]!.ms / sized[0]!.ms
    target(
      `check ${SCALE} / check ${BAND} farmland polygons, ${a!.parcels} parcels`,
      sizeRatio,
      '0.85–1.15',
      Math.abs(sizeRatio - 1) <= 0.15,
    )
    target('throughput of 2 checks at once / 1', throughputRatio, '≥ 1.7', throughputRatio >= 1.7, {
      ...(note ? { note } : {}),
    })
    progress(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  } finally {
    if (system) await system.close()
    if (restore) {
      for (const kind of ['permanent_farmland', 'planning_zone'] as const)
        await activate(db, kind, restore.get(kind) ?? null)
    }
    await db.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

import crypto from 'node:crypto'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient, uploadForm } from '../helpers/http'
import { createServerDatabaseFrom, databaseUrl, dropServerDatabase, ROOT } from '../setup/template'

const FIXTURES = path.join(ROOT, 'tests/fixtures/layers')
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)))

interface Version {
  id: number
  label: string
  sourceName: string | null
  classField: string | null
  featureCount: number
  importedAt: string
  importedBy: string | null
  current: boolean
}
interface Finding {
  featureIndex: number | null
  code: string
  severity: 'error' | 'warning'
  message: { 'zh-CN': string; en: string }
  location: [number, number] | null
  details?: Record<string, unknown>
}
interface ImportAnswer {
  version: Version
  findings: Finding[]
  error: { code: string; message: string; details: unknown[] }
}

describe(`server/routes/layersAdmin (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  let admin: ApiClient
  let clerk: ApiClient

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db)
    admin = new ApiClient(system.url, { locale: 'en' })
    await admin.login('admin')
    clerk = new ApiClient(system.url, { locale: 'en' })
    await clerk.login('county.a')
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  function importLayer(kind: string, file: string, fields: Record<string, string>, api = admin) {
    return api.postForm<ImportAnswer>(
      `/api/layers/${kind}/versions`,
      uploadForm({ [path.basename(file)]: fixture(file) }, fields),
    )
  }
  async function versions(kind: string): Promise<Version[]> {
    const res = await admin.get<{ versions: Version[] }>(`/api/layers/${kind}/versions`)
    expect(res.status).toBe(200)
    return res.body.versions
  }
  async function currentLabel(kind: string): Promise<string | undefined> {
    const res = await admin.get<{ layers: { kind: string; version: { label: string } | null }[] }>(
      '/api/layers',
    )
    return res.body.layers.find((l) => l.kind === kind)?.version?.label
  }
  async function rowsOf(versionId: number): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      'SELECT count(*) AS n FROM reference_feature WHERE version_id = $1',
      [versionId],
    )
    return rows[0]!.n
  }

  it('importing a GeoJSON creates a new current version and leaves the old one as it was', async () => {
    const [old] = await versions('cultivated_land')
    const oldRows = await rowsOf(old!.id)
    expect(old).toMatchObject({ current: true })

    const res = await importLayer('cultivated_land', 'accept/geojson/cultivated-land-dlbm.geojson', {
      version: '2025 年度更新（测试）',
      classField: 'DLBM',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.version).toMatchObject({
      label: '2025 年度更新（测试）',
      sourceName: 'cultivated-land-dlbm.geojson',
      classField: 'DLBM',
      featureCount: 4,
      current: true,
    })
    expect(res.body.version.importedBy).toBeTruthy()
    // no CRS in the file: lon/lat assumed, said as a warning; nothing else to say
    expect(res.body.findings.map((f) => f.code)).toEqual(['crs.assumed_lonlat'])

    const after = await versions('cultivated_land')
    expect(after.map((v) => v.label)).toEqual(['2025 年度更新（测试）', old!.label])
    expect(after[1]).toEqual({ ...old, current: false })
    expect(await rowsOf(old!.id)).toBe(oldRows)
    expect(await currentLabel('cultivated_land')).toBe('2025 年度更新（测试）')
  })

  it('the class field gives every feature its class code; the attributes are kept beside it', async () => {
    const [latest] = await versions('cultivated_land')
    const { rows } = await db.query<{ class_code: string; dlmc: string; source_index: number }>(
      `SELECT class_code, attributes->>'DLMC' AS dlmc, source_index FROM reference_feature
        WHERE version_id = $1 ORDER BY source_index`,
      [latest!.id],
    )
    expect(rows).toEqual([
      { class_code: '0101', dlmc: '水田', source_index: 0 },
      { class_code: '0102', dlmc: '水浇地', source_index: 1 },
      { class_code: '0103', dlmc: '旱地', source_index: 2 },
      { class_code: '0101', dlmc: '水田', source_index: 3 },
    ])
  })

  it('a GBK shapefile zip in Gauss-Krüger zone 36 keeps its Chinese attributes and is stored in EPSG:4490', async () => {
    const before = await currentLabel('planning_zone')
    const res = await importLayer('planning_zone', 'accept/shapefile/planning-zones-gbk-4524.zip', {
      version: '2026 规划调整（测试）',
      classField: 'gzqlxdm', // the field is GZQLXDM: matched ignoring case
      activate: 'false',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.version).toMatchObject({ classField: 'GZQLXDM', featureCount: 4, current: false })
    expect(res.body.findings).toEqual([])
    const { rows } = await db.query<{ code: string; name: string; srid: number; lon: number; area: number }>(
      `SELECT class_code AS code, attributes->>'GZQMC' AS name, ST_SRID(geom) AS srid,
              ST_X(ST_Centroid(geom)) AS lon, ST_Area(geom_ea) AS area
         FROM reference_feature WHERE version_id = $1 ORDER BY source_index`,
      [res.body.version.id],
    )
    expect(rows.map((r) => [r.code, r.name])).toEqual([
      ['010', '允许建设区'],
      ['020', '有条件建设区'],
      ['030', '限制建设区'],
      ['040', '禁止建设区'],
    ])
    for (const r of rows) {
      expect(r.srid).toBe(4490)
      expect(r.lon).toBeGreaterThan(107)
      expect(r.lon).toBeLessThan(107.1)
      // 200 m × 100 m on the Gauss-Krüger plane, 90 km from its central meridian: scale ≈ 1.0001
      expect(Math.abs(r.area - 20_000) / 20_000).toBeLessThan(0.002)
    }
    expect(await currentLabel('planning_zone')).toBe(before)
  })

  it("a layer that needs the class field names the file's fields when none is given (400) or the one given is not there (422)", async () => {
    const count = (await versions('cultivated_land')).length
    const none = await importLayer('cultivated_land', 'accept/geojson/cultivated-land-dlbm.geojson', {
      version: 'no class field',
    })
    expect(none.status).toBe(400)
    expect(none.body.error.code).toBe('layer.class_field_required')
    expect(none.body.error.message).toBe(
      'Importing Cultivated land needs the class field (classField: the attribute holding the class code); the file has the fields TBBH, DLBM, DLMC, XZQDM',
    )
    const wrong = await importLayer('cultivated_land', 'accept/geojson/cultivated-land-dlbm.geojson', {
      version: 'wrong class field',
      classField: 'DLDM',
    })
    expect(wrong.status).toBe(422)
    expect(wrong.body.error.code).toBe('layer.class_field_unknown')
    expect(wrong.body.error.message).toBe(
      'The file has no field "DLDM"; its fields are TBBH, DLBM, DLMC, XZQDM',
    )
    expect((await versions('cultivated_land')).length).toBe(count)
  })

  it('class codes none of which is in the layer legend are refused: checks must never run against nothing', async () => {
    const res = await importLayer('cultivated_land', 'reject/geojson/cultivated-land-old-codes.geojson', {
      version: '2009 codes',
      classField: 'DLBM',
    })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('layer.no_known_classes')
    expect(res.body.error.message).toContain('011 (2), 012 (1), 013 (1)')
    expect(res.body.error.message).toContain('0101, 0102, 0103')
    expect((await versions('cultivated_land')).map((v) => v.label)).not.toContain('2009 codes')
  })

  it('a label the layer already has is refused with 409 and nothing changes', async () => {
    const before = await versions('cultivated_land')
    const res = await importLayer('cultivated_land', 'accept/geojson/cultivated-land-dlbm.geojson', {
      version: '2025 年度更新（测试）',
      classField: 'DLBM',
    })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('layer.version_exists')
    expect(await versions('cultivated_land')).toEqual(before)
  })

  it('only administrators import or activate versions; every logged-in user lists them', async () => {
    const res = await importLayer(
      'cultivated_land',
      'accept/geojson/cultivated-land-dlbm.geojson',
      { version: 'by a clerk', classField: 'DLBM' },
      clerk,
    )
    expect(res.status).toBe(403)
    expect(res.body.error.code).toBe('auth.forbidden')
    const [latest] = await versions('cultivated_land')
    expect((await clerk.post(`/api/layers/cultivated_land/versions/${latest!.id}/activate`)).status).toBe(403)
    expect((await clerk.get('/api/layers/cultivated_land/versions')).status).toBe(200)
    expect((await new ApiClient(system.url).get('/api/layers/cultivated_land/versions')).status).toBe(401)
    expect((await admin.get('/api/layers/no_such_layer/versions')).status).toBe(404)
  })

  it('an unreadable file is refused with 422 and its findings, and creates no version', async () => {
    const before = await versions('permanent_farmland')
    const res = await importLayer('permanent_farmland', 'reject/geojson/truncated.geojson', {
      version: 'truncated',
    })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('layer.unreadable')
    expect((res.body.error.details as Finding[]).map((f) => f.code)).toEqual(['geojson.invalid_json'])
    expect(await versions('permanent_farmland')).toEqual(before)
  })

  it('a newline-delimited GeoJSON broken on line 4 is refused whole: no version, none of its first lines kept', async () => {
    const { rows: before } = await db.query<{ n: number }>('SELECT count(*) AS n FROM reference_feature')
    const res = await importLayer('permanent_farmland', 'reject/geojsonl/bad-line.geojsonl', {
      version: 'bad line',
    })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('layer.unreadable')
    expect(res.body.error.message).toContain('line 4')
    const { rows: after } = await db.query<{ n: number }>('SELECT count(*) AS n FROM reference_feature')
    expect(after[0]!.n).toBe(before[0]!.n)
    expect((await versions('permanent_farmland')).map((v) => v.label)).not.toContain('bad line')
  })

  it('activating a version makes it current and GET /api/layers shows it; the old one can come back', async () => {
    const all = await versions('planning_zone')
    const test = all.find((v) => v.label === '2026 规划调整（测试）')!
    const sample = all.find((v) => v.current)!
    const res = await admin.post<{ version: Version }>(
      `/api/layers/planning_zone/versions/${test.id}/activate`,
    )
    expect(res.status).toBe(200)
    expect(res.body.version).toMatchObject({ id: test.id, current: true })
    expect(await currentLabel('planning_zone')).toBe('2026 规划调整（测试）')
    await admin.post(`/api/layers/planning_zone/versions/${sample.id}/activate`)
    expect(await currentLabel('planning_zone')).toBe(sample.label)
    const { rows } = await db.query<{ action: string }>(
      `SELECT action FROM audit_event WHERE action = 'layer.activated' AND subject_id = $1`,
      [String(test.id)],
    )
    expect(rows).toHaveLength(1)
    // a version of another layer, or none at all: not found
    expect((await admin.post(`/api/layers/eco_redline/versions/${test.id}/activate`)).status).toBe(404)
    expect((await admin.post('/api/layers/planning_zone/versions/999999/activate')).status).toBe(404)
  })

  it('invalid polygons are made valid and counted; one with no area left and one without geometry are left out', async () => {
    const res = await importLayer('eco_redline', 'repair/geojson/bowtie-collapsed-null.geojson', {
      version: '修复测试',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.version.featureCount).toBe(3)
    expect(res.body.findings.map((f) => [f.featureIndex, f.code])).toEqual([
      [null, 'crs.assumed_lonlat'],
      [1, 'layer.geometry_repaired'],
      [2, 'layer.geometry_dropped'],
      [3, 'layer.feature_skipped'],
      [4, 'layer.ring_closed'],
    ])
    expect(res.body.findings.every((f) => f.severity === 'warning')).toBe(true)
    const repaired = res.body.findings.find((f) => f.code === 'layer.geometry_repaired')!
    expect(repaired.message.en).toBe(
      'Feature 2: invalid geometry (Self-intersection); made valid with ST_MakeValid',
    )
    expect(repaired.location![0]).toBeCloseTo(107.041, 6)

    const { rows } = await db.query<{ source_index: number; valid: boolean; parts: number; area: number }>(
      `SELECT source_index, ST_IsValid(geom) AS valid, ST_NumGeometries(geom) AS parts, ST_Area(geom_ea) AS area
         FROM reference_feature WHERE version_id = $1 ORDER BY source_index`,
      [res.body.version.id],
    )
    expect(rows.map((r) => [r.source_index, r.valid, r.parts])).toEqual([
      [0, true, 1],
      [1, true, 2], // the bow-tie: two triangles
      [4, true, 1],
    ])
    const { rows: audit } = await db.query<{ after: { repaired: number; dropped: number; skipped: number } }>(
      `SELECT after FROM audit_event WHERE action = 'layer.imported' AND subject_id = $1`,
      [String(res.body.version.id)],
    )
    expect(audit[0]!.after).toMatchObject({ repaired: 1, dropped: 1, skipped: 1, read: 5, imported: 3 })
  })

  it('a red line of 3,000 vertices is stored in pieces that measure what the whole does, and the map gets it whole', async () => {
    const res = await importLayer('eco_redline', 'accept/geojson/eco-redline-3000-vertices.geojson', {
      version: '大图斑测试',
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body.version.featureCount).toBe(2)
    const versionId = res.body.version.id
    const file = JSON.parse(
      fs.readFileSync(path.join(FIXTURES, 'accept/geojson/eco-redline-3000-vertices.geojson'), 'utf8'),
    ) as { features: { geometry: unknown }[] }
    const whole = JSON.stringify(file.features[0]!.geometry)
    const { rows } = await db.query<{
      pieces: number
      most: number
      sum: number
      whole: number
      square_pieces: number
      square_whole: number
    }>(
      `WITH w AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($2), 4490), 990001) AS g),
            sq AS (SELECT ST_Transform(ST_MakeEnvelope(107.07, 27.15, 107.09, 27.17, 4490), 990001) AS g)
       SELECT count(*) AS pieces, max(ST_NPoints(f.geom)) AS most, sum(ST_Area(f.geom_ea)) AS sum,
              (SELECT ST_Area(g) FROM w) AS whole,
              sum(ST_Area(ST_Intersection(f.geom_ea, (SELECT g FROM sq)))) AS square_pieces,
              (SELECT ST_Area(ST_Intersection(w.g, sq.g)) FROM w, sq) AS square_whole
         FROM reference_feature f WHERE f.version_id = $1 AND f.source_index = 0`,
      [versionId, whole],
    )
    const r = rows[0]!
    expect(r.pieces).toBeGreaterThan(10)
    expect(r.most).toBeLessThanOrEqual(256 + 5)
    expect(Math.abs(r.sum - r.whole)).toBeLessThan(0.01) // m², of 14 km²
    expect(r.square_whole).toBeGreaterThan(1_000_000)
    expect(Math.abs(r.square_pieces - r.square_whole)).toBeLessThan(0.01)

    // the map: a bbox touching one piece brings the whole red line, once, under one id
    const corner = await admin.get<{
      features: { id: number; geometry: { type: string; coordinates: number[][][][] } }[]
    }>('/api/layers/eco_redline/features?bbox=107.095,27.155,107.1,27.165&resolution=0')
    const everything = await admin.get<{ features: { id: number }[] }>(
      '/api/layers/eco_redline/features?bbox=107,27,107.2,27.3&resolution=0',
    )
    expect(everything.body.features).toHaveLength(2)
    expect(corner.body.features).toHaveLength(1)
    const big = corner.body.features[0]!
    expect(everything.body.features.map((f) => f.id)).toContain(big.id)
    const { rows: shown } = await db.query<{ area: number }>(
      `SELECT ST_Area(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490), 990001)) AS area`,
      [JSON.stringify(big.geometry)],
    )
    expect(Math.abs(shown[0]!.area - r.whole) / r.whole).toBeLessThan(1e-6)
  })
})

const run = promisify(execFile)
const LANDUSE = path.join(ROOT, 'bin/landuse')
/** Each bin/landuse process opens the database; the first one on an empty embedded folder sets it up. */
const CLI_TIMEOUT = 180_000

describe(`bin/landuse layers (${backend()})`, () => {
  const env: Record<string, string> = { LANDUSE_SAMPLE_DATA: 'false', LOG_LEVEL: 'silent', LANG: 'C' }
  let dataDir: string
  let serverDb: string | null = null

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'landuse-layers-'))
    env.LANDUSE_DATA_DIR = dataDir
    if (backend() === 'server') {
      serverDb = `landuse_t_${crypto.randomBytes(5).toString('hex')}`
      await createServerDatabaseFrom(process.env.TEST_DATABASE_URL!, 'template0', serverDb)
      env.DATABASE_URL = databaseUrl(process.env.TEST_DATABASE_URL!, serverDb)
    }
  })
  afterAll(async () => {
    fs.rmSync(dataDir, { recursive: true, force: true })
    if (serverDb) await dropServerDatabase(process.env.TEST_DATABASE_URL!, serverDb)
  })

  async function landuse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(LANDUSE, args, {
        env: { ...process.env, ...env, DATABASE_URL: env.DATABASE_URL ?? '' },
        cwd: ROOT,
      })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  interface Listed {
    kind: string
    current: { label: string; featureCount: number } | null
    versions: { label: string; current: boolean }[]
  }
  async function listed(kind: string): Promise<Listed> {
    const res = await landuse(['layers', 'list', '--json'])
    expect(res.code, res.stderr).toBe(0)
    return (JSON.parse(res.stdout) as Listed[]).find((l) => l.kind === kind)!
  }

  it(
    'layers import streams a newline-delimited GeoJSON into a new current version; layers list shows it',
    async () => {
      const res = await landuse([
        'layers',
        'import',
        'tests/fixtures/layers/accept/geojsonl/permanent-farmland.geojsonl',
        '--kind',
        'permanent_farmland',
        '--version',
        'v1',
      ])
      expect(res.code, res.stderr).toBe(0)
      expect(res.stdout).toMatch(/^imported permanent_farmland version "v1" \(id \d+\): 6 features/)
      expect(res.stdout).toContain('now current')
      expect(await listed('permanent_farmland')).toMatchObject({
        current: { label: 'v1', featureCount: 6 },
        versions: [{ label: 'v1', current: true }],
      })
      const text = await landuse(['layers', 'list'])
      expect(text.stdout).toContain('permanent_farmland\tv1\t6\tv1*')
      expect(text.stdout).toContain('eco_redline\t(none)\t0\t-')
    },
    CLI_TIMEOUT,
  )

  it(
    'a version imported with --no-activate waits until layers activate makes it current',
    async () => {
      const res = await landuse([
        'layers',
        'import',
        'tests/fixtures/layers/accept/geojsonl/permanent-farmland.geojsonl',
        '--kind',
        'permanent_farmland',
        '--version',
        'v2',
        '--no-activate',
      ])
      expect(res.code, res.stderr).toBe(0)
      expect(await listed('permanent_farmland')).toMatchObject({
        current: { label: 'v1' },
        versions: [
          { label: 'v2', current: false },
          { label: 'v1', current: true },
        ],
      })
      const activated = await landuse([
        'layers',
        'activate',
        '--kind',
        'permanent_farmland',
        '--version',
        'v2',
      ])
      expect(activated.code, activated.stderr).toBe(0)
      expect(activated.stdout).toContain('version "v2"')
      expect(activated.stdout).toContain('(was "v1")')
      expect((await listed('permanent_farmland')).current).toMatchObject({ label: 'v2' })
    },
    CLI_TIMEOUT,
  )

  it(
    'bad input is one line on stderr and exit code 2',
    async () => {
      const cases: [string[], string][] = [
        [
          [
            'layers',
            'import',
            'tests/fixtures/layers/accept/shapefile/planning-zones-gbk-4524.zip',
            '--kind',
            'planning_zone',
            '--version',
            'z1',
          ],
          'the file has the fields BSM, GZQLXDM, GZQMC',
        ],
        [
          [
            'layers',
            'import',
            'tests/fixtures/layers/accept/geojsonl/permanent-farmland.geojsonl',
            '--kind',
            'permanent_farmland',
            '--version',
            'v1',
          ],
          'already has a version "v1"',
        ],
        [
          [
            'layers',
            'import',
            'tests/fixtures/layers/reject/geojson/truncated.geojson',
            '--kind',
            'eco_redline',
            '--version',
            'x',
          ],
          'cannot be imported',
        ],
        [
          ['layers', 'activate', '--kind', 'permanent_farmland', '--version', 'v9'],
          'its versions: "v2", "v1"',
        ],
        [
          ['layers', 'import', 'no-such-file.geojsonl', '--kind', 'eco_redline', '--version', 'x'],
          'no such file',
        ],
      ]
      for (const [args, expected] of cases) {
        const res = await landuse(args)
        expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(2)
        // one line of ours (the embedded database may say it is opening before it)
        expect(res.stderr.split('\n').filter((l) => l.startsWith('landuse:'))).toEqual([
          expect.stringContaining(expected),
        ])
        expect(res.stderr).not.toMatch(/\n\s+at /)
      }
    },
    CLI_TIMEOUT,
  )
})

import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient, uploadForm } from '../helpers/http'
import { ROOT } from '../setup/template'

const UPLOADS = path.join(ROOT, 'sample-data/uploads')
const sample = (name: string) => new Uint8Array(fs.readFileSync(path.join(UPLOADS, name)))

interface Finding {
  featureIndex: number | null
  parcelNo: string | null
  code: string
  severity: 'error' | 'warning'
  message: { 'zh-CN': string; en: string }
}
interface Preview {
  upload: {
    id: number
    status: string
    ok: boolean
    format: string
    encoding: string | null
    encodingSource: string | null
    crs: string | null
    crsSource: string | null
    featureCount: number
    sha256: string
    findings: Finding[]
    parcels: { features: { properties: { parcelNo: string; areaM2: number } }[] }
  }
}

describe(`server/uploads (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  let clerk: ApiClient
  let draftId: number

  async function newDraft(api = clerk, title = '上传测试报件'): Promise<number> {
    const res = await api.post<{ filing: { id: number; status: string } }>('/api/filings', {
      title,
      filingType: 'batch',
    })
    expect(res.status).toBe(201)
    return res.body.filing.id
  }

  async function upload(
    filingId: number,
    files: Record<string, Uint8Array>,
    fields: Record<string, string> = {},
  ) {
    return clerk.postForm<Preview & { error: { code: string; details: Finding[] } }>(
      `/api/filings/${filingId}/uploads`,
      uploadForm(files, fields),
    )
  }

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db)
    clerk = new ApiClient(system.url)
    await clerk.login('county.a')
    draftId = await newDraft()
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it('a county clerk opens a draft filing in their own county', async () => {
    const res = await clerk.get<{
      filing: { status: string; jurisdiction: { code: string }; parcelCount: number }
    }>(`/api/filings/${draftId}`)
    expect(res.body.filing).toMatchObject({
      status: 'draft',
      jurisdiction: { code: '520102' },
      parcelCount: 0,
    })
  })

  it('only county clerks open filings', async () => {
    const city = new ApiClient(system.url)
    await city.login('city.qingshan')
    const res = await city.post<{ error: { code: string } }>('/api/filings', {
      title: 'x',
      filingType: 'batch',
    })
    expect(res.status).toBe(403)
  })

  it('the sample GBK shapefile zip gives a preview: GBK by its language-driver byte, EPSG:4524 from its .prj', async () => {
    const res = await upload(draftId, { 'sample-parcels-gbk.zip': sample('sample-parcels-gbk.zip') })
    expect(res.status).toBe(201)
    const u = res.body.upload
    expect(u).toMatchObject({
      status: 'preview',
      ok: true,
      format: 'shapefile',
      crs: 'EPSG:4524',
      crsSource: 'prj',
    })
    expect(u.encoding).toMatch(/gbk|936/i)
    expect(u.encodingSource).toBe('ldid')
    expect(u.featureCount).toBe(4)
    expect(u.parcels.features.map((f) => f.properties.parcelNo)).toEqual(['DK-01', 'DK-02', 'DK-03', 'DK-04'])
    // DK-02 declares 3 % more than it measures: a warning, not an error
    const mismatch = u.findings.filter((f) => f.parcelNo === 'DK-02' && /area/.test(f.code))
    expect(mismatch).toHaveLength(1)
    expect(mismatch[0]!.severity).toBe('warning')
  })

  it('the bytes of every upload are kept as sent, with their SHA-256', async () => {
    const bytes = sample('sample-parcels.txt')
    const res = await upload(draftId, { 'sample-parcels.txt': bytes })
    const { rows } = await db.query<{ bytes: Buffer; sha256: string; name: string }>(
      'SELECT bytes, sha256, name FROM upload_file WHERE upload_id = $1',
      [res.body.upload.id],
    )
    expect(rows).toHaveLength(1)
    expect(Buffer.compare(rows[0]!.bytes, Buffer.from(bytes))).toBe(0)
    const sha = crypto.createHash('sha256').update(bytes).digest('hex')
    expect(rows[0]!.sha256).toBe(sha)
    expect(res.body.upload.sha256).toBe(sha)
    expect(rows[0]!.name).toBe('sample-parcels.txt')
  })

  it('the same parcels as shapefile, GeoJSON and coordinate text give the same polygons (within 1 mm) and areas', async () => {
    const ids: number[] = []
    for (const name of ['sample-parcels-gbk.zip', 'sample-parcels.geojson', 'sample-parcels.txt']) {
      const res = await upload(draftId, { [name]: sample(name) })
      expect(res.status, name).toBe(201)
      expect(res.body.upload.ok, name).toBe(true)
      ids.push(res.body.upload.id)
    }
    const { rows } = await db.query<{
      parcel_no: string
      max_mm: number
      points_equal: boolean
      area_diff: number
    }>(
      `WITH p AS (
         SELECT upload_id, parcel_no, area_m2, ST_Transform(ST_GeomFromEWKB(geom_ewkb), 4524) AS g
           FROM upload_parcel WHERE upload_id = ANY ($1)
       ), v AS (
         SELECT upload_id, parcel_no, (d).path, (d).geom AS pt FROM (SELECT upload_id, parcel_no, ST_DumpPoints(g) AS d FROM p) x
       )
       SELECT a.parcel_no,
              -- vertex for vertex: the same vertex (part, ring, position) of the other upload
              (SELECT max(1000 * ST_Distance(va.pt, vb.pt))
                 FROM v va JOIN v vb ON vb.parcel_no = va.parcel_no AND vb.path = va.path AND vb.upload_id <> va.upload_id
                WHERE va.parcel_no = a.parcel_no) AS max_mm,
              bool_and(ST_NPoints(a.g) = ST_NPoints(b.g)) AS points_equal,
              max(abs(a.area_m2 - b.area_m2)) AS area_diff
         FROM p a JOIN p b ON b.parcel_no = a.parcel_no AND b.upload_id <> a.upload_id
        GROUP BY a.parcel_no ORDER BY a.parcel_no`,
      [ids],
    )
    expect(rows.map((r) => r.parcel_no)).toEqual(['DK-01', 'DK-02', 'DK-03', 'DK-04'])
    for (const r of rows) {
      expect(r.max_mm, r.parcel_no).toBeLessThan(1)
      expect(r.points_equal, r.parcel_no).toBe(true)
      expect(r.area_diff, r.parcel_no).toBeLessThan(0.01)
    }
  })

  it('accepting a preview imports its parcels into the filing, keeping the source coordinates and CRS', async () => {
    const res = await upload(draftId, { 'sample-parcels-gbk.zip': sample('sample-parcels-gbk.zip') })
    const preview = res.body
    const accepted = await clerk.post<{
      filing: { parcelCount: number }
      parcels: { features: { properties: { parcelNo: string; areaM2: number; sourceCrs: string } }[] }
    }>(`/api/filings/${draftId}/uploads/${preview.upload.id}/accept`)
    expect(accepted.status).toBe(200)
    expect(accepted.body.filing.parcelCount).toBe(4)
    for (const f of accepted.body.parcels.features) {
      expect(f.properties.sourceCrs).toBe('EPSG:4524')
      const before = preview.upload.parcels.features.find(
        (p) => p.properties.parcelNo === f.properties.parcelNo,
      )!
      // the area computed while reading (gis/area) agrees with PostGIS's ellipsoidal area
      expect(
        Math.abs(f.properties.areaM2 - before.properties.areaM2) / before.properties.areaM2,
      ).toBeLessThan(1e-4)
    }
    const again = await clerk.post<{ error: { code: string } }>(
      `/api/filings/${draftId}/uploads/${preview.upload.id}/accept`,
    )
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('upload.not_pending')
    const audit = await db.query(
      `SELECT 1 FROM audit_event WHERE action = 'parcels.imported' AND subject_id = $1`,
      [String(draftId)],
    )
    expect(audit.rows).toHaveLength(1)
  })

  it('a file that cannot be read is refused with 422 and its findings, is kept, and changes no parcel', async () => {
    const before = await db.query<{ n: number }>('SELECT count(*) AS n FROM parcel WHERE filing_id = $1', [
      draftId,
    ])
    const junk = new TextEncoder().encode('this is not a shapefile at all')
    const res = await upload(draftId, { 'parcels.zip': junk })
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('upload.unreadable')
    expect(res.body.error.details.length).toBeGreaterThan(0)
    expect(res.body.error.details[0]!.message.en.length).toBeGreaterThan(10)
    const kept = await db.query<{ status: string; bytes: Buffer }>(
      `SELECT u.status, f.bytes FROM upload u JOIN upload_file f ON f.upload_id = u.id
        WHERE u.filing_id = $1 ORDER BY u.id DESC LIMIT 1`,
      [draftId],
    )
    expect(kept.rows[0]!.status).toBe('unreadable')
    expect(Buffer.compare(kept.rows[0]!.bytes, Buffer.from(junk))).toBe(0)
    const after = await db.query<{ n: number }>('SELECT count(*) AS n FROM parcel WHERE filing_id = $1', [
      draftId,
    ])
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n)
  })

  it('a preview with errors cannot be accepted', async () => {
    const bowtie = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { parcelNo: 'X-1' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [107.3, 26.6],
                [107.302, 26.602],
                [107.302, 26.6],
                [107.3, 26.602],
                [107.3, 26.6],
              ],
            ],
          },
        },
      ],
    }
    const res = await upload(draftId, { 'bowtie.geojson': new TextEncoder().encode(JSON.stringify(bowtie)) })
    expect(res.status).toBe(201)
    expect(res.body.upload.ok).toBe(false)
    expect(res.body.upload.findings.some((f) => f.severity === 'error' && f.featureIndex === 0)).toBe(true)
    const accept = await clerk.post<{ error: { code: string } }>(
      `/api/filings/${draftId}/uploads/${res.body.upload.id}/accept`,
    )
    expect(accept.status).toBe(409)
    expect(accept.body.error.code).toBe('upload.has_errors')
  })

  it('latitude written before longitude is an error that names the swap, and swapAxes reads it right', async () => {
    const fc = JSON.parse(new TextDecoder().decode(sample('sample-parcels.geojson'))) as {
      features: { geometry: { coordinates: number[][][] | number[][][][] } }[]
    }
    const swap = (c: unknown): unknown =>
      typeof (c as number[])[0] === 'number'
        ? [(c as number[])[1], (c as number[])[0]]
        : (c as unknown[]).map(swap)
    for (const f of fc.features) f.geometry.coordinates = swap(f.geometry.coordinates) as number[][][]
    const bytes = new TextEncoder().encode(JSON.stringify(fc))
    const swapped = await upload(draftId, { 'lat-lon.geojson': bytes })
    expect(swapped.status).toBe(201)
    expect(swapped.body.upload.ok).toBe(false)
    expect(swapped.body.upload.findings.map((f) => f.code)).toContain('crs.axes_swapped')
    const fixed = await upload(draftId, { 'lat-lon.geojson': bytes }, { swapAxes: 'true' })
    expect(fixed.body.upload.ok).toBe(true)
    expect(fixed.body.upload.featureCount).toBe(4)
  })

  it('a CRS override the system does not know is a 400 naming the field', async () => {
    const res = await upload(
      draftId,
      { 'sample-parcels.txt': sample('sample-parcels.txt') },
      { crs: 'EPSG:99999' },
    )
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('upload.bad_crs')
  })

  it('an upload without a file is a 400 that says what to send', async () => {
    const res = await clerk.postForm<{ error: { code: string } }>(
      `/api/filings/${draftId}/uploads`,
      uploadForm({}),
    )
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('upload.no_file')
  })

  it('only the clerk of the filing county may upload, and only while the filing is editable', async () => {
    const other = new ApiClient(system.url)
    await other.login('county.b')
    const files = uploadForm({ 'sample-parcels.txt': sample('sample-parcels.txt') })
    expect((await other.postForm(`/api/filings/${draftId}/uploads`, files)).status).toBe(404)
    const window = new ApiClient(system.url)
    await window.login('window')
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM filing WHERE jurisdiction_code = '520102' AND status = 'approved' LIMIT 1`,
    )
    expect((await window.postForm(`/api/filings/${rows[0]!.id}/uploads`, files)).status).toBe(403)
    const frozen = await clerk.postForm<{ error: { code: string } }>(
      `/api/filings/${rows[0]!.id}/uploads`,
      files,
    )
    expect(frozen.status).toBe(409)
    expect(frozen.body.error.code).toBe('filing.not_editable')
  })

  it("only the filing county's clerk may accept a preview, only a preview of that filing, and a refusal changes nothing", async () => {
    const res = await upload(draftId, { 'sample-parcels.txt': sample('sample-parcels.txt') })
    const uploadId = res.body.upload.id
    const parcels = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM parcel WHERE filing_id = $1', [draftId]))
        .rows[0]!.n
    const before = await parcels()
    const other = new ApiClient(system.url)
    await other.login('county.b')
    const hidden = await other.post<{ error: { code: string } }>(
      `/api/filings/${draftId}/uploads/${uploadId}/accept`,
    )
    expect(hidden.status).toBe(404)
    expect(hidden.body.error.code).toBe('filing.not_found')
    const window = new ApiClient(system.url)
    await window.login('window')
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM filing WHERE jurisdiction_code = '520102' AND status = 'approved' LIMIT 1`,
    )
    expect((await window.post(`/api/filings/${rows[0]!.id}/uploads/${uploadId}/accept`)).status).toBe(403)
    // the upload belongs to the draft, not to the approved filing
    const elsewhere = await clerk.post<{ error: { code: string } }>(
      `/api/filings/${rows[0]!.id}/uploads/${uploadId}/accept`,
    )
    expect(elsewhere.status).toBe(409)
    expect(elsewhere.body.error.code).toBe('filing.not_editable')
    const missing = await clerk.post<{ error: { code: string } }>(
      `/api/filings/${draftId}/uploads/${uploadId + 1000}/accept`,
    )
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe('upload.not_found')
    expect(await parcels()).toBe(before)
    const { rows: state } = await db.query<{ status: string }>('SELECT status FROM upload WHERE id = $1', [
      uploadId,
    ])
    expect(state[0]!.status).toBe('preview')
  })

  it('two accepts of the same preview at once: one imports the parcels, the other is told it is no longer pending', async () => {
    const res = await upload(draftId, { 'sample-parcels.txt': sample('sample-parcels.txt') })
    const uploadId = res.body.upload.id
    const events = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit_event
            WHERE action = 'parcels.imported' AND subject_id = $1 AND (after ->> 'uploadId')::bigint = $2`,
          [String(draftId), uploadId],
        )
      ).rows[0]!.n
    const answers = await Promise.all(
      [1, 2].map(() =>
        clerk.post<{ error?: { code: string } }>(`/api/filings/${draftId}/uploads/${uploadId}/accept`),
      ),
    )
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409])
    expect(answers.find((a) => a.status === 409)!.body.error!.code).toBe('upload.not_pending')
    expect(await events()).toBe(1)
  })

  it('a multipart upload without the CSRF header is refused', async () => {
    const api = new ApiClient(system.url, { csrfHeader: false })
    const res = await api.postForm(
      `/api/filings/${draftId}/uploads`,
      uploadForm({ 'a.txt': sample('sample-parcels.txt') }),
    )
    expect(res.status).toBe(403)
  })
})

describe(`server/uploads limits (${backend()})`, () => {
  let db: Database
  let system: RunningSystem

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db, { UPLOAD_MAX_MB: '0.05' })
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it('an upload over the size limit is refused with 413 and the limit', async () => {
    const api = new ApiClient(system.url)
    await api.login('county.a')
    const { body } = await api.post<{ filing: { id: number } }>('/api/filings', {
      title: '大文件',
      filingType: 'batch',
    })
    const big = new Uint8Array(60 * 1024).fill(32)
    const res = await api.postForm<{ error: { code: string; message: string } }>(
      `/api/filings/${body.filing.id}/uploads`,
      uploadForm({ 'big.geojson': big }),
    )
    expect(res.status).toBe(413)
    expect(res.body.error.code).toBe('upload.too_large')
  })
})

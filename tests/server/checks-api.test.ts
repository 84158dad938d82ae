import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import type { CheckReport } from '../../server/check/report'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient, uploadForm } from '../helpers/http'
import { ROOT } from '../setup/template'

describe(`server/check API (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  let clerk: ApiClient
  let conflictId: number

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db)
    clerk = new ApiClient(system.url)
    await clerk.login('county.a')
    const { rows } = await db.query<{ id: number }>(
      `SELECT id FROM filing WHERE notes LIKE '%永久基本农田%' LIMIT 1`,
    )
    conflictId = rows[0]!.id
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it("the sample province's conflicting draft has a stored report blocking on permanent farmland", async () => {
    const res = await clerk.get<{ report: CheckReport }>(`/api/filings/${conflictId}/check`)
    expect(res.status).toBe(200)
    const r = res.body.report
    expect(r.run.worst).toBe('block')
    expect(r.rules.find((x) => x.code === 'permanent_farmland_overlap')).toMatchObject({ state: 'hit' })
    expect(r.totals.permanentFarmlandM2).toBeGreaterThan(19_000)
    expect(r.run.layerVersions.map((l) => l.kind)).toContain('permanent_farmland')
  })

  it('the overlap shapes come as GeoJSON with their rule and severity', async () => {
    const res = await clerk.get<{
      features: { properties: { ruleCode: string; severity: string }; geometry: { type: string } }[]
    }>(`/api/filings/${conflictId}/check/overlaps`)
    const farmland = res.body.features.filter((f) => f.properties.ruleCode === 'permanent_farmland_overlap')
    expect(farmland).toHaveLength(1)
    expect(farmland[0]!.properties.severity).toBe('block')
    expect(farmland[0]!.geometry.type).toBe('MultiPolygon')
  })

  it('a check on demand stores a new run; the runs list and the diff between them answer', async () => {
    const before = (await clerk.get<{ runs: { id: number }[] }>(`/api/filings/${conflictId}/check/runs`)).body
      .runs
    const res = await clerk.post<{ run: CheckReport['run'] }>(`/api/filings/${conflictId}/check`)
    expect(res.status).toBe(201)
    expect(res.body.run.trigger).toBe('on_demand')
    expect(res.body.run.startedBy).toContain('张敏')
    expect(res.headers.get('location')).toBe(`/api/filings/${conflictId}/check?run=${res.body.run.id}`)
    const report = await clerk.get<{ report: CheckReport }>(res.headers.get('location')!)
    expect(report.body.report.run).toEqual(res.body.run)
    const after = (await clerk.get<{ runs: { id: number }[] }>(`/api/filings/${conflictId}/check/runs`)).body
      .runs
    expect(after).toHaveLength(before.length + 1)
    const diff = await clerk.get<{
      added: unknown[]
      removed: unknown[]
      changed: unknown[]
      layerChanges: unknown[]
    }>(`/api/filings/${conflictId}/check/diff?from=${before[0]!.id}&to=${after[0]!.id}`)
    expect(diff.status).toBe(200)
    expect(diff.body).toMatchObject({ added: [], removed: [], changed: [], layerChanges: [] })
  })

  it('accepting an upload runs the check on the new parcels', async () => {
    const created = await clerk.post<{ filing: { id: number } }>('/api/filings', {
      title: '检查测试',
      filingType: 'batch',
    })
    const id = created.body.filing.id
    const zip = new Uint8Array(fs.readFileSync(path.join(ROOT, 'sample-data/uploads/sample-parcels-gbk.zip')))
    const up = await clerk.postForm<{ upload: { id: number } }>(
      `/api/filings/${id}/uploads`,
      uploadForm({ 'a.zip': zip }),
    )
    await clerk.post(`/api/filings/${id}/uploads/${up.body.upload.id}/accept`)
    const res = await clerk.get<{ report: CheckReport }>(`/api/filings/${id}/check`)
    expect(res.body.report.run.trigger).toBe('upload_accepted')
    expect(res.body.report.parcels.map((p) => p.parcelNo)).toEqual(['DK-01', 'DK-02', 'DK-03', 'DK-04'])
    // DK-03 of the sample upload lies on permanent farmland (sample-data/uploads/README.md)
    const dk03 = res.body.report.parcels.find((p) => p.parcelNo === 'DK-03')!
    expect(dk03.worst).toBe('block')
    expect(dk03.findings.find((f) => f.ruleCode === 'permanent_farmland_overlap')!.areaM2).toBeGreaterThan(
      5_000,
    )
  })

  it("another county's clerk cannot read or run the check of this filing (404)", async () => {
    const other = new ApiClient(system.url)
    await other.login('county.b')
    expect((await other.get(`/api/filings/${conflictId}/check`)).status).toBe(404)
    expect((await other.post(`/api/filings/${conflictId}/check`)).status).toBe(404)
    expect((await other.get(`/api/filings/${conflictId}/check/overlaps`)).status).toBe(404)
  })

  it('an unknown run is a 404 that names it, and the rules configuration is listed', async () => {
    const res = await clerk.get<{ error: { code: string } }>(`/api/filings/${conflictId}/check?run=999999`)
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('check.run_not_found')
    const rules = await clerk.get<{ rules: { code: string }[] }>('/api/check/rules')
    expect(rules.body.rules.map((r) => r.code)).toEqual([
      'permanent_farmland_overlap',
      'cultivated_land_occupation',
      'planning_zone',
      'eco_redline_overlap',
      'urban_boundary',
      'jurisdiction_containment',
      'filing_overlap',
      'declared_area_mismatch',
    ])
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient } from '../helpers/http'

interface Summary {
  id: number
  status: string
  jurisdiction: { code: string }
}

describe(`server/filings scope (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  const as: Record<string, ApiClient> = {}

  /** Ids of filings matching a SQL condition on filing f. */
  async function filingIds(where: string, params: unknown[] = []): Promise<number[]> {
    const { rows } = await db.query<{ id: number }>(
      `SELECT f.id FROM filing f WHERE ${where} ORDER BY f.id`,
      params,
    )
    return rows.map((r) => r.id)
  }

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db)
    for (const user of ['county.a', 'county.b', 'city.qingshan', 'window', 'supervisor']) {
      as[user] = new ApiClient(system.url)
      await as[user]!.login(user)
    }
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it('a county clerk lists exactly the filings of their own county, drafts included', async () => {
    const res = await as['county.a']!.get<{ filings: Summary[] }>('/api/filings')
    expect(res.status).toBe(200)
    const ids = res.body.filings.map((f) => f.id).sort((a, b) => a - b)
    expect(ids).toEqual(await filingIds(`f.jurisdiction_code = '520102'`))
    expect(ids.length).toBeGreaterThan(0)
    expect(res.body.filings.some((f) => f.status === 'draft')).toBe(true)
  })

  it("a county clerk cannot read another county's filing through the API: 404, existence not revealed", async () => {
    const [other] = await filingIds(`f.jurisdiction_code = '520103'`)
    expect(other).toBeDefined()
    const res = await as['county.a']!.get<{ error: { code: string } }>(`/api/filings/${other}`)
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('filing.not_found')
    const missing = await as['county.a']!.get<{ error: { code: string } }>('/api/filings/99999999')
    expect(missing.status).toBe(404)
    expect(missing.body.error.code).toBe(res.body.error.code)
  })

  it('a county clerk reads their own filing with its parcels as GeoJSON in EPSG:4490', async () => {
    const [own] = await filingIds(
      `f.jurisdiction_code = '520102' AND EXISTS (SELECT 1 FROM parcel p WHERE p.filing_id = f.id)`,
    )
    const res = await as['county.a']!.get<{
      filing: { id: number; parcelCount: number; totalAreaM2: number }
      parcels: {
        type: string
        features: {
          properties: { areaM2: number }
          geometry: { type: string; coordinates: number[][][][] }
        }[]
      }
    }>(`/api/filings/${own}`)
    expect(res.status).toBe(200)
    expect(res.body.filing.id).toBe(own)
    expect(res.body.parcels.type).toBe('FeatureCollection')
    expect(res.body.parcels.features).toHaveLength(res.body.filing.parcelCount)
    const [lon, lat] = res.body.parcels.features[0]!.geometry.coordinates[0]![0]![0]!
    expect(lon).toBeGreaterThan(105)
    expect(lon).toBeLessThan(109)
    expect(lat).toBeGreaterThan(25)
    expect(lat).toBeLessThan(28)
    const sum = res.body.parcels.features.reduce((s, f) => s + f.properties.areaM2, 0)
    expect(Math.abs(sum - res.body.filing.totalAreaM2)).toBeLessThan(0.1)
  })

  it("a city clerk sees its counties' filings except their drafts, and nothing of the other city", async () => {
    const res = await as['city.qingshan']!.get<{ filings: Summary[] }>('/api/filings')
    const ids = res.body.filings.map((f) => f.id).sort((a, b) => a - b)
    expect(ids).toEqual(
      await filingIds(`f.jurisdiction_code IN ('520102', '520103', '520104') AND f.status <> 'draft'`),
    )
    const [otherCity] = await filingIds(`f.jurisdiction_code LIKE '5202%'`)
    expect((await as['city.qingshan']!.get(`/api/filings/${otherCity}`)).status).toBe(404)
    const [draft] = await filingIds(`f.status = 'draft' AND f.jurisdiction_code = '520102'`)
    expect((await as['city.qingshan']!.get(`/api/filings/${draft}`)).status).toBe(404)
  })

  it('provincial staff see every filing of the province that has been submitted', async () => {
    for (const user of ['window', 'supervisor']) {
      const res = await as[user]!.get<{ filings: Summary[] }>('/api/filings')
      expect(res.body.filings.map((f) => f.id).sort((a, b) => a - b)).toEqual(
        await filingIds(`f.status <> 'draft'`),
      )
    }
  })

  it('the status filter narrows the list and an unknown status is a 400 naming the field', async () => {
    const approved = await as['window']!.get<{ filings: Summary[] }>('/api/filings?status=approved')
    expect(approved.body.filings.length).toBeGreaterThan(0)
    expect(approved.body.filings.every((f) => f.status === 'approved')).toBe(true)
    const bad = await as['window']!.get<{ error: { details: { field: string }[] } }>(
      '/api/filings?status=bogus',
    )
    expect(bad.status).toBe(400)
    expect(bad.body.error.details[0]!.field).toBe('status')
  })

  it('anonymous requests for filings and layers get 401', async () => {
    const anon = new ApiClient(system.url)
    expect((await anon.get('/api/filings')).status).toBe(401)
    expect((await anon.get('/api/layers')).status).toBe(401)
    expect((await anon.get('/api/layers/eco_redline/features?bbox=106,26,108,27.5')).status).toBe(401)
  })

  it('the public sees approved parcels, and only those, without logging in', async () => {
    const res = await new ApiClient(system.url).get<{ features: { properties: { receiptNo: string } }[] }>(
      '/api/public/parcels',
    )
    expect(res.status).toBe(200)
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM parcel p JOIN filing f ON f.id = p.filing_id WHERE f.status = 'approved'`,
    )
    expect(rows[0]!.n).toBeGreaterThan(0)
    expect(res.body.features).toHaveLength(rows[0]!.n)
    expect(res.body.features.every((f) => f.properties.receiptNo)).toBe(true)
  })
})

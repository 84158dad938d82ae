import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient } from '../helpers/http'

interface FC {
  type: string
  truncated?: boolean
  features: { properties: Record<string, unknown>; geometry: { type: string } }[]
}

describe(`server/maps (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  let api: ApiClient

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db)
    api = new ApiClient(system.url)
    await api.login('reviewer.farmland')
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it('health reports the database mode, the PostGIS version and the migration level', async () => {
    const res = await api.get<{
      status: string
      database: { mode: string; postgis: string; migration: string }
    }>('/api/health')
    expect(res.body.status).toBe('ok')
    expect(res.body.database.mode).toBe(backend())
    expect(res.body.database.postgis).toMatch(/^3\.\d+/)
    expect(res.body.database.migration).toMatch(/^\d{4}_/)
  })

  it('jurisdictions are public: province, 2 cities and 6 counties with boundaries', async () => {
    const res = await new ApiClient(system.url).get<FC>('/api/jurisdictions')
    expect(res.status).toBe(200)
    const levels = res.body.features.map((f) => f.properties.level)
    expect(levels.filter((l) => l === 'province')).toHaveLength(1)
    expect(levels.filter((l) => l === 'city')).toHaveLength(2)
    expect(levels.filter((l) => l === 'county')).toHaveLength(6)
    expect(res.body.features.every((f) => f.geometry.type === 'MultiPolygon')).toBe(true)
  })

  it('every sample reference layer has a current version with features and a legend', async () => {
    const res = await api.get<{
      layers: { kind: string; version: { featureCount: number } | null; classes: { code: string | null }[] }[]
    }>('/api/layers')
    expect(res.body.layers.map((l) => l.kind)).toEqual([
      'permanent_farmland',
      'cultivated_land',
      'planning_zone',
      'eco_redline',
      'urban_boundary',
    ])
    for (const layer of res.body.layers) {
      expect(layer.version?.featureCount, layer.kind).toBeGreaterThan(0)
      expect(layer.classes.length, layer.kind).toBeGreaterThan(0)
    }
    const zones = res.body.layers.find((l) => l.kind === 'planning_zone')!
    expect(zones.classes.map((c) => c.code)).toEqual(['010', '020', '030', '040'])
  })

  it('layer features come by bbox, and only those intersecting it', async () => {
    const { rows } = await db.query<{ n: number; x: number; y: number }>(
      `SELECT count(*) OVER () AS n, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y
         FROM reference_feature f JOIN reference_layer l ON l.current_version_id = f.version_id
        WHERE l.kind = 'cultivated_land' LIMIT 1`,
    )
    const { x, y } = rows[0]!
    const small = await api.get<FC>(
      `/api/layers/cultivated_land/features?bbox=${x - 0.01},${y - 0.01},${x + 0.01},${y + 0.01}`,
    )
    expect(small.status).toBe(200)
    expect(small.body.features.length).toBeGreaterThan(0)
    expect(small.body.features.length).toBeLessThan(rows[0]!.n)
    expect(small.body.truncated).toBe(false)
    const none = await api.get<FC>('/api/layers/cultivated_land/features?bbox=10,10,10.1,10.1')
    expect(none.body.features).toHaveLength(0)
  })

  it('a capped answer says it was truncated', async () => {
    const res = await api.get<FC>('/api/layers/cultivated_land/features?bbox=100,20,115,30&limit=10')
    expect(res.body.features).toHaveLength(10)
    expect(res.body.truncated).toBe(true)
  })

  it('an unknown layer kind and a malformed bbox are 4xx errors that say what is expected', async () => {
    const kind = await api.get<{ error: { code: string; message: string } }>(
      '/api/layers/farmland/features?bbox=1,2,3,4',
    )
    expect(kind.status).toBe(404)
    expect(kind.body.error.message).toContain('permanent_farmland')
    for (const bbox of ['1,2,3', '3,2,1,4', 'a,b,c,d', '']) {
      const res = await api.get<{ error: { code: string } }>(`/api/layers/eco_redline/features?bbox=${bbox}`)
      expect(res.status, bbox).toBe(400)
      expect(res.body.error.code).toBe('bbox.invalid')
    }
  })
})

import fs from 'node:fs'
import path from 'node:path'
import seedrandom from 'seedrandom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/database'
import type { RunningSystem } from '../../server/system'
import { testDatabase, backend } from '../helpers/db'
import { startTestServer } from '../helpers/server'
import { ApiClient, uploadForm } from '../helpers/http'
import { ARTIFACTS, ROOT } from '../setup/template'
import { int, mutations } from '../helpers/mutations'

/** How many mutated uploads go through the API (FUZZ_UPLOADS to change; thousands by default). */
const COUNT = Number(process.env.FUZZ_UPLOADS ?? 2000)
const LIMIT_MB = 0.25

const SEEDS = ['sample-parcels-gbk.zip', 'sample-parcels.geojson', 'sample-parcels.txt'].map((name) => ({
  name,
  bytes: new Uint8Array(fs.readFileSync(path.join(ROOT, 'sample-data/uploads', name))),
}))

describe(`server/uploads fuzz (${backend()})`, () => {
  let db: Database
  let system: RunningSystem
  let api: ApiClient
  let filingId: number

  beforeAll(async () => {
    db = await testDatabase()
    system = await startTestServer(db, { UPLOAD_MAX_MB: String(LIMIT_MB), UPLOAD_PARSE_SECONDS: '10' })
    api = new ApiClient(system.url)
    await api.login('county.a')
    const res = await api.post<{ filing: { id: number } }>('/api/filings', {
      title: '模糊测试',
      filingType: 'batch',
    })
    filingId = res.body.filing.id
  })
  afterAll(async () => {
    await system?.close()
    await db?.close()
  })

  it(`${COUNT} mutated uploads each end in a preview or a clear 4xx, never a 500, never partial parcels`, async () => {
    const rnd = seedrandom(`fuzz-${COUNT}`)
    const MUTATIONS = mutations(LIMIT_MB * 1024 * 1024)
    const names = Object.keys(MUTATIONS)
    const statuses = new Map<number, number>()
    const unclear: string[] = []
    let lastAccepted: number | null = null
    for (let i = 0; i < COUNT; i++) {
      const seed = SEEDS[int(rnd, SEEDS.length)]!
      const mutation = names[int(rnd, names.length)]!
      // most uploads get one mutation; some get two
      let bytes = MUTATIONS[mutation]!(seed.bytes, rnd)
      if (rnd() < 0.2) bytes = MUTATIONS[names[int(rnd, names.length - 1)]!]!(bytes, rnd)
      const res = await api.postForm<{
        upload?: { id: number; ok: boolean }
        error?: { code: string; message: string }
      }>(`/api/filings/${filingId}/uploads`, uploadForm({ [seed.name]: bytes }))
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      const clear4xx =
        res.status >= 400 &&
        res.status < 500 &&
        !!res.body.error?.code &&
        (res.body.error?.message.length ?? 0) > 5
      if (res.status !== 201 && !clear4xx) {
        unclear.push(`#${i} ${seed.name}/${mutation}: ${res.status} ${JSON.stringify(res.body)}`)
        // keep the reproducer: tests/.artifacts/fuzz/<index>-<file>
        fs.mkdirSync(path.join(ARTIFACTS, 'fuzz'), { recursive: true })
        fs.writeFileSync(path.join(ARTIFACTS, 'fuzz', `${i}-${seed.name}`), bytes)
      }
      // now and then a clean preview is accepted: the filing then holds exactly its parcels
      if (res.status === 201 && res.body.upload!.ok && rnd() < 0.05) {
        const accepted = await api.post(`/api/filings/${filingId}/uploads/${res.body.upload!.id}/accept`)
        expect(accepted.status).toBe(200)
        lastAccepted = res.body.upload!.id
      }
    }
    expect(unclear).toEqual([])
    expect(statuses.get(500)).toBeUndefined()
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0)
    expect(statuses.get(422) ?? 0).toBeGreaterThan(0)
    expect(statuses.get(413) ?? 0).toBeGreaterThan(0)

    // nothing half-done: no upload left unread, no parcels for an unreadable upload
    const stuck = await db.query(`SELECT id FROM upload WHERE filing_id = $1 AND status = 'received'`, [
      filingId,
    ])
    expect(stuck.rows).toEqual([])
    const orphans = await db.query(
      `SELECT count(*) AS n FROM upload_parcel p JOIN upload u ON u.id = p.upload_id WHERE u.status = 'unreadable'`,
    )
    expect(orphans.rows[0]).toEqual({ n: 0 })
    const parcels = await db.query<{ n: number; from_upload: number | null }>(
      'SELECT count(*) AS n, max(upload_id) AS from_upload FROM parcel WHERE filing_id = $1',
      [filingId],
    )
    if (lastAccepted === null) expect(parcels.rows[0]!.n).toBe(0)
    else {
      const expected = await db.query<{ n: number }>(
        'SELECT count(*) AS n FROM upload_parcel WHERE upload_id = $1',
        [lastAccepted],
      )
      expect(parcels.rows[0]).toEqual({ n: expected.rows[0]!.n, from_upload: lastAccepted })
    }
    expect((await api.get('/api/health')).status).toBe(200)
    console.log(`[fuzz ${backend()}] ${COUNT} uploads: ${JSON.stringify(Object.fromEntries(statuses))}`)
  }, 600_000)
})

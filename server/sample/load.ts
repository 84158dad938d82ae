/**
 * Loads the sample province written by `npm run sample-data` (sample-data/province/) into an empty
 * database, in one transaction: jurisdictions, demo accounts, reference layers, filings with parcels.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database, DatabaseMode, Queryable } from '../db/database'
import { hashPassword } from '../auth/passwords'
import { isRole } from '../auth/roles'
import { insertJurisdiction, countJurisdictions } from '../repositories/jurisdictions'
import { insertUser } from '../repositories/users'
import {
  activateLayerVersion,
  createLayerVersion,
  insertLayerFeatures,
  isLayerKind,
  setLayerFeatureCount,
} from '../repositories/layers'
import { isFilingStatus, type FilingStatus } from '../repositories/filings'
import { registerDefinitions } from '../workflow/definition'
import { driveSampleFiling } from './workflow'
import { recordAudit } from '../repositories/audit'
import { runCheck } from '../check/run'
import { toStorage } from '../../gis/crs'

export const SAMPLE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../sample-data/province',
)

interface Manifest {
  seed: number
  province: string
  layers: { kind: string; versionLabel: string; file: string; classField: string | null }[]
  files: { jurisdictions: string; users: string; filings: string }
}

interface FeatureCollection<P, G = unknown> {
  features: { properties: P; geometry: G }[]
}

type PolygonGeometry =
  { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }

interface SampleUser {
  username: string
  password: string
  displayName: string
  role: string
  division: string | null
  jurisdictionCode: string
}

type Ring = [number, number][]
interface SampleParcel {
  parcelNo: string
  name: string
  landUse: string
  declaredAreaM2: number | null
  rings?: Ring[]
  parts?: Ring[][]
}

interface SampleFiling {
  key: string
  jurisdictionCode: string
  title: string
  filingType: 'batch' | 'standalone'
  priority: 'standard' | 'key'
  status: FilingStatus
  createdBy: string
  receiptNo: string | null
  acceptedAt: string | null
  dueAt: string | null
  decidedAt: string | null
  notes?: string | null
  sourceCrs: number
  parcels: SampleParcel[]
}

function readJson<T>(dir: string, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T
}

export interface SampleSummary {
  jurisdictions: number
  users: number
  layerFeatures: number
  filings: number
  parcels: number
}

/** Loads the sample province if the database holds no jurisdiction yet; returns what it loaded, or null. */
export async function loadSampleIfEmpty(db: Database, dir = SAMPLE_DIR): Promise<SampleSummary | null> {
  if ((await countJurisdictions(db)) > 0) return null
  return db.transaction((tx) => loadSample(tx, db.mode, dir))
}

/** Loads the sample province (the caller provides the transaction on a database of `mode`). */
export async function loadSample(
  tx: Queryable,
  mode: DatabaseMode,
  dir = SAMPLE_DIR,
): Promise<SampleSummary> {
  const manifest = readJson<Manifest>(dir, 'manifest.json')
  const summary: SampleSummary = { jurisdictions: 0, users: 0, layerFeatures: 0, filings: 0, parcels: 0 }

  const jurisdictions = readJson<
    FeatureCollection<{
      code: string
      name: string
      nameEn: string
      level: string
      parentCode: string | null
    }>
  >(dir, manifest.files.jurisdictions)
  const byLevel = { province: 0, city: 1, county: 2 } as Record<string, number>
  const ordered = [...jurisdictions.features].sort(
    (a, b) => (byLevel[a.properties.level] ?? 9) - (byLevel[b.properties.level] ?? 9),
  )
  for (const f of ordered) {
    const p = f.properties
    if (!['province', 'city', 'county'].includes(p.level))
      throw new Error(`jurisdiction ${p.code}: bad level ${p.level}`)
    await insertJurisdiction(tx, {
      code: p.code,
      name: p.name,
      nameEn: p.nameEn,
      level: p.level as 'province' | 'city' | 'county',
      parentCode: p.parentCode,
      boundary: f.geometry,
    })
    summary.jurisdictions++
  }

  const userIds = new Map<string, number>()
  for (const u of readJson<SampleUser[]>(dir, manifest.files.users)) {
    if (!isRole(u.role)) throw new Error(`sample user ${u.username}: unknown role ${u.role}`)
    const id = await insertUser(tx, {
      username: u.username,
      displayName: u.displayName,
      passwordHash: await hashPassword(u.password),
      role: u.role,
      divisionCode: u.division,
      jurisdictionCode: u.jurisdictionCode,
      isDemo: true,
    })
    userIds.set(u.username, id)
    summary.users++
  }

  for (const layer of manifest.layers) {
    if (!isLayerKind(layer.kind)) throw new Error(`sample layer ${layer.file}: unknown kind ${layer.kind}`)
    const fc = readJson<FeatureCollection<Record<string, unknown>, PolygonGeometry>>(dir, layer.file)
    const versionId = await createLayerVersion(tx, {
      kind: layer.kind,
      label: layer.versionLabel,
      sourceName: layer.file,
      classField: layer.classField,
      importedBy: null,
    })
    const count = await insertLayerFeatures(
      tx,
      mode,
      versionId,
      fc.features.map((f, index) => {
        const { [layer.classField ?? 'classCode']: classCode, ...attributes } = f.properties
        return {
          sourceIndex: index,
          classCode: classCode === null || classCode === undefined ? null : String(classCode),
          attributes,
          polygons: f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates,
        }
      }),
    )
    await setLayerFeatureCount(tx, versionId, count)
    await activateLayerVersion(tx, versionId)
    summary.layerFeatures += fc.features.length
  }

  const timelines: { filingId: number; sample: SampleFiling }[] = []
  for (const filing of readJson<SampleFiling[]>(dir, manifest.files.filings)) {
    if (!isFilingStatus(filing.status))
      throw new Error(`sample filing ${filing.key}: bad status ${filing.status}`)
    const createdBy = userIds.get(filing.createdBy)
    if (!createdBy) throw new Error(`sample filing ${filing.key}: unknown user ${filing.createdBy}`)
    // every filing starts as a draft; the workflow core brings it to its sample state below
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO filing (jurisdiction_code, title, filing_type, priority, notes, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()) - interval '5 days',
               coalesce($7::timestamptz, now()) - interval '5 days')
       RETURNING id`,
      [
        filing.jurisdictionCode,
        filing.title,
        filing.filingType,
        filing.priority,
        filing.notes ?? null,
        createdBy,
        filing.acceptedAt,
      ],
    )
    const filingId = rows[0]!.id
    timelines.push({ filingId, sample: filing })
    const project = toStorage(filing.sourceCrs)
    for (const parcel of filing.parcels) {
      const parts = parcel.parts ?? (parcel.rings ? [parcel.rings] : [])
      const source = { type: 'MultiPolygon', coordinates: parts }
      const storage = {
        type: 'MultiPolygon',
        coordinates: parts.map((rings) => rings.map((ring) => ring.map((pt) => project.forward(pt)))),
      }
      await tx.query(
        `INSERT INTO parcel (filing_id, parcel_no, name, land_use, declared_area_m2, geom, source_geom)
         VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6), 4490), ST_SetSRID(ST_GeomFromGeoJSON($8), $7))`,
        [
          filingId,
          parcel.parcelNo,
          parcel.name,
          parcel.landUse,
          parcel.declaredAreaM2,
          JSON.stringify(storage),
          filing.sourceCrs,
          JSON.stringify(source),
        ],
      )
      summary.parcels++
    }
    summary.filings++
  }

  // every sample filing with parcels gets its check report, as if it had just been uploaded
  const { rows: withParcels } = await tx.query<{ id: number }>(
    'SELECT DISTINCT filing_id AS id FROM parcel ORDER BY filing_id',
  )
  for (const { id } of withParcels) await runCheck(tx, id, 'sample', null)

  const registry = await registerDefinitions(tx)
  for (const { filingId, sample } of timelines)
    await driveSampleFiling(tx, registry, filingId, sample, userIds)

  await recordAudit(tx, {
    actorId: null,
    actorRole: null,
    action: 'sample.loaded',
    after: { seed: manifest.seed, ...summary },
  })
  return summary
}

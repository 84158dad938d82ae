/**
 * The deterministic sample province: jurisdictions, reference layers, demo users, filings and upload
 * samples, written under `<outDir>/province` and `<outDir>/uploads`.
 *
 * Determinism is the contract: the same seed writes byte-identical files. Every random choice comes
 * from a labelled seeded stream (`random.ts`), nothing reads the clock, objects are built with a fixed
 * key order and numbers are rounded before they are printed.
 */
import { join } from 'node:path'
import type { Feature, MultiPolygon } from 'geojson'
import { isSimpleRing } from './geometry'
import { buildProvince, type Jurisdiction } from './jurisdictions'
import { buildLayers, type LayerKind } from './layers'
import { featureCollectionText, jsonText, writeOut } from './output'
import { Placer } from './parcels'
import { buildFilings } from './filings'
import { DEMO_USERS } from './users'
import { buildUploads, UPLOAD_COUNTY, uploadsReadme } from './uploads'

export const DEFAULT_SEED = 20261123

export interface GenerateOptions {
  seed: number
  /** The folder that receives `province/` and `uploads/` (the repository's `sample-data`). */
  outDir: string
}

export interface GenerateSummary {
  files: { path: string; bytes: number }[]
  counts: Record<string, number>
  conflict: { filingKey: string; parcelNo: string; tbbh: string; overlapM2: number }
  uploads: {
    farmland: { parcelNo: string; tbbh: string; overlapM2: number }
    mismatch: { parcelNo: string; declaredAreaM2: number; areaM2: number }
  }
}

const LAYERS: { kind: LayerKind; title: string; versionLabel: string }[] = [
  { kind: 'permanent_farmland', title: '永久基本农田', versionLabel: '2025 年度更新' },
  { kind: 'cultivated_land', title: '耕地', versionLabel: '2024 年度国土变更调查' },
  { kind: 'planning_zone', title: '土地利用总体规划 建设用地管制区', versionLabel: '2020 年规划调整完善' },
  { kind: 'eco_redline', title: '生态保护红线', versionLabel: '2023 年三区三线划定成果' },
  { kind: 'urban_boundary', title: '城镇开发边界', versionLabel: '2023 年三区三线划定成果' },
]

function jurisdictionFeature(j: Jurisdiction): Feature<MultiPolygon> {
  return {
    type: 'Feature',
    properties: { code: j.code, name: j.name, nameEn: j.nameEn, level: j.level, parentCode: j.parentCode },
    geometry: { type: 'MultiPolygon', coordinates: [[j.ring]] },
  }
}

/** Generates the sample province for a seed and writes it under `outDir`. */
export function generateSampleProvince({ seed, outDir }: GenerateOptions): GenerateSummary {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`)
  const province = buildProvince(seed)
  const layers = buildLayers(seed, province)
  const placer = new Placer(layers.counties)
  const filings = buildFilings(seed, layers.counties, placer)
  const conflict = filings.find((f) => f.conflict)
  if (!conflict?.conflict) throw new Error('the deliberate farmland conflict was not built')
  const uploadCounty = layers.counties.find((c) => c.county.code === UPLOAD_COUNTY)!
  const uploads = buildUploads(seed, uploadCounty, placer, conflict.conflict.tbbh)

  for (const f of filings) {
    for (const p of f.filing.parcels) {
      if (!p.rings.every(isSimpleRing))
        throw new Error(`filing ${f.filing.key}, parcel ${p.parcelNo}: ring not simple`)
    }
  }

  const files: GenerateSummary['files'] = []
  const write = (path: string, content: string | Uint8Array): void => {
    files.push({ path, bytes: writeOut(join(outDir, path), content) })
  }

  const manifest = {
    seed,
    generator: 'sample-data/generate.ts',
    province: province.province.code,
    layers: LAYERS.map((l) => ({
      kind: l.kind,
      title: l.title,
      versionLabel: l.versionLabel,
      file: `layers/${l.kind}.geojson`,
      classField: 'classCode',
      featureCount: layers.features[l.kind].length,
    })),
    files: { jurisdictions: 'jurisdictions.geojson', users: 'users.json', filings: 'filings.json' },
  }
  write('province/manifest.json', jsonText(manifest))
  write(
    'province/jurisdictions.geojson',
    featureCollectionText(
      [province.province, ...province.cities, ...province.counties].map(jurisdictionFeature),
    ),
  )
  for (const l of LAYERS)
    write(`province/layers/${l.kind}.geojson`, featureCollectionText(layers.features[l.kind]))
  write('province/users.json', jsonText(DEMO_USERS))
  write('province/filings.json', jsonText(filings.map((f) => f.filing)))

  for (const [name, content] of Object.entries(uploads.files)) write(`uploads/${name}`, content)
  write('uploads/README.md', uploadsReadme(uploads, seed))

  const counts: Record<string, number> = {
    jurisdictions: 1 + province.cities.length + province.counties.length,
  }
  for (const l of LAYERS) counts[l.kind] = layers.features[l.kind].length
  counts.users = DEMO_USERS.length
  counts.filings = filings.length
  counts.parcels = filings.reduce((n, f) => n + f.filing.parcels.length, 0)
  counts.uploadParcels = uploads.parcels.length

  return {
    files,
    counts,
    conflict: {
      filingKey: conflict.filing.key,
      parcelNo: conflict.conflict.parcelNo,
      tbbh: conflict.conflict.tbbh,
      overlapM2: conflict.conflict.overlapM2,
    },
    uploads: {
      farmland: {
        parcelNo: uploads.farmland.parcelNo,
        tbbh: uploads.farmland.tbbh,
        overlapM2: uploads.farmland.overlapM2,
      },
      mismatch: uploads.mismatch,
    },
  }
}

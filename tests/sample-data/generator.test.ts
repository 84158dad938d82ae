import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { area, booleanPointInPolygon, featureCollection, intersect, kinks, polygon } from '@turf/turf'
import { unzipSync } from 'fflate'
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson'
import iconv from 'iconv-lite'
import { read } from 'shapefile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { transformer } from '../../gis/crs'
import { DEFAULT_SEED, generateSampleProvince, type GenerateSummary } from '../../sample-data/generator/index'

type Area = Feature<Polygon | MultiPolygon, Record<string, unknown>>

interface FilingJson {
  key: string
  jurisdictionCode: string
  status: string
  sourceCrs: number
  notes: string | null
  parcels: { parcelNo: string; declaredAreaM2: number; rings: Position[][] }[]
}

const LAYER_KINDS = [
  'permanent_farmland',
  'cultivated_land',
  'planning_zone',
  'eco_redline',
  'urban_boundary',
]

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort()
}

function polygonsOf(f: Area): Position[][][] {
  return f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
}

/** Distance in degrees from a point to a ring's boundary (planar, fine for a tolerance of millimetres). */
function distanceToRing(p: Position, ring: Position[]): number {
  let best = Infinity
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = ring[i] as [number, number]
    const [bx, by] = ring[i + 1] as [number, number]
    const dx = bx - ax
    const dy = by - ay
    const t = Math.max(0, Math.min(1, ((p[0]! - ax) * dx + (p[1]! - ay) * dy) / (dx * dx + dy * dy || 1)))
    best = Math.min(best, Math.hypot(p[0]! - (ax + t * dx), p[1]! - (ay + t * dy)))
  }
  return best
}

function bbox(f: Area): [number, number, number, number] {
  const pts = polygonsOf(f).flat().flat()
  return [
    Math.min(...pts.map((p) => p[0]!)),
    Math.min(...pts.map((p) => p[1]!)),
    Math.max(...pts.map((p) => p[0]!)),
    Math.max(...pts.map((p) => p[1]!)),
  ]
}

/** Whether two areas share more than a boundary (box test first, polygon clipping only when needed). */
function hits(s: Area, t: Area): boolean {
  const [a0, a1, a2, a3] = bbox(s)
  const [b0, b1, b2, b3] = bbox(t)
  if (!(a0 < b2 && b0 < a2 && a1 < b3 && b1 < a3)) return false
  const overlap = intersect(featureCollection([s, t]))
  return overlap !== null && area(overlap) > 0.01
}

describe('sample-data/generator', () => {
  let root: string
  let a: string
  let summary: GenerateSummary

  const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(a, path), 'utf8')) as T
  const layer = (kind: string): Area[] =>
    readJson<FeatureCollection<Polygon | MultiPolygon, Record<string, unknown>>>(
      `province/layers/${kind}.geojson`,
    ).features as Area[]
  const jurisdictions = (): Area[] =>
    readJson<FeatureCollection<MultiPolygon, Record<string, unknown>>>('province/jurisdictions.geojson')
      .features as Area[]

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sample-data-'))
    a = join(root, 'a')
    summary = generateSampleProvince({ seed: DEFAULT_SEED, outDir: a })
  }, 60_000)

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true })
  })

  it('the same seed writes the same bytes', () => {
    const b = join(root, 'b')
    generateSampleProvince({ seed: DEFAULT_SEED, outDir: b })
    const files = listFiles(a)
    expect(listFiles(b)).toEqual(files)
    expect(files).toContain('province/manifest.json')
    expect(files).toContain('uploads/sample-parcels-gbk.zip')
    for (const f of files) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true)
  }, 60_000)

  it('another seed writes other geometry', () => {
    const c = join(root, 'c')
    generateSampleProvince({ seed: DEFAULT_SEED + 1, outDir: c })
    for (const f of [
      'province/jurisdictions.geojson',
      'province/layers/cultivated_land.geojson',
      'province/filings.json',
    ]) {
      expect(readFileSync(join(c, f)).equals(readFileSync(join(a, f))), f).toBe(false)
    }
    expect(readFileSync(join(c, 'province/users.json'))).toEqual(readFileSync(join(a, 'province/users.json')))
  }, 60_000)

  it('the manifest lists every layer with its file and count, and no time stamps', () => {
    const manifest = readJson<{
      seed: number
      layers: { kind: string; file: string; classField: string; featureCount: number }[]
    }>('province/manifest.json')
    expect(manifest.seed).toBe(DEFAULT_SEED)
    expect(manifest.layers.map((l) => l.kind)).toEqual(LAYER_KINDS)
    for (const l of manifest.layers) expect(layer(l.kind)).toHaveLength(l.featureCount)
    expect(JSON.stringify(manifest)).not.toMatch(/\d{4}-\d\d-\d\dT/)
  })

  it('counties tile their city, and cities the province, without gaps or overlaps', () => {
    const all = jurisdictions()
    expect(all.map((f) => f.properties.code)).toEqual([
      '520000',
      '520100',
      '520200',
      '520102',
      '520103',
      '520104',
      '520202',
      '520203',
      '520204',
    ])
    for (const f of all) expect(kinks(f).features, String(f.properties.code)).toHaveLength(0)
    const byParent = (code: string): Area[] => all.filter((f) => f.properties.parentCode === code)
    for (const parent of all.filter((f) => f.properties.level !== 'county')) {
      const children = byParent(String(parent.properties.code))
      expect(children.length).toBeGreaterThan(1)
      const sum = children.reduce((s, c) => s + area(c), 0)
      expect(Math.abs(sum / area(parent) - 1)).toBeLessThan(1e-4)
      for (let i = 0; i < children.length; i++) {
        for (let j = i + 1; j < children.length; j++) {
          const overlap = intersect(featureCollection([children[i]!, children[j]!]))
          expect(overlap ? area(overlap) : 0).toBeLessThan(1)
        }
      }
    }
  })

  it('every layer feature is a valid polygon with a classCode, inside the county it names', () => {
    const counties = new Map(
      jurisdictions()
        .filter((f) => f.properties.level === 'county')
        .map((f) => [String(f.properties.code), f]),
    )
    for (const kind of LAYER_KINDS) {
      const features = layer(kind)
      expect(features.length, kind).toBeGreaterThan(0)
      for (const f of features) {
        expect(f.properties, kind).toHaveProperty('classCode')
        expect(kinks(f).features, `${kind} ${JSON.stringify(f.properties)}`).toHaveLength(0)
        const county = counties.get(String(f.properties.XZQDM))!
        expect(county, `${kind} ${JSON.stringify(f.properties)}`).toBeDefined()
        const border = polygonsOf(county)[0]![0]!
        for (const ring of polygonsOf(f).flat()) {
          for (const p of ring) {
            // Zones cut along the border may sit up to ~1 cm off it after rounding to 7 decimals.
            const ok = booleanPointInPolygon(p, county) || distanceToRing(p, border) < 2e-7
            if (!ok)
              expect.fail(`${kind} ${JSON.stringify(f.properties)}: ${p.join(',')} is outside its county`)
          }
        }
      }
    }
    const cultivated = layer('cultivated_land')
    expect(new Set(cultivated.map((f) => f.properties.classCode))).toEqual(new Set(['0101', '0102', '0103']))
    expect(new Set(layer('planning_zone').map((f) => f.properties.classCode))).toEqual(
      new Set(['010', '020', '030', '040']),
    )
  })

  it('planning zones cover each county exactly once', () => {
    const zones = layer('planning_zone')
    for (const county of jurisdictions().filter((f) => f.properties.level === 'county')) {
      const own = zones.filter((z) => z.properties.XZQDM === county.properties.code)
      const sum = own.reduce((s, z) => s + area(z), 0)
      expect(Math.abs(sum / area(county) - 1), String(county.properties.code)).toBeLessThan(1e-4)
    }
  })

  it('the layers have the sizes the sample promises', () => {
    expect(summary.counts.cultivated_land).toBeGreaterThanOrEqual(2000)
    expect(summary.counts.cultivated_land).toBeLessThanOrEqual(3000)
    expect(summary.counts.permanent_farmland! / summary.counts.cultivated_land!).toBeGreaterThan(0.5)
    expect(summary.counts.permanent_farmland! / summary.counts.cultivated_land!).toBeLessThan(0.7)
    expect(summary.counts.urban_boundary).toBe(6)
    expect(summary.counts.eco_redline).toBe(12)
  })

  it('the deliberate farmland conflict exists with the overlap its notes announce', () => {
    const filings = readJson<FilingJson[]>('province/filings.json')
    const filing = filings.find((f) => f.key === summary.conflict.filingKey)!
    expect(filing.status).toBe('draft')
    expect(filing.jurisdictionCode).toBe('520102')
    const noted = Number(/预期重叠面积 ([\d.]+) m²/.exec(filing.notes ?? '')?.[1])
    const tbbh = /TBBH (\d+)/.exec(filing.notes ?? '')?.[1]
    expect(noted).toBeGreaterThan(0)
    const parcel = filing.parcels.find((p) => p.parcelNo === summary.conflict.parcelNo)!
    const toLonLat = transformer(filing.sourceCrs, 4490)
    const shape = polygon(parcel.rings.map((r) => r.map((p) => toLonLat.forward(p as [number, number]))))
    const patch = layer('permanent_farmland').find(
      (f) => f.properties.XZQDM === '520102' && f.properties.TBBH === tbbh,
    )!
    const overlap = intersect(featureCollection([shape, patch]))
    expect(overlap).not.toBeNull()
    // turf measures on a sphere, the notes in the Gauss-Krüger plane: they agree within half a percent.
    expect(Math.abs(area(overlap!) / noted - 1)).toBeLessThan(0.005)
    expect(noted / parcel.declaredAreaM2).toBeGreaterThan(0.2)
  })

  it('no other filing parcel touches farmland, and parcels of different filings never overlap', () => {
    const filings = readJson<FilingJson[]>('province/filings.json')
    const farmland = layer('permanent_farmland')
    const shapes = filings.flatMap((f) => {
      const t = transformer(f.sourceCrs, 4490)
      return f.parcels.map((p) => ({
        key: `${f.key} ${p.parcelNo}`,
        filing: f.key,
        shape: polygon(p.rings.map((r) => r.map((q) => t.forward(q as [number, number])))) as Area,
      }))
    })
    const conflict = `${summary.conflict.filingKey} ${summary.conflict.parcelNo}`
    for (const s of shapes) {
      if (s.key === conflict) continue
      for (const f of farmland) expect(hits(s.shape, f), s.key).toBe(false)
    }
    for (let i = 0; i < shapes.length; i++) {
      for (let j = i + 1; j < shapes.length; j++) {
        if (shapes[i]!.filing !== shapes[j]!.filing)
          expect(hits(shapes[i]!.shape, shapes[j]!.shape)).toBe(false)
      }
    }
  })

  it('filings cover the workflow statuses with consistent dates and receipt numbers', () => {
    const filings = readJson<(FilingJson & Record<string, unknown>)[]>('province/filings.json')
    const count = (status: string): number => filings.filter((f) => f.status === status).length
    expect(count('draft')).toBe(2)
    expect(count('approved')).toBe(4)
    expect(
      new Set(filings.filter((f) => f.status === 'approved').map((f) => f.jurisdictionCode)).size,
    ).toBeGreaterThanOrEqual(3)
    for (const f of filings) {
      expect(f.parcels.length).toBeGreaterThanOrEqual(1)
      expect(f.parcels.length).toBeLessThanOrEqual(6)
      expect([4523, 4524]).toContain(f.sourceCrs)
      if (f.receiptNo !== null) {
        expect(f.receiptNo).toMatch(/^SY-2026-\d{6}$/)
        expect(f.acceptedAt).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:00\+08:00$/)
        expect(f.dueAt).toMatch(/^2026-\d\d-\d\d$/)
      }
    }
    expect(filings.some((f) => f.parcels.some((p) => p.rings.length > 1))).toBe(true)
  })

  it('the three upload files hold the same parcels, with the farmland overlap and the 3% area mismatch', async () => {
    const dir = join(a, 'uploads')
    const zip = unzipSync(readFileSync(join(dir, 'sample-parcels-gbk.zip')))
    expect(Object.keys(zip).sort()).toEqual([
      '成果/地块.dbf',
      '成果/地块.prj',
      '成果/地块.shp',
      '成果/地块.shx',
    ])
    expect(zip['成果/地块.dbf']![29]).toBe(0x7a)
    expect(new TextDecoder().decode(zip['成果/地块.prj'])).toContain('PARAMETER["False_Easting",36500000.0]')
    const shp = await read(zip['成果/地块.shp']!, zip['成果/地块.dbf']!, { encoding: 'gbk' })
    const geojson = JSON.parse(
      readFileSync(join(dir, 'sample-parcels.geojson'), 'utf8'),
    ) as FeatureCollection<Polygon>
    const txt = iconv.decode(readFileSync(join(dir, 'sample-parcels.txt')), 'gbk')
    expect(txt).toContain('\r\n带号=36\r\n')

    const numbers = geojson.features.map((f) => f.properties!.parcelNo)
    expect(numbers).toEqual(['DK-01', 'DK-02', 'DK-03', 'DK-04'])
    expect(shp.features.map((f) => f.properties!.DKBH)).toEqual(numbers)
    expect(shp.features.map((f) => f.properties!.MJ)).toEqual(
      geojson.features.map((f) => f.properties!.declaredAreaM2),
    )
    for (const n of numbers) expect(txt).toMatch(new RegExp(`^\\d+,[\\d.]+,${n},`, 'm'))

    // The shapefile and the GeoJSON describe the same places.
    const t = transformer(4524, 4490)
    shp.features.forEach((f, i) => {
      const first = (f.geometry as Polygon).coordinates[0]![0] as [number, number]
      const [lon, lat] = t.forward(first)
      const ring = geojson.features[i]!.geometry.coordinates[0]!
      expect(Math.min(...ring.map((p) => Math.hypot(p[0]! - lon, p[1]! - lat)))).toBeLessThan(1e-8)
    })

    const { mismatch, farmland } = summary.uploads
    const dk02 = geojson.features[1]!
    expect(dk02.properties!.declaredAreaM2 / area(dk02)).toBeCloseTo(1.03, 2)
    expect(mismatch.declaredAreaM2 / mismatch.areaM2).toBeCloseTo(1.03, 4)
    const patch = layer('permanent_farmland').find(
      (f) => f.properties.XZQDM === '520102' && f.properties.TBBH === farmland.tbbh,
    )!
    const overlap = intersect(featureCollection([geojson.features[2]!, patch]))
    expect(Math.abs(area(overlap!) / farmland.overlapM2 - 1)).toBeLessThan(0.005)
    const farmlandAll = layer('permanent_farmland')
    for (const i of [0, 1, 3]) {
      for (const f of farmlandAll)
        expect(hits(geojson.features[i] as Area, f), `${numbers[i]} hits farmland`).toBe(false)
    }
  }, 30_000)
})

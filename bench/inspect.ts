/**
 * `npx tsx bench/inspect.ts [--features 100000] [--runs 3]`: parcels per second through the pure
 * inspection pipeline (`inspectRead`: CRS detection, reprojection, validation, overlap search,
 * county check, areas) on a generated read result — no file parsing, no database. Two layouts of
 * small quadrilaterals in CGCS2000 3° zone 36 (EPSG:4524) inside county 520102:
 * - `gaps`: parcels 3–10 m apart (like `bench/ingest.ts`);
 * - `contiguous`: a cadastral grid where neighbours share edges and corners (the hardest case for
 *   the overlap check, which must tell touching from overlapping).
 * Prints one JSON line per layout and run: { name, features, seconds, featuresPerSecond, cpuSeconds }.
 */
import { transformer } from '../gis/crs'
import { esriWkt } from '../gis/crs/wkt'
import { DEFAULT_READ_LIMITS, type RawFeature, type ReadResult } from '../gis/formats/types'
import { inspectRead } from '../gis/ingest'

const args = process.argv.slice(2)
const arg = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback
const FEATURES = arg('--features', 100_000)
const RUNS = arg('--runs', 3)

function generate(n: number, contiguous: boolean): ReadResult {
  const [x0, y0] = transformer(4490, 4524).forward([107.25, 26.55]) as [number, number]
  const side = Math.ceil(Math.sqrt(n))
  const features: RawFeature[] = []
  for (let i = 0; i < n; i++) {
    const col = i % side
    const row = Math.floor(i / side)
    const x = x0 + col * 40
    const y = y0 + row * 40
    const ring: [number, number][] = contiguous
      ? [
          [x, y],
          [x, y + 40],
          [x + 40, y + 40],
          [x + 40, y],
          [x, y],
        ]
      : [
          [x, y],
          [x, y + 30 + (i % 7)],
          [x + 30 + (i % 5), y + 31],
          [x + 32, y + 1],
          [x, y],
        ]
    features.push({
      index: i,
      parcelNo: `DK-${String(i + 1).padStart(6, '0')}`,
      name: `地块${i + 1}`,
      landUse: '建设用地',
      landClassCode: '05',
      declaredAreaM2: null,
      attributes: {},
      geometry: [[ring]],
      vertexCount: 5,
    })
  }
  return {
    format: 'shapefile',
    layer: 'parcels',
    layers: ['parcels'],
    encoding: 'gbk',
    encodingSource: 'ldid',
    crsHints: { prjWkt: esriWkt(4524) },
    features,
    findings: [],
  }
}

const county = { code: '520102', bbox: [106.5, 26, 108, 27.5] as [number, number, number, number] }

for (const layout of ['gaps', 'contiguous'] as const) {
  const read = generate(FEATURES, layout === 'contiguous')
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now()
    const cpu = process.cpuUsage()
    const result = inspectRead(read, {
      limits: { ...DEFAULT_READ_LIMITS, deadline: Date.now() + 600_000 },
      county,
    })
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    const cpuSeconds = (used.user + used.system) / 1e6
    console.log(
      JSON.stringify({
        name: `inspect-${layout}`,
        features: FEATURES,
        seconds: +seconds.toFixed(3),
        featuresPerSecond: Math.round(FEATURES / seconds),
        // CPU time of this process (GC threads included): steadier than wall time on a busy machine
        cpuSeconds: +cpuSeconds.toFixed(3),
        ok: result.ok,
        findings: result.findings.length,
      }),
    )
  }
}

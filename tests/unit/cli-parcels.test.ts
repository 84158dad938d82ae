import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')
const LANDUSE = path.join(ROOT, 'bin/landuse')
const run = promisify(execFile)
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'landuse-convert-'))

async function landuse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(LANDUSE, args, { cwd: ROOT, env: { ...process.env, LANG: 'C' } })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

interface Inspect {
  ok: boolean
  format: string
  crs: string
  crsSource: string
  encoding: string | null
  featureCount: number
  parcels: { index: number; parcelNo: string; areaM2: number; vertexCount: number }[]
  findings: { code: string; severity: string }[]
}

describe('bin/landuse parcels', () => {
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

  it('inspect --json describes the sample shapefile as an upload would, and exits 0', async () => {
    const res = await landuse(['parcels', 'inspect', 'sample-data/uploads/sample-parcels-gbk.zip', '--json'])
    expect(res.code).toBe(0)
    const r = JSON.parse(res.stdout) as Inspect
    expect(r).toMatchObject({
      ok: true,
      format: 'shapefile',
      crs: 'EPSG:4524',
      crsSource: 'prj',
      featureCount: 4,
    })
    expect(r.parcels.map((p) => p.parcelNo)).toEqual(['DK-01', 'DK-02', 'DK-03', 'DK-04'])
    expect(r.parcels[0]).toEqual({ index: 0, parcelNo: 'DK-01', areaM2: expect.any(Number), vertexCount: 5 })
  })

  it('a loose shapefile is given as its .shp and its sibling files are found beside it', async () => {
    const dir = path.join(ROOT, 'tests/fixtures/uploads/accept/shapefile/loose-parts')
    const shp = fs.readdirSync(dir).find((f) => /\.shp$/i.test(f))!
    const res = await landuse(['parcels', 'inspect', path.join(dir, shp), '--json'])
    const r = JSON.parse(res.stdout) as Inspect
    expect(r.format).toBe('shapefile')
    expect(r.featureCount).toBeGreaterThan(0)
    expect(r.encoding).not.toBeNull()
  })

  it('a file that cannot be read is rejected with exit code 2, its findings, and no stack trace', async () => {
    for (const file of [
      'reject/zip/not-a-zip.zip',
      'reject/shapefile/polyline-layer.zip',
      'reject/geojson/echarts-encoded.json',
    ]) {
      const res = await landuse(['parcels', 'inspect', `tests/fixtures/uploads/${file}`, '--json'])
      expect(res.code, file).toBe(2)
      const r = JSON.parse(res.stdout) as Inspect
      expect(r.ok).toBe(false)
      expect(
        r.findings.some((f) => f.severity === 'error'),
        file,
      ).toBe(true)
      expect(res.stderr).not.toMatch(/\n\s+at /)
    }
  })

  it('a missing file or an unknown --crs is a usage error (exit 2), not a crash', async () => {
    const missing = await landuse(['parcels', 'inspect', 'no/such/file.zip'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('no such file')
    const crs = await landuse([
      'parcels',
      'inspect',
      'sample-data/uploads/sample-parcels.txt',
      '--crs',
      'EPSG:1',
    ])
    expect(crs.code).toBe(2)
    expect(crs.stderr).toContain('--crs')
  })

  it('convert round-trips: shapefile → coordinate text and → GeoJSON read back with the same parcels and areas', async () => {
    const source = JSON.parse(
      (await landuse(['parcels', 'inspect', 'sample-data/uploads/sample-parcels-gbk.zip', '--json'])).stdout,
    ) as Inspect
    for (const [to, file] of [
      ['cn-coord-txt', 'parcels.txt'],
      ['geojson', 'parcels.geojson'],
      ['shapefile', 'parcels.zip'],
    ] as const) {
      const target = path.join(out, file)
      const converted = await landuse([
        'parcels',
        'convert',
        'sample-data/uploads/sample-parcels-gbk.zip',
        '--to',
        to,
        '-o',
        target,
      ])
      expect(converted.code, converted.stderr).toBe(0)
      const back = JSON.parse((await landuse(['parcels', 'inspect', target, '--json'])).stdout) as Inspect
      expect(back.ok, to).toBe(true)
      expect(
        back.parcels.map((p) => p.parcelNo),
        to,
      ).toEqual(source.parcels.map((p) => p.parcelNo))
      back.parcels.forEach((p, i) =>
        expect(Math.abs(p.areaM2 - source.parcels[i]!.areaM2), to).toBeLessThan(0.02),
      )
    }
  })
})

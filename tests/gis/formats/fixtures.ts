/**
 * Reading the upload fixtures (tests/fixtures/uploads) in tests: files as `InputFile`s, read options
 * with generous limits, and helpers to look at results and refusals.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { UnreadableUpload, type Finding } from '../../../gis/findings'
import { readUpload } from '../../../gis/formats/detect'
import {
  DEFAULT_READ_LIMITS,
  type InputFile,
  type PolygonCoords,
  type ReadLimits,
  type ReadOptions,
  type ReadResult,
  type Ring,
} from '../../../gis/formats/types'

const HERE = path.dirname(fileURLToPath(import.meta.url))
export const FIXTURES = path.resolve(HERE, '../../fixtures/uploads')
export const SAMPLE_UPLOADS = path.resolve(HERE, '../../../sample-data/uploads')

export function options(
  extra: Partial<Omit<ReadOptions, 'limits'>> = {},
  limits: Partial<ReadLimits> = {},
): ReadOptions {
  return { ...extra, limits: { ...DEFAULT_READ_LIMITS, deadline: Date.now() + 60_000, ...limits } }
}

/** A fixture file, or every file of a fixture folder (loose shapefile parts). */
export function fixture(relative: string, root = FIXTURES): InputFile[] {
  const full = path.join(root, relative)
  if (fs.statSync(full).isDirectory()) {
    return fs
      .readdirSync(full)
      .sort()
      .map((name) => ({ name, bytes: new Uint8Array(fs.readFileSync(path.join(full, name))) }))
  }
  return [{ name: path.basename(full), bytes: new Uint8Array(fs.readFileSync(full)) }]
}

/** Reads a fixture through `readUpload`. */
export function read(
  relative: string,
  extra: Partial<Omit<ReadOptions, 'limits'>> = {},
  limits: Partial<ReadLimits> = {},
): Promise<ReadResult> {
  return readUpload(fixture(relative), options(extra, limits))
}

/** The findings of the `UnreadableUpload` that `work` throws (fails the test if it does not). */
export async function refusal(work: () => unknown): Promise<Finding[]> {
  try {
    await work()
  } catch (error) {
    expect(error).toBeInstanceOf(UnreadableUpload)
    const findings = (error as UnreadableUpload).findings
    expect(findings.every((f) => f.severity === 'error')).toBe(true)
    return findings
  }
  throw new Error('expected the upload to be refused')
}

export function codes(result: ReadResult): string[] {
  return result.findings.map((f) => f.code)
}

export function errors(result: ReadResult): Finding[] {
  return result.findings.filter((f) => f.severity === 'error')
}

/** Asserts the finding's message is specific in both languages: the given words appear in each. */
export function expectMessage(f: Finding, zh: string[], en: string[]): void {
  for (const word of zh) expect(f.message['zh-CN']).toContain(word)
  for (const word of en) expect(f.message.en).toContain(word)
}

/** Planar area of polygons (outer rings minus holes), whatever the ring orientation. */
export function planarArea(polygons: PolygonCoords[]): number {
  let total = 0
  for (const polygon of polygons) {
    polygon.forEach((ring, i) => {
      let sum = 0
      for (let k = 0; k + 1 < ring.length; k++)
        sum += ring[k]![0] * ring[k + 1]![1] - ring[k + 1]![0] * ring[k]![1]
      total += (i === 0 ? 1 : -1) * Math.abs(sum / 2)
    })
  }
  return total
}

/**
 * A ring in a canonical form for comparing files that store the same ring differently: without the
 * closing point, counter-clockwise, starting at its lowest-then-leftmost vertex.
 */
export function canonicalRing(ring: Ring): [number, number][] {
  let open = ring.slice(0, -1).map(([x, y]) => [x, y] as [number, number])
  let sum = 0
  for (let k = 0; k < open.length; k++) {
    const a = open[k]!
    const b = open[(k + 1) % open.length]!
    sum += a[0] * b[1] - b[0] * a[1]
  }
  if (sum < 0) open = open.reverse()
  let start = 0
  open.forEach((p, k) => {
    const s = open[start]!
    if (p[1] < s[1] || (p[1] === s[1] && p[0] < s[0])) start = k
  })
  return [...open.slice(start), ...open.slice(0, start)]
}

/** Polygons in canonical form, parts sorted by their first vertex. */
export function canonical(polygons: PolygonCoords[]): [number, number][][][] {
  return polygons
    .map((polygon) => polygon.map(canonicalRing))
    .sort((a, b) => a[0]![0]![0] - b[0]![0]![0] || a[0]![0]![1] - b[0]![0]![1])
}

/** Expects two geometries to have the same vertices within `tolerance` (1 mm by default). */
export function expectSameGeometry(
  actual: PolygonCoords[] | null,
  expected: PolygonCoords[] | null,
  tolerance = 0.001,
): void {
  expect(actual).not.toBeNull()
  expect(expected).not.toBeNull()
  const a = canonical(actual!)
  const b = canonical(expected!)
  expect(a.map((p) => p.map((r) => r.length))).toEqual(b.map((p) => p.map((r) => r.length)))
  a.forEach((polygon, p) =>
    polygon.forEach((ring, r) =>
      ring.forEach((point, k) => {
        const other = b[p]![r]![k]!
        expect(Math.abs(point[0] - other[0])).toBeLessThanOrEqual(tolerance)
        expect(Math.abs(point[1] - other[1])).toBeLessThanOrEqual(tolerance)
      }),
    ),
  )
}

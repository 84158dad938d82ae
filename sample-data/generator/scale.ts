/**
 * Benchmark-size layers (`--scale N`): N permanent-farmland polygons and N/20 planning zones spread
 * over the sample province, written as newline-delimited GeoJSON (one Feature per line, `.geojsonl`)
 * to `<out>/scale/<N>/`.
 *
 * Streaming: features are generated grid row by grid row and written in chunks, so memory stays flat
 * for millions of features. Determinism: each grid row has its own seeded random stream.
 *
 * Placement without per-feature geometry tests: the province is laid under a grid of square cells
 * (square in metres: longitude is scaled by cos 26.75°). For each grid row the x-ranges of all county
 * border segments that reach into the row are marked as "danger"; a cell clear of them lies inside a
 * single county (found with one point-in-polygon test per run of clear cells) or outside the province.
 * Each feature stays inside its own cell, so features never overlap and never cross a county border.
 * The cell size is chosen so that at least N cells are clear; exactly N of them are kept, evenly
 * thinned.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { pointInRing, type Ring, type XY } from './geometry'
import { buildProvince, type Province } from './jurisdictions'
import { rng, type Rng } from './random'

export interface ScaleOptions {
  seed: number
  outDir: string
  /** Number of farmland polygons (planning zones: count / 20, at least 1). */
  count: number
  log?: (line: string) => void
}

export interface ScaleResult {
  files: { path: string; features: number; bytes: number }[]
}

const LON_SCALE = Math.cos((26.75 * Math.PI) / 180)
const CHUNK = 5000

interface Run {
  /** First and last column of clear cells. */
  from: number
  to: number
  county: string
  seat: XY
}

interface Grid {
  size: number
  u0: number
  v0: number
  rows: Run[][]
  eligible: number
}

function uv([lon, lat]: XY): XY {
  return [lon * LON_SCALE, lat]
}

/** Lays the grid of cell size `size` (degrees of latitude) over the province. */
function layGrid(province: Province, size: number): Grid {
  const counties = province.counties.map((c) => ({ code: c.code, ring: c.ring.map(uv), seat: uv(c.seat) }))
  const outline: Ring = province.province.ring.map(uv)
  const segments = province.edges.flatMap((e) => {
    const pts = e.points.map(uv)
    return pts.slice(0, -1).map((a, i) => {
      const b = pts[i + 1]!
      return {
        umin: Math.min(a[0], b[0]),
        umax: Math.max(a[0], b[0]),
        vmin: Math.min(a[1], b[1]),
        vmax: Math.max(a[1], b[1]),
      }
    })
  })
  const us = outline.map((p) => p[0])
  const vs = outline.map((p) => p[1])
  const u0 = Math.floor(Math.min(...us) / size) * size
  const v0 = Math.floor(Math.min(...vs) / size) * size
  const cols = Math.ceil((Math.max(...us) - u0) / size)
  const rowCount = Math.ceil((Math.max(...vs) - v0) / size)
  const eps = size * 1e-6
  const rows: Run[][] = []
  let eligible = 0
  for (let r = 0; r < rowCount; r++) {
    const vlo = v0 + r * size - eps
    const vhi = v0 + (r + 1) * size + eps
    const danger: [number, number][] = segments
      .filter((s) => s.vmax >= vlo && s.vmin <= vhi)
      .map(
        (s) =>
          [Math.floor((s.umin - eps - u0) / size), Math.floor((s.umax + eps - u0) / size)] as [
            number,
            number,
          ],
      )
      .sort((a, b) => a[0] - b[0])
    const runs: Run[] = []
    let c = 0
    const addRun = (from: number, to: number): void => {
      if (from > to) return
      const center: XY = [u0 + (from + 0.5) * size, v0 + (r + 0.5) * size]
      const county = counties.find((k) => pointInRing(center, k.ring))
      if (!county) return
      runs.push({ from, to, county: county.code, seat: county.seat })
      eligible += to - from + 1
    }
    for (const [a, b] of danger) {
      if (a > c) addRun(c, Math.min(a - 1, cols - 1))
      c = Math.max(c, b + 1)
    }
    addRun(c, cols - 1)
    rows.push(runs)
  }
  return { size, u0, v0, rows, eligible }
}

/** A grid with at least `count` clear cells. */
function gridFor(province: Province, count: number): Grid {
  const area = Math.abs(
    province.province.ring.map(uv).reduce((s, p, i, ring) => {
      const q = ring[(i + 1) % ring.length]!
      return s + p[0] * q[1] - q[0] * p[1]
    }, 0) / 2,
  )
  let size = Math.sqrt(area / (count * 1.1))
  for (;;) {
    const grid = layGrid(province, size)
    if (grid.eligible >= count) return grid
    size *= Math.sqrt(grid.eligible / count) * 0.99
  }
}

function fmt(v: number): string {
  return String(Math.round(v * 1e7) / 1e7)
}

function ringText(ring: XY[]): string {
  return `[${ring.map(([u, v]) => `[${fmt(u / LON_SCALE)},${fmt(v)}]`).join(',')}]`
}

/** A field patch inside the cell whose lower-left corner is (u, v). */
function patchRing(random: Rng, u: number, v: number, size: number): XY[] {
  const cx = u + size * (0.5 + random.uniform(-0.08, 0.08))
  const cy = v + size * (0.5 + random.uniform(-0.08, 0.08))
  const half = size * random.uniform(0.15, 0.33)
  const stretch = random.uniform(1, 1.8)
  const turn = random.uniform(0, Math.PI)
  const n = random.int(5, 8)
  const cos = Math.cos(turn)
  const sin = Math.sin(turn)
  const ring: XY[] = []
  for (let i = 0; i < n; i++) {
    const a = ((i + random.uniform(-0.3, 0.3)) / n) * 2 * Math.PI
    const r = random.uniform(0.8, 1.2)
    const x = r * Math.cos(a) * half
    const y = (r * Math.sin(a) * half) / stretch
    ring.push([cx + x * cos - y * sin, cy + x * sin + y * cos])
  }
  ring.push(ring[0]!)
  return ring
}

function zoneClass(random: Rng, center: XY, seat: XY): string {
  if (random.chance(0.04)) return '040'
  const km = Math.hypot(center[0] - seat[0], center[1] - seat[1]) * 111.2
  return km < 5 ? '010' : km < 10 ? '020' : '030'
}

function writeLayer(
  path: string,
  grid: Grid,
  count: number,
  seed: number,
  kind: 'permanent_farmland' | 'planning_zone',
  log: (line: string) => void,
): number {
  const fd = openSync(path, 'w')
  let bytes = 0
  let written = 0
  let k = 0
  let chunk: string[] = []
  let tenth = 1
  const flush = (): void => {
    if (!chunk.length) return
    const buf = Buffer.from(chunk.join(''), 'utf8')
    writeSync(fd, buf)
    bytes += buf.length
    chunk = []
  }
  try {
    grid.rows.forEach((runs, r) => {
      const random = rng(seed, 'scale', kind, r)
      const v = grid.v0 + r * grid.size
      for (const run of runs) {
        for (let c = run.from; c <= run.to; c++, k++) {
          // Keep cell k when the running share of kept cells steps up: exactly `count` of `eligible`.
          if (Math.floor(((k + 1) * count) / grid.eligible) === Math.floor((k * count) / grid.eligible))
            continue
          const u = grid.u0 + c * grid.size
          written++
          const id = String(written).padStart(7, '0')
          if (kind === 'permanent_farmland') {
            const ring = patchRing(random, u, v, grid.size)
            chunk.push(
              `{"type":"Feature","properties":{"classCode":null,"TBBH":"${id}","XZQDM":"${run.county}"},` +
                `"geometry":{"type":"Polygon","coordinates":[${ringText(ring)}]}}\n`,
            )
          } else {
            const s = grid.size
            const square: XY[] = [
              [u, v],
              [u + s, v],
              [u + s, v + s],
              [u, v + s],
              [u, v],
            ]
            const code = zoneClass(random, [u + s / 2, v + s / 2], run.seat)
            chunk.push(
              `{"type":"Feature","properties":{"classCode":"${code}","BSM":"${id}","XZQDM":"${run.county}"},` +
                `"geometry":{"type":"Polygon","coordinates":[${ringText(square)}]}}\n`,
            )
          }
          if (chunk.length >= CHUNK) flush()
          if (written * 10 >= tenth * count) {
            log(`  ${kind}: ${written.toLocaleString('en-US')} / ${count.toLocaleString('en-US')}`)
            tenth++
          }
        }
      }
    })
    flush()
  } finally {
    closeSync(fd)
  }
  if (written !== count) throw new Error(`${kind}: wrote ${written} features instead of ${count}`)
  return bytes
}

/** Writes the benchmark layers for `count` farmland polygons. */
export function generateScale({ seed, outDir, count, log = () => {} }: ScaleOptions): ScaleResult {
  const province = buildProvince(seed)
  const dir = join(outDir, 'scale', String(count))
  mkdirSync(dir, { recursive: true })
  const files: ScaleResult['files'] = []
  const layers: ['permanent_farmland' | 'planning_zone', number][] = [
    ['permanent_farmland', count],
    ['planning_zone', Math.max(1, Math.floor(count / 20))],
  ]
  for (const [kind, n] of layers) {
    const grid = gridFor(province, n)
    const path = join(dir, `${kind}.geojsonl`)
    log(
      `${kind}: ${n.toLocaleString('en-US')} features, cells of ${Math.round(grid.size * 111_200)} m → ${path}`,
    )
    const bytes = writeLayer(path, grid, n, seed, kind, log)
    files.push({ path, features: n, bytes })
  }
  return { files }
}

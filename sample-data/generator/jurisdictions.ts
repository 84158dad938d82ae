/**
 * The fictional province 示范省 (520000): two cities of three counties each, tiled without gaps.
 *
 * How the tiling stays exact: the counties are the cells of a 3 × 2 grid of jittered nodes. Every
 * edge between two nodes is subdivided and perturbed once (midpoint displacement, with a random stream
 * keyed by the edge), rounded to 7 decimals, and then *reused* by the two cells on either side, so
 * shared borders are vertex-identical. City and province outlines are not computed by a (lossy)
 * polygon union: they are chained from the same edges, dropping every edge that two cells of the
 * union share. If a perturbed edge happens to cross another one, the whole set is drawn again with the
 * next attempt number, which keeps the result a pure function of the seed.
 *
 *   row 1 (north):  520202 清河 | 520102 南明 | 520103 松溪
 *   row 0 (south):  520203 枫林 | 520204 梅岭 | 520104 石桥
 *   青山市 520100 = 南明, 松溪, 石桥;  云溪市 520200 = 清河, 枫林, 梅岭
 */
import {
  boxOf,
  boxesOverlap,
  close,
  distanceToRing,
  orient,
  round,
  segmentsIntersect,
  type Ring,
  type XY,
} from './geometry'
import { LONLAT_DECIMALS, ringToPlane, toPlane } from './plane'
import { rng } from './random'

export type Level = 'province' | 'city' | 'county'

export interface Jurisdiction {
  code: string
  name: string
  nameEn: string
  level: Level
  parentCode: string | null
  /** Outline in lon/lat (EPSG:4490), closed, counter-clockwise. */
  ring: Ring
}

export interface County extends Jurisdiction {
  level: 'county'
  /** County seat (县城) in lon/lat. */
  seat: XY
  /** Seat and outline in the generator's plane (metres). */
  seatPlane: XY
  planeRing: Ring
}

/** An edge of the tiling: a perturbed polyline between two grid nodes, in lon/lat. */
export interface Edge {
  from: number
  to: number
  points: XY[]
}

export interface Province {
  province: Jurisdiction
  cities: Jurisdiction[]
  counties: County[]
  edges: Edge[]
}

export const PROVINCE = { code: '520000', name: '示范省', nameEn: 'Sample Province' }

const CITIES = [
  { code: '520100', name: '青山市', nameEn: 'Qingshan City' },
  { code: '520200', name: '云溪市', nameEn: 'Yunxi City' },
]

/** Counties with their grid cell [column, row]. */
const COUNTIES: { code: string; name: string; nameEn: string; city: string; cell: [number, number] }[] = [
  { code: '520102', name: '南明县', nameEn: 'Nanming County', city: '520100', cell: [1, 1] },
  { code: '520103', name: '松溪县', nameEn: 'Songxi County', city: '520100', cell: [2, 1] },
  { code: '520104', name: '石桥县', nameEn: 'Shiqiao County', city: '520100', cell: [2, 0] },
  { code: '520202', name: '清河县', nameEn: 'Qinghe County', city: '520200', cell: [0, 1] },
  { code: '520203', name: '枫林县', nameEn: 'Fenglin County', city: '520200', cell: [0, 0] },
  { code: '520204', name: '梅岭县', nameEn: 'Meiling County', city: '520200', cell: [1, 0] },
]

const NODE_LON = [106.0, 106.68, 107.34, 108.0]
const NODE_LAT = [26.0, 26.75, 27.5]
const COLS = NODE_LON.length
/** Longitude is scaled by cos(latitude) while perturbing so that shapes are not stretched east-west. */
const LON_SCALE = Math.cos((26.75 * Math.PI) / 180)
/** Subdivision depth of an edge: 2^6 = 64 segments of ~1 km. */
const EDGE_DEPTH = 6
const EDGE_ROUGHNESS = 0.12
/** A county seat keeps at least this distance (m) from the county border. */
const SEAT_MARGIN = 16_000

const nodeId = (c: number, r: number): number => r * COLS + c

function jitteredNodes(seed: number, attempt: number): XY[] {
  const random = rng(seed, 'nodes', attempt)
  const nodes: XY[] = []
  for (let r = 0; r < NODE_LAT.length; r++) {
    for (let c = 0; c < COLS; c++) {
      const edgeX = c === 0 || c === COLS - 1
      const edgeY = r === 0 || r === NODE_LAT.length - 1
      const dx = random.uniform(-1, 1) * (edgeX ? 0.04 : 0.12)
      const dy = random.uniform(-1, 1) * (edgeY ? 0.04 : 0.1)
      nodes.push([round(NODE_LON[c]! + dx, LONLAT_DECIMALS), round(NODE_LAT[r]! + dy, LONLAT_DECIMALS)])
    }
  }
  return nodes
}

function perturb(a: XY, b: XY, depth: number, roughness: number, random: ReturnType<typeof rng>): XY[] {
  if (depth === 0) return [a, b]
  const ax = a[0] * LON_SCALE
  const bx = b[0] * LON_SCALE
  const dx = bx - ax
  const dy = b[1] - a[1]
  const shift = random.uniform(-1, 1) * roughness
  const m: XY = [(ax + bx) / 2 / LON_SCALE - (dy * shift) / LON_SCALE, (a[1] + b[1]) / 2 + dx * shift]
  const left = perturb(a, m, depth - 1, roughness * 0.85, random)
  const right = perturb(m, b, depth - 1, roughness * 0.85, random)
  return [...left, ...right.slice(1)]
}

function buildEdges(seed: number, nodes: XY[], attempt: number): Edge[] {
  const edges: Edge[] = []
  const add = (from: number, to: number): void => {
    const random = rng(seed, 'edge', from, to, attempt)
    const points = perturb(nodes[from]!, nodes[to]!, EDGE_DEPTH, EDGE_ROUGHNESS, random).map(([x, y]): XY => [
      round(x, LONLAT_DECIMALS),
      round(y, LONLAT_DECIMALS),
    ])
    edges.push({ from, to, points })
  }
  for (let r = 0; r < NODE_LAT.length; r++)
    for (let c = 0; c + 1 < COLS; c++) add(nodeId(c, r), nodeId(c + 1, r))
  for (let r = 0; r + 1 < NODE_LAT.length; r++)
    for (let c = 0; c < COLS; c++) add(nodeId(c, r), nodeId(c, r + 1))
  return edges
}

/** Whether any two segments of the edge set cross or touch other than at a shared end point. */
function edgesCross(edges: Edge[]): boolean {
  const segments: { a: XY; b: XY; box: ReturnType<typeof boxOf> }[] = []
  for (const e of edges) {
    for (let i = 0; i + 1 < e.points.length; i++) {
      const a = e.points[i]!
      const b = e.points[i + 1]!
      segments.push({ a, b, box: boxOf([a, b]) })
    }
  }
  const same = (p: XY, q: XY): boolean => p[0] === q[0] && p[1] === q[1]
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!
    for (let j = i + 1; j < segments.length; j++) {
      const t = segments[j]!
      if (!boxesOverlap(s.box, t.box, 1e-9)) continue
      if (same(s.a, t.a) || same(s.a, t.b) || same(s.b, t.a) || same(s.b, t.b)) continue
      if (segmentsIntersect(s.a, s.b, t.a, t.b)) return true
    }
  }
  return false
}

interface DirectedEdge {
  edge: number
  forward: boolean
}

/** The four edges of cell (c, r), counter-clockwise: bottom, right, top (reversed), left (reversed). */
function cellEdges(edges: Edge[], c: number, r: number): DirectedEdge[] {
  const find = (from: number, to: number): number => {
    const i = edges.findIndex((e) => e.from === from && e.to === to)
    if (i < 0) throw new Error(`no edge ${from}-${to}`)
    return i
  }
  return [
    { edge: find(nodeId(c, r), nodeId(c + 1, r)), forward: true },
    { edge: find(nodeId(c + 1, r), nodeId(c + 1, r + 1)), forward: true },
    { edge: find(nodeId(c, r + 1), nodeId(c + 1, r + 1)), forward: false },
    { edge: find(nodeId(c, r), nodeId(c, r + 1)), forward: false },
  ]
}

/** The outline of a union of cells, chained from the edges that only one of the cells uses. */
function outline(edges: Edge[], cells: [number, number][]): Ring {
  const all = cells.flatMap(([c, r]) => cellEdges(edges, c, r))
  const count = new Map<number, number>()
  for (const d of all) count.set(d.edge, (count.get(d.edge) ?? 0) + 1)
  const boundary = all.filter((d) => count.get(d.edge) === 1)
  const start = (d: DirectedEdge): number => (d.forward ? edges[d.edge]!.from : edges[d.edge]!.to)
  const end = (d: DirectedEdge): number => (d.forward ? edges[d.edge]!.to : edges[d.edge]!.from)
  const byStart = new Map<number, DirectedEdge>()
  for (const d of boundary) {
    if (byStart.has(start(d))) throw new Error('the union of cells touches itself at a node')
    byStart.set(start(d), d)
  }
  const first = boundary.reduce((a, b) => (b.edge < a.edge ? b : a))
  const points: XY[] = []
  let d = first
  do {
    const pts = d.forward ? edges[d.edge]!.points : [...edges[d.edge]!.points].reverse()
    points.push(...(points.length ? pts.slice(1) : pts))
    d = byStart.get(end(d))!
  } while (d !== first)
  if (points.length - 1 !== boundary.reduce((n, b) => n + edges[b.edge]!.points.length - 1, 0)) {
    throw new Error('the union of cells has more than one outline')
  }
  return orient(close(points.slice(0, -1)), true)
}

/** Builds the province, its cities and counties for a seed. */
export function buildProvince(seed: number): Province {
  let edges: Edge[] = []
  for (let attempt = 0; ; attempt++) {
    if (attempt > 50) throw new Error('could not draw non-crossing county borders in 50 attempts')
    edges = buildEdges(seed, jitteredNodes(seed, attempt), attempt)
    if (!edgesCross(edges)) break
  }

  const counties: County[] = COUNTIES.map((def) => {
    const ring = outline(edges, [def.cell])
    const planeRing = ringToPlane(ring)
    const corners = cellEdges(edges, def.cell[0], def.cell[1]).map((d) => {
      const points = edges[d.edge]!.points
      return d.forward ? points[0]! : points[points.length - 1]!
    })
    const center: XY = [
      corners.reduce((s, p) => s + p[0], 0) / corners.length,
      corners.reduce((s, p) => s + p[1], 0) / corners.length,
    ]
    const random = rng(seed, 'seat', def.code)
    for (let i = 0; i < 200; i++) {
      const seat: XY = [
        round(center[0] + random.uniform(-0.06, 0.06), LONLAT_DECIMALS),
        round(center[1] + random.uniform(-0.05, 0.05), LONLAT_DECIMALS),
      ]
      const seatPlane = toPlane(seat)
      if (distanceToRing(seatPlane, planeRing) < SEAT_MARGIN) continue
      return {
        code: def.code,
        name: def.name,
        nameEn: def.nameEn,
        level: 'county',
        parentCode: def.city,
        ring,
        seat,
        seatPlane,
        planeRing,
      }
    }
    throw new Error(`county ${def.code}: no seat found ${SEAT_MARGIN} m away from its border`)
  })

  const cities: Jurisdiction[] = CITIES.map((def) => ({
    ...def,
    level: 'city',
    parentCode: PROVINCE.code,
    ring: outline(
      edges,
      COUNTIES.filter((c) => c.city === def.code).map((c) => c.cell),
    ),
  }))

  const province: Jurisdiction = {
    ...PROVINCE,
    level: 'province',
    parentCode: null,
    ring: outline(
      edges,
      COUNTIES.map((c) => c.cell),
    ),
  }
  return { province, cities, counties, edges }
}

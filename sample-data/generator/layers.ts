/**
 * The reference layers of the sample province, built county by county in the generator's plane
 * (metres) and stored in lon/lat:
 *
 * - urban development boundary (城镇开发边界): one blob of ~30–50 km² around each county seat;
 * - ecological red line (生态保护红线): two blobs per county, 20 km or more away from the seat;
 * - cultivated land (耕地): field patches 50–360 m across, grouped into villages (clusters) outside the
 *   urban boundary and the red line; each patch sits inside its own cell of a 520 m grid, so patches
 *   never overlap. One cluster per county hugs the urban boundary, so that a filing near town can meet
 *   farmland (the sample's deliberate conflicts use it);
 * - permanent basic farmland (永久基本农田): ~60% of the cultivated patches, same geometry;
 * - planning control zones (建设用地管制区): 010 = the urban boundary, 020 = a ring around it,
 *   040 = the red-line blobs, 030 = the rest of the county cut into ~9 km cells. Together they cover
 *   the county.
 *
 * Every feature lies inside one county, keeping a margin from the border (the 030 cells follow it).
 */
import { difference, featureCollection, intersect, polygon as turfPolygon } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import {
  blob,
  boxOf,
  boxesOverlap,
  close,
  distanceToRing,
  isSimpleRing,
  orient,
  pointInRing,
  segmentsIntersect,
  ringFromPolar,
  round,
  type Box,
  type Ring,
  type XY,
} from './geometry'
import type { County, Province } from './jurisdictions'
import { LONLAT_DECIMALS, ringToLonLat } from './plane'
import { rng } from './random'

export type LayerKind =
  'permanent_farmland' | 'cultivated_land' | 'planning_zone' | 'eco_redline' | 'urban_boundary'

export type LayerProperties = { classCode: string | null } & Record<string, string | null>
export type LayerFeature = Feature<Polygon | MultiPolygon, LayerProperties>

export const CULTIVATED_CLASSES: Record<string, string> = { '0101': '水田', '0102': '水浇地', '0103': '旱地' }
export const ZONE_CLASSES: Record<string, string> = {
  '010': '允许建设区',
  '020': '有条件建设区',
  '030': '限制建设区',
  '040': '禁止建设区',
}
const ECO_TYPES = ['水源涵养', '生物多样性维护', '水土保持']

/** A shape kept in both frames: the plane ring for placement checks, the lon/lat ring for output. */
export interface Shape {
  planeRing: Ring
  ring: Ring
  box: Box
}

export interface Patch extends Shape {
  countyCode: string
  tbbh: string
  classCode: string
  farmland: boolean
}

export interface CountyLayers {
  county: County
  urban: Shape & { maxRadius: number }
  /** Outer ring of the conditional zone (020) around the urban boundary. */
  outer020: Shape
  eco: (Shape & { center: XY; maxRadius: number; name: string; type: string })[]
  patches: Patch[]
}

const PATCH_CELL = 520
const PATCH_JITTER = 30
const PATCH_GAP = 10
const ZONE_CELL_LAT = 0.1
const ZONE_CELL_LON = 0.11

function shape(planeRing: Ring): Shape {
  const ring = orient(ringToLonLat(planeRing), true)
  return { planeRing, ring, box: boxOf(planeRing) }
}

function farEnoughFromBorder(county: County, p: XY, distance: number): boolean {
  return pointInRing(p, county.planeRing) && distanceToRing(p, county.planeRing) >= distance
}

function buildCounty(seed: number, county: County): CountyLayers {
  const code = county.code
  const seat = county.seatPlane

  // Urban development boundary and the 020 ring around it, concentric blobs on the same angles.
  const urbanRandom = rng(seed, 'urban', code)
  const urbanRadius = urbanRandom.uniform(3000, 4000)
  const u = blob(urbanRandom, seat, urbanRadius, 40, 0.25)
  const phase = urbanRandom.uniform(0, 2 * Math.PI)
  const outerRadii = u.radii.map((r, i) => r * (1.75 + 0.15 * Math.sin(2 * u.angles[i]! + phase)))
  const urban = { ...shape(u.ring), maxRadius: urbanRadius * 1.25 }
  const outer020 = shape(ringFromPolar(seat, u.angles, outerRadii))

  // Ecological red line: two blobs far from the seat.
  const ecoRandom = rng(seed, 'eco', code)
  const box = boxOf(county.planeRing)
  const eco: CountyLayers['eco'] = []
  for (let attempt = 0; eco.length < 2; attempt++) {
    if (attempt > 5000) throw new Error(`county ${code}: no room for the ecological red line`)
    const center: XY = [ecoRandom.uniform(box.xmin, box.xmax), ecoRandom.uniform(box.ymin, box.ymax)]
    const radius = ecoRandom.uniform(2500, 4000)
    const maxRadius = radius * 1.3
    if (!farEnoughFromBorder(county, center, maxRadius + 1500)) continue
    if (Math.hypot(center[0] - seat[0], center[1] - seat[1]) < 20_000) continue
    if (
      eco.some(
        (e) => Math.hypot(center[0] - e.center[0], center[1] - e.center[1]) < e.maxRadius + maxRadius + 2000,
      )
    ) {
      continue
    }
    const type = ECO_TYPES[(Number(code.slice(-1)) + eco.length) % ECO_TYPES.length]!
    const b = blob(ecoRandom, center, radius, 48, 0.3)
    eco.push({
      ...shape(b.ring),
      center,
      maxRadius,
      type,
      name: `${county.name}${type}生态保护红线${eco.length + 1}号区`,
    })
  }

  const patches = buildPatches(seed, county, urban.maxRadius, eco)
  return { county, urban, outer020, eco, patches }
}

interface Cluster {
  center: XY
  radius: number
  classCode: string
}

function pickClass(random: ReturnType<typeof rng>): string {
  const u = random.next()
  return u < 0.45 ? '0101' : u < 0.55 ? '0102' : '0103'
}

function buildPatches(
  seed: number,
  county: County,
  urbanMaxRadius: number,
  eco: CountyLayers['eco'],
): Patch[] {
  const code = county.code
  const seat = county.seatPlane
  const random = rng(seed, 'clusters', code)
  const box = boxOf(county.planeRing)
  const clusters: Cluster[] = []
  // One village just outside town, so that the urban fringe meets farmland.
  const angle = random.uniform(0, 2 * Math.PI)
  const fringe = urbanMaxRadius + 1800
  clusters.push({
    center: [seat[0] + fringe * Math.cos(angle), seat[1] + fringe * Math.sin(angle)],
    radius: 1500,
    classCode: '0101',
  })
  for (let attempt = 0; clusters.length < 15; attempt++) {
    if (attempt > 5000) throw new Error(`county ${code}: no room for villages`)
    const center: XY = [random.uniform(box.xmin, box.xmax), random.uniform(box.ymin, box.ymax)]
    const radius = random.uniform(1300, 2800)
    if (!farEnoughFromBorder(county, center, 1000)) continue
    if (Math.hypot(center[0] - seat[0], center[1] - seat[1]) < urbanMaxRadius + 1000) continue
    if (eco.some((e) => Math.hypot(center[0] - e.center[0], center[1] - e.center[1]) < e.maxRadius + 500))
      continue
    clusters.push({ center, radius, classCode: pickClass(random) })
  }

  const taken = new Set<string>()
  const patches: Patch[] = []
  for (const cluster of clusters) {
    const [cx, cy] = cluster.center
    const i0 = Math.floor((cx - cluster.radius) / PATCH_CELL)
    const i1 = Math.floor((cx + cluster.radius) / PATCH_CELL)
    const j0 = Math.floor((cy - cluster.radius) / PATCH_CELL)
    const j1 = Math.floor((cy + cluster.radius) / PATCH_CELL)
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const key = `${i},${j}`
        if (taken.has(key)) continue
        const cell: XY = [(i + 0.5) * PATCH_CELL, (j + 0.5) * PATCH_CELL]
        const d = Math.hypot(cell[0] - cx, cell[1] - cy) / cluster.radius
        if (d >= 1) continue
        const r = rng(seed, 'patch', code, key)
        if (!r.chance(0.9 * Math.sqrt(1 - d * d))) continue
        const patch = buildPatch(r, cell)
        const reach = patch.reach
        if (!farEnoughFromBorder(county, patch.center, reach + 300)) continue
        if (Math.hypot(patch.center[0] - seat[0], patch.center[1] - seat[1]) < urbanMaxRadius + 300 + reach)
          continue
        if (
          eco.some(
            (e) =>
              Math.hypot(patch.center[0] - e.center[0], patch.center[1] - e.center[1]) <
              e.maxRadius + 200 + reach,
          )
        ) {
          continue
        }
        const ring = orient(ringToLonLat(patch.ring), true)
        if (!isSimpleRing(ring)) continue
        taken.add(key)
        patches.push({
          countyCode: code,
          tbbh: String(patches.length + 1).padStart(5, '0'),
          classCode: r.chance(0.8) ? cluster.classCode : pickClass(r),
          farmland: r.chance(0.6),
          planeRing: patch.ring,
          ring,
          box: boxOf(patch.ring),
        })
      }
    }
  }
  return patches
}

/** An irregular field: a star-shaped blob stretched and turned, kept inside its grid cell. */
function buildPatch(random: ReturnType<typeof rng>, cell: XY): { center: XY; ring: Ring; reach: number } {
  const center: XY = [
    cell[0] + random.uniform(-PATCH_JITTER, PATCH_JITTER),
    cell[1] + random.uniform(-PATCH_JITTER, PATCH_JITTER),
  ]
  const maxHalf = (PATCH_CELL / 2 - PATCH_JITTER - PATCH_GAP) / 1.2
  const across = 50 + (2 * maxHalf - 50) * random.next() ** 2
  const half = across / 2
  const stretch = random.uniform(1, 1.8)
  const turn = random.uniform(0, Math.PI)
  const unit = blob(random, [0, 0], 1, random.int(5, 9), 0.2).ring
  const cos = Math.cos(turn)
  const sin = Math.sin(turn)
  const ring = unit.map(([x, y]): XY => {
    const sx = x * half
    const sy = (y * half) / stretch
    return [center[0] + sx * cos - sy * sin, center[1] + sx * sin + sy * cos]
  })
  return { center, ring, reach: half * 1.2 }
}

// ---------------------------------------------------------------------------------------------------
// Planning zones

type Polygons = Ring[][]

/** Rounds clipped polygons to 7 decimals; rings that collapse are dropped (a polygon with its outer ring). */
function roundPolygons(polygons: Polygons): Polygons {
  const out: Polygons = []
  for (const polygon of polygons) {
    const rings: Ring[] = []
    for (const [i, ring] of polygon.entries()) {
      const pts: Ring = []
      for (const [x, y] of ring) {
        const q: XY = [round(x, LONLAT_DECIMALS), round(y, LONLAT_DECIMALS)]
        const last = pts[pts.length - 1]
        if (!last || last[0] !== q[0] || last[1] !== q[1]) pts.push(q)
      }
      const closed = pts.length >= 4 ? close(pts.slice(0, -1)) : []
      if (closed.length < 4) {
        if (i === 0) break
        continue
      }
      if (!isSimpleRing(closed)) throw new Error('a planning zone ring is not simple after rounding')
      rings.push(orient(closed, i === 0))
    }
    if (rings.length) out.push(rings)
  }
  return out
}

function polygonsOf(geometry: Polygon | MultiPolygon): Polygons {
  return (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as Polygons
}

function toGeometry(polygons: Polygons): Polygon | MultiPolygon {
  return polygons.length === 1
    ? { type: 'Polygon', coordinates: polygons[0]! }
    : { type: 'MultiPolygon', coordinates: polygons }
}

/** Whether a rectangular cell lies inside a ring, outside it, or crosses its boundary. */
function cellVersusRing(cell: Ring, cellBox: Box, ring: Ring): 'inside' | 'outside' | 'crossing' {
  for (let k = 0; k + 1 < ring.length; k++) {
    const a = ring[k]!
    const b = ring[k + 1]!
    if (Math.max(a[0], b[0]) < cellBox.xmin || Math.min(a[0], b[0]) > cellBox.xmax) continue
    if (Math.max(a[1], b[1]) < cellBox.ymin || Math.min(a[1], b[1]) > cellBox.ymax) continue
    if (a[0] >= cellBox.xmin && a[0] <= cellBox.xmax && a[1] >= cellBox.ymin && a[1] <= cellBox.ymax)
      return 'crossing'
    for (let e = 0; e < 4; e++) if (segmentsIntersect(a, b, cell[e]!, cell[e + 1]!)) return 'crossing'
  }
  return pointInRing(cell[0]!, ring) ? 'inside' : 'outside'
}

function zoneFeature(classCode: string, countyCode: string, polygons: Polygons): LayerFeature {
  return {
    type: 'Feature',
    properties: { classCode, GZQMC: ZONE_CLASSES[classCode]!, XZQDM: countyCode },
    geometry: toGeometry(polygons),
  }
}

function buildZones(layers: CountyLayers): LayerFeature[] {
  const { county, urban, outer020, eco } = layers
  const code = county.code
  const features: LayerFeature[] = [
    zoneFeature('010', code, [[urban.ring]]),
    zoneFeature('020', code, [[outer020.ring, orient(urban.ring, false)]]),
  ]
  const countyPolygon = turfPolygon([county.ring])
  const holes = [outer020.ring, ...eco.map((e) => e.ring)].map((ring) => ({ ring, box: boxOf(ring) }))
  const box = boxOf(county.ring)
  const j0 = Math.floor(box.ymin / ZONE_CELL_LAT)
  const j1 = Math.floor(box.ymax / ZONE_CELL_LAT)
  const i0 = Math.floor(box.xmin / ZONE_CELL_LON)
  const i1 = Math.floor(box.xmax / ZONE_CELL_LON)
  for (let j = j0; j <= j1; j++) {
    for (let i = i0; i <= i1; i++) {
      const x0 = round(i * ZONE_CELL_LON, LONLAT_DECIMALS)
      const x1 = round((i + 1) * ZONE_CELL_LON, LONLAT_DECIMALS)
      const y0 = round(j * ZONE_CELL_LAT, LONLAT_DECIMALS)
      const y1 = round((j + 1) * ZONE_CELL_LAT, LONLAT_DECIMALS)
      const cellRing: Ring = [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ]
      const cellBox = boxOf(cellRing)
      const where = cellVersusRing(cellRing, cellBox, county.ring)
      if (where === 'outside') continue
      const inCounty =
        where === 'inside'
          ? turfPolygon([cellRing])
          : intersect(featureCollection([turfPolygon([cellRing]), countyPolygon]))
      if (!inCounty) continue
      const cutters = holes.filter((h) => boxesOverlap(h.box, cellBox)).map((h) => turfPolygon([h.ring]))
      const rest = cutters.length ? difference(featureCollection([inCounty, ...cutters])) : inCounty
      if (!rest) continue
      const polygons = roundPolygons(polygonsOf(rest.geometry))
      if (polygons.length) features.push(zoneFeature('030', code, polygons))
    }
  }
  for (const e of eco) features.push(zoneFeature('040', code, [[e.ring]]))
  return features
}

// ---------------------------------------------------------------------------------------------------

export interface ProvinceLayers {
  counties: CountyLayers[]
  features: Record<LayerKind, LayerFeature[]>
}

/** Builds all reference layers of the province. */
export function buildLayers(seed: number, province: Province): ProvinceLayers {
  const counties = province.counties.map((county) => buildCounty(seed, county))
  const features: Record<LayerKind, LayerFeature[]> = {
    permanent_farmland: [],
    cultivated_land: [],
    planning_zone: [],
    eco_redline: [],
    urban_boundary: [],
  }
  for (const layers of counties) {
    const code = layers.county.code
    for (const p of layers.patches) {
      const dlmc = CULTIVATED_CLASSES[p.classCode]!
      features.cultivated_land.push({
        type: 'Feature',
        properties: { classCode: p.classCode, DLMC: dlmc, TBBH: p.tbbh, XZQDM: code },
        geometry: { type: 'Polygon', coordinates: [p.ring] },
      })
      if (p.farmland) {
        features.permanent_farmland.push({
          type: 'Feature',
          properties: { classCode: null, DLBM: p.classCode, DLMC: dlmc, TBBH: p.tbbh, XZQDM: code },
          geometry: { type: 'Polygon', coordinates: [p.ring] },
        })
      }
    }
    features.planning_zone.push(...buildZones(layers))
    for (const e of layers.eco) {
      features.eco_redline.push({
        type: 'Feature',
        properties: { classCode: null, MC: e.name, HXLX: e.type, XZQDM: code },
        geometry: { type: 'Polygon', coordinates: [e.ring] },
      })
    }
    features.urban_boundary.push({
      type: 'Feature',
      properties: { classCode: null, MC: `${layers.county.name}城镇开发边界`, XZQDM: code },
      geometry: { type: 'Polygon', coordinates: [layers.urban.ring] },
    })
  }
  return { counties, features }
}

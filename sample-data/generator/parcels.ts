/**
 * Parcel shapes for the sample filings and uploads, designed the way a surveyor delivers them: in the
 * county's CGCS2000 3° Gauss-Krüger zone with the zone number in the easting, coordinates rounded to
 * millimetres, outer ring clockwise starting at its north-west corner (界址点 J1), holes
 * counter-clockwise. Areas are the planar areas in that CRS.
 *
 * A `Placer` keeps, per county, the boxes already taken (cultivated patches and earlier parcels, in the
 * generator's plane) so that parcels overlap neither farmland nor each other unless a caller asks for
 * it.
 */
import { cgcs2000GaussKruger, gk3ZoneForLongitude } from '../../gis/crs'
import {
  blob,
  boxOf,
  boxesOverlap,
  clipByConvex,
  close,
  orient,
  pointInRing,
  polygonArea,
  round,
  signedArea,
  type Box,
  type Ring,
  type XY,
} from './geometry'
import type { County } from './jurisdictions'
import type { CountyLayers, Patch } from './layers'
import { converter, LONLAT_EPSG, PLANE_EPSG } from './plane'
import type { Rng } from './random'

export type ShapeKind = 'rect' | 'strip' | 'irregular' | 'holed'

export interface ParcelGeometry {
  /** Rings in the source CRS (easting, northing), mm, closed: outer clockwise, holes counter-clockwise. */
  rings: Ring[]
  /** The same rings in the generator's plane, for placement checks. */
  planeRings: Ring[]
  /** The same rings in lon/lat (unrounded), for GeoJSON. */
  lonLatRings: Ring[]
  /** Planar area in the source CRS, m², 2 decimals. */
  areaM2: number
  box: Box
}

/** The source CRS of a county's survey data: the CGCS2000 3° zone of its seat, zone-prefixed. */
export function sourceCrsOf(county: County): number {
  return cgcs2000GaussKruger(3, gk3ZoneForLongitude(county.seat[0]), true).code
}

/** Rotates a closed ring so that it starts at the vertex nearest its box's north-west corner. */
function startNorthWest(ring: Ring): Ring {
  const open = ring.slice(0, -1)
  const box = boxOf(open)
  let best = 0
  let bestDistance = Infinity
  open.forEach(([x, y], i) => {
    const d = Math.hypot(x - box.xmin, y - box.ymax)
    if (d < bestDistance) {
      bestDistance = d
      best = i
    }
  })
  return close([...open.slice(best), ...open.slice(0, best)])
}

function transform(ring: Ring, center: XY, turn: number): Ring {
  const cos = Math.cos(turn)
  const sin = Math.sin(turn)
  return ring.map(([x, y]): XY => [center[0] + x * cos - y * sin, center[1] + x * sin + y * cos])
}

function rectangle(width: number, height: number): Ring {
  const w = width / 2
  const h = height / 2
  return [
    [-w, -h],
    [w, -h],
    [w, h],
    [-w, h],
    [-w, -h],
  ]
}

/** Rings (source CRS, unrounded) of a shape of about `area` m² around `center`. */
export function designShape(kind: ShapeKind, center: XY, area: number, random: Rng): Ring[] {
  const turn = random.uniform(0, Math.PI)
  switch (kind) {
    case 'rect': {
      const aspect = random.uniform(0.5, 2)
      const w = Math.sqrt(area * aspect)
      return [transform(rectangle(w, area / w), center, turn)]
    }
    case 'strip': {
      const w = random.uniform(30, 40)
      return [transform(rectangle(area / w, w), center, turn)]
    }
    case 'irregular': {
      const unit = blob(random, [0, 0], 1, random.int(5, 7), 0.15).ring
      const scale = Math.sqrt(area / Math.abs(signedArea(unit)))
      return [
        transform(
          unit.map(([x, y]): XY => [x * scale, y * scale]),
          center,
          turn,
        ),
      ]
    }
    case 'holed': {
      const aspect = random.uniform(0.6, 1.6)
      const outerArea = area / 0.91
      const w = Math.sqrt(outerArea * aspect)
      const h = outerArea / w
      const hole = rectangle(w * 0.3, h * 0.3).map(([x, y]): XY => [x + w * 0.1, y - h * 0.1])
      return [transform(rectangle(w, h), center, turn), transform(hole, center, turn)]
    }
  }
}

interface Converters {
  toPlane: (p: XY) => XY
  toLonLat: (p: XY) => XY
  fromLonLat: (p: XY) => XY
}

export class Placer {
  private readonly taken = new Map<string, Box[]>()
  private readonly converters = new Map<number, Converters>()

  constructor(counties: readonly CountyLayers[]) {
    for (const c of counties)
      this.taken.set(
        c.county.code,
        c.patches.map((p) => p.box),
      )
  }

  private convertersFor(epsg: number): Converters {
    let c = this.converters.get(epsg)
    if (!c) {
      const plane = converter(epsg, PLANE_EPSG)
      const lonLat = converter(epsg, LONLAT_EPSG)
      c = { toPlane: plane.forward, toLonLat: lonLat.forward, fromLonLat: lonLat.inverse }
      this.converters.set(epsg, c)
    }
    return c
  }

  /** Source-CRS coordinates of a lon/lat point. */
  toSource(epsg: number, lonLat: XY): XY {
    return this.convertersFor(epsg).fromLonLat(lonLat)
  }

  /** Rounds designed rings to mm, orients them the survey way and derives the other frames. */
  finish(epsg: number, designed: Ring[]): ParcelGeometry {
    const { toPlane, toLonLat } = this.convertersFor(epsg)
    const rings = designed.map((ring, i) => {
      const mm = close(ring.slice(0, -1).map(([x, y]): XY => [round(x, 3), round(y, 3)]))
      return startNorthWest(orient(mm, i !== 0))
    })
    const planeRings = rings.map((r) => r.map(toPlane))
    return {
      rings,
      planeRings,
      lonLatRings: rings.map((r) => r.map(toLonLat)),
      areaM2: round(polygonArea(rings), 2),
      box: boxOf(planeRings[0]!),
    }
  }

  /** Whether a parcel is clear of everything taken in its county (30 m apart), except `allow`. */
  isFree(countyCode: string, parcel: ParcelGeometry, allow?: Box): boolean {
    return !(this.taken.get(countyCode) ?? []).some((b) => b !== allow && boxesOverlap(b, parcel.box, 30))
  }

  take(countyCode: string, parcel: ParcelGeometry): void {
    this.taken.get(countyCode)!.push(parcel.box)
  }

  /** Gives back the room of a parcel that was taken (when a group of parcels did not fit). */
  release(countyCode: string, parcel: ParcelGeometry): void {
    const boxes = this.taken.get(countyCode)!
    const i = boxes.indexOf(parcel.box)
    if (i >= 0) boxes.splice(i, 1)
  }

  /**
   * Places a shape of about `area` m² near `anchor` (source CRS) so that it lies inside `within`
   * (a plane ring) and clear of everything taken. Returns null after `tries` misses.
   */
  place(
    county: County,
    epsg: number,
    kind: ShapeKind,
    area: number,
    anchor: XY,
    spread: number,
    within: (planePoint: XY) => boolean,
    random: Rng,
    tries = 200,
  ): ParcelGeometry | null {
    for (let i = 0; i < tries; i++) {
      const a = random.uniform(0, 2 * Math.PI)
      const d = spread * Math.sqrt(random.next())
      const center: XY = [anchor[0] + d * Math.cos(a), anchor[1] + d * Math.sin(a)]
      const parcel = this.finish(epsg, designShape(kind, center, area, random))
      if (!parcel.planeRings[0]!.every(within)) continue
      if (!this.isFree(county.code, parcel)) continue
      this.take(county.code, parcel)
      return parcel
    }
    return null
  }

  /**
   * Places a rectangle that covers part of a farmland patch (source CRS) and nothing else that is
   * taken: its west edge runs through the patch's middle, or the east, north or south edge does.
   * Returns the parcel and its overlap with the patch (planar, source CRS).
   */
  placeOnPatch(
    county: County,
    epsg: number,
    patch: Patch,
  ): { parcel: ParcelGeometry; overlapM2: number } | null {
    const { fromLonLat } = this.convertersFor(epsg)
    const patchRing = orient(patch.ring.map(fromLonLat), true)
    const pb = boxOf(patchRing)
    const cx = (pb.xmin + pb.xmax) / 2
    const cy = (pb.ymin + pb.ymax) / 2
    const w = Math.min(pb.xmax - pb.xmin, 220)
    const h = Math.min(pb.ymax - pb.ymin, 200) * 0.8
    const candidates: Ring[] = [
      rectangle(w, h).map(([x, y]): XY => [cx + w / 2 + x, cy + y]),
      rectangle(w, h).map(([x, y]): XY => [cx - w / 2 + x, cy + y]),
      rectangle(h, w).map(([x, y]): XY => [cx + x, cy + w / 2 + y]),
      rectangle(h, w).map(([x, y]): XY => [cx + x, cy - w / 2 + y]),
    ]
    for (const designed of candidates) {
      const parcel = this.finish(epsg, [designed])
      if (!this.isFree(county.code, parcel, patch.box)) continue
      const clip = orient(parcel.rings[0]!, true)
      const overlapM2 = round(Math.abs(signedArea(clipByConvex(patchRing, clip))), 2)
      if (overlapM2 <= 0) continue
      this.take(county.code, parcel)
      return { parcel, overlapM2 }
    }
    return null
  }
}

/** Farmland patches of a county, nearest to its seat first, that are big enough to meet a parcel. */
export function farmlandNearSeat(layers: CountyLayers): Patch[] {
  const [sx, sy] = layers.county.seatPlane
  const dist = (p: Patch): number =>
    Math.hypot((p.box.xmin + p.box.xmax) / 2 - sx, (p.box.ymin + p.box.ymax) / 2 - sy)
  return layers.patches
    .filter((p) => p.farmland && p.box.xmax - p.box.xmin >= 120 && p.box.ymax - p.box.ymin >= 100)
    .sort((a, b) => dist(a) - dist(b))
}

/** A test for "inside this plane ring". */
export function insideRing(ring: Ring): (p: XY) => boolean {
  return (p) => pointInRing(p, ring)
}

/**
 * Per-parcel location checks after reprojection: a parcel must lie in China and inside the county
 * that files it (行政区划). With the county's boundary, most parcels are settled by a grid over the
 * boundary's box whose cells are classified once (inside, outside, crossed by the boundary); parcels
 * in crossed cells get an R-tree query of the boundary's edges and one point-in-polygon test; only
 * parcels that the boundary really crosses are clipped, to report the share outside. Without a boundary only the county's box can be used:
 * a parcel wholly outside the box is reported.
 */
import { bboxClip, difference, featureCollection, intersect, pointOnFeature } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { ellipsoidalAreaM2 } from '../area'
import { msg, tidyZh } from '../crs/lookup'
import type { BBox } from '../crs/detect'
import { CHINA_BBOX } from '../crs/shape'
import { finding, type Finding } from '../findings'
import type { PolygonCoords, Position } from '../formats/types'
import { BBoxIndex } from '../validate/bboxIndex'
import { at, parcelLabel, type Who } from '../validate/messages'

export interface CountyArea {
  /** 6-digit division code. */
  code: string
  /** Box in EPSG:4490. */
  bbox: BBox
  /** Boundary in EPSG:4490, when known. */
  boundary?: { type: 'MultiPolygon'; coordinates: number[][][][] } | null
}

export interface LocatedParcel {
  who: Who
  polygons4490: PolygonCoords[]
  areaM2: number
}

const GRID = 128

/** Outside area below this (m²) is boundary noise, not reported. */
export const OUTSIDE_TOLERANCE_M2 = 1

function bboxOf(polygons: PolygonCoords[]): BBox {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const p of polygons) {
    for (const q of p[0] ?? []) {
      if (q[0] < minX) minX = q[0]
      if (q[0] > maxX) maxX = q[0]
      if (q[1] < minY) minY = q[1]
      if (q[1] > maxY) maxY = q[1]
    }
  }
  return [minX, minY, maxX, maxY]
}

const disjoint = (a: BBox, b: BBox) => a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1]
const within = (a: BBox, b: BBox) => a[0] >= b[0] && a[2] <= b[2] && a[1] >= b[1] && a[3] <= b[3]

/** The boundary's edges, indexed, for point-in-polygon and "does the boundary pass here". */
class Boundary {
  private readonly xs: Float64Array
  private readonly index: BBoxIndex
  constructor(readonly geometry: { type: 'MultiPolygon'; coordinates: number[][][][] }) {
    const edges: number[] = []
    for (const polygon of geometry.coordinates) {
      for (const ring of polygon) {
        for (let i = 0; i + 1 < ring.length; i++) {
          edges.push(ring[i]![0]!, ring[i]![1]!, ring[i + 1]![0]!, ring[i + 1]![1]!)
        }
      }
    }
    this.xs = Float64Array.from(edges)
    const boxes = new Float64Array(edges.length)
    for (let e = 0; e < edges.length; e += 4) {
      boxes[e] = Math.min(edges[e]!, edges[e + 2]!)
      boxes[e + 1] = Math.min(edges[e + 1]!, edges[e + 3]!)
      boxes[e + 2] = Math.max(edges[e]!, edges[e + 2]!)
      boxes[e + 3] = Math.max(edges[e + 1]!, edges[e + 3]!)
    }
    this.index = new BBoxIndex(boxes)
    let minX = Infinity
    let minY = Infinity
    let maxX = -Infinity
    let maxY = -Infinity
    for (let e = 0; e < edges.length; e += 2) {
      minX = Math.min(minX, edges[e]!)
      maxX = Math.max(maxX, edges[e]!)
      minY = Math.min(minY, edges[e + 1]!)
      maxY = Math.max(maxY, edges[e + 1]!)
    }
    this.box = [minX, minY, maxX, maxY]
  }

  /**
   * Where a box lies: 1 inside, -1 outside, 0 undecided (the boundary passes near it). Decided per
   * grid cell, once: parcels next to each other share their cells, so a county's worth of parcels
   * costs a few hundred point-in-polygon tests, however long the boundary.
   */
  side(b: BBox): number {
    const [x0, y0, x1, y1] = this.box
    if (b[2] < x0 || b[0] > x1 || b[3] < y0 || b[1] > y1) return -1
    const w = (x1 - x0) / GRID
    const h = (y1 - y0) / GRID
    const i0 = Math.max(0, Math.floor((b[0] - x0) / w))
    const i1 = Math.min(GRID - 1, Math.floor((b[2] - x0) / w))
    const j0 = Math.max(0, Math.floor((b[1] - y0) / h))
    const j1 = Math.min(GRID - 1, Math.floor((b[3] - y0) / h))
    if ((i1 - i0 + 1) * (j1 - j0 + 1) > 16) return 0
    let side = 0
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const k = j * GRID + i
        let s = this.cells[k]!
        if (s === 0) {
          const cell: BBox = [x0 + i * w, y0 + j * h, x0 + (i + 1) * w, y0 + (j + 1) * h]
          s = this.passesThrough(cell)
            ? 2
            : this.contains([(cell[0] + cell[2]) / 2, (cell[1] + cell[3]) / 2])
              ? 1
              : -1
          this.cells[k] = s
        }
        if (s === 2 || (side !== 0 && s !== side)) return 0
        side = s
      }
    }
    // a box partly outside the grid is outside the boundary there
    if (b[0] < x0 || b[2] > x1 || b[1] < y0 || b[3] > y1) return side === -1 ? -1 : 0
    return side
  }

  private readonly hits: number[] = []
  /** A 128 × 128 grid over the boundary's box: 1 inside, -1 outside, 2 crossed by the boundary, 0 not yet known. */
  private readonly cells = new Int8Array(GRID * GRID)
  private readonly box: BBox

  /** Whether any boundary edge's box meets the box. */
  passesThrough(b: BBox): boolean {
    this.hits.length = 0
    this.index.search(b[0], b[1], b[2], b[3], this.hits)
    return this.hits.length > 0
  }

  /** Even-odd point-in-polygon against all rings of the boundary. */
  contains(p: Position): boolean {
    const [x, y] = p
    let inside = false
    const e = this.xs
    this.hits.length = 0
    this.index.search(x, y, Infinity, y, this.hits)
    for (const k of this.hits) {
      const x0 = e[4 * k]!
      const y0 = e[4 * k + 1]!
      const x1 = e[4 * k + 2]!
      const y1 = e[4 * k + 3]!
      if (y0 > y !== y1 > y && x < x0 + ((y - y0) * (x1 - x0)) / (y1 - y0)) inside = !inside
    }
    return inside
  }
}

function parcelFeature(polygons: PolygonCoords[]): Feature<Polygon | MultiPolygon> {
  return { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: polygons } }
}

function outsideFinding(
  who: Who,
  county: string,
  outsideM2: number,
  share: number,
  location: Position | null,
): Finding {
  const label = parcelLabel(who)
  const pct = share >= 0.9995 ? '100' : (share * 100).toFixed(share < 0.01 ? 2 : 1)
  const where = location ? `，如 ${at(location)}` : ''
  const whereEn = location ? `, e.g. at ${at(location)}` : ''
  const m = msg(
    tidyZh(
      `${label['zh-CN']}有 ${pct}%（约 ${outsideM2.toFixed(1)} 平方米）位于县 ${county} 行政区域之外${where}`,
    ),
    `${label.en}: ${pct}% (about ${outsideM2.toFixed(1)} m²) lies outside county ${county}${whereEn}`,
  )
  return finding('parcel.outside_county', 'error', m['zh-CN'], m.en, {
    featureIndex: who.index,
    parcelNo: who.parcelNo,
    location,
    details: { county, outsideM2: +outsideM2.toFixed(2), outsideShare: +share.toFixed(4) },
  })
}

/** Parcels (partly) outside China or outside the county; see the module header. */
export function checkLocations(
  parcels: readonly LocatedParcel[],
  county: CountyArea | undefined,
  toleranceM2 = OUTSIDE_TOLERANCE_M2,
): Finding[] {
  const findings: Finding[] = []
  const boundary = county?.boundary ? new Boundary(county.boundary) : null
  for (const parcel of parcels) {
    const { who, polygons4490 } = parcel
    const box = bboxOf(polygons4490)
    if (!within(box, CHINA_BBOX)) {
      const label = parcelLabel(who)
      const p = polygons4490[0]![0]![0]!
      const m = msg(
        tidyZh(`${label['zh-CN']}位于中国范围之外（如 ${at(p)}）：请核对坐标`),
        `${label.en}: lies outside China (e.g. at ${at(p)}): check its coordinates`,
      )
      findings.push(
        finding('parcel.outside_china', 'error', m['zh-CN'], m.en, {
          featureIndex: who.index,
          parcelNo: who.parcelNo,
          location: [p[0], p[1]],
        }),
      )
      continue
    }
    if (!county) continue
    if (disjoint(box, county.bbox)) {
      findings.push(outsideFinding(who, county.code, parcel.areaM2, 1, polygons4490[0]![0]![0]!))
      continue
    }
    if (!boundary) continue
    const side = boundary.side(box)
    if (side === 1) continue
    if (side === -1) {
      findings.push(outsideFinding(who, county.code, parcel.areaM2, 1, polygons4490[0]![0]![0]!))
      continue
    }
    if (!boundary.passesThrough(box)) {
      if (!boundary.contains(polygons4490[0]![0]![0]!)) {
        findings.push(outsideFinding(who, county.code, parcel.areaM2, 1, polygons4490[0]![0]![0]!))
      }
      continue
    }
    // the boundary passes through the parcel's box: clip to measure
    const pad = Math.max(box[2] - box[0], box[3] - box[1]) * 0.1 + 1e-6
    const clipBox: BBox = [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]
    const near = bboxClip(
      { type: 'Feature', properties: {}, geometry: boundary.geometry } as Feature<MultiPolygon>,
      clipBox,
    ) as Feature<Polygon | MultiPolygon>
    const subject = parcelFeature(polygons4490)
    const inside = intersect(featureCollection([subject, near]))
    const insideM2 = inside
      ? ellipsoidalAreaM2(
          (inside.geometry.type === 'Polygon'
            ? [inside.geometry.coordinates]
            : inside.geometry.coordinates) as Position[][][],
        )
      : 0
    const outsideM2 = Math.max(0, parcel.areaM2 - insideM2)
    if (outsideM2 <= toleranceM2) continue
    const rest = difference(featureCollection([subject, near]))
    const p = rest ? pointOnFeature(rest).geometry.coordinates : polygons4490[0]![0]![0]!
    findings.push(outsideFinding(who, county.code, outsideM2, outsideM2 / parcel.areaM2, [p[0]!, p[1]!]))
  }
  return findings
}

/**
 * Areas on the CGCS2000 ellipsoid (GRS 1980: a = 6 378 137 m, 1/f = 298.257222101), the way
 * PostGIS's `ST_Area(geom::geography)` measures them, without a database.
 *
 * Method: each polygon is projected with the Lambert azimuthal equal-area projection centred on the
 * polygon, in its ellipsoidal form (Snyder, "Map Projections — A Working Manual", pp. 187–190), and
 * measured with the shoelace formula. An equal-area projection keeps every area exactly; the only
 * difference from the geodesic area PostGIS computes is that an edge is straight in the projection
 * instead of a geodesic, which for parcel-sized edges (up to a few km) is far below 0.001 %.
 *
 * The projection is written out here rather than built with proj4 per polygon: the centre changes for
 * every parcel, and building a proj4 converter costs more than measuring the parcel. The scale
 * factor D of the ellipsoidal form (x·D, y/D) is left out: it stretches x and shrinks y by the same
 * factor, so it changes no area.
 *
 * Why not the Gauss-Krüger plane the survey was made in: a GK projection is conformal, not equal-area;
 * its plane areas grow with the distance from the central meridian (k ≈ 1 + x²/2R², so 100 km off the
 * meridian a plane area is 0.025 % larger than on the ellipsoid, 150 km off 0.055 %).
 */
import type { Position } from './formats/types'

const A = 6378137
const F = 1 / 298.257222101
const E2 = F * (2 - F)
const E = Math.sqrt(E2)
const DEG = Math.PI / 180

/** Snyder's q(φ), from sin φ. */
function q(sinPhi: number): number {
  const es = E * sinPhi
  return (1 - E2) * (sinPhi / (1 - es * es) - (1 / (2 * E)) * Math.log((1 - es) / (1 + es)))
}

const QP = q(1)
/** Radius of the authalic sphere (the sphere of the same surface as the ellipsoid). */
const RQ = A * Math.sqrt(QP / 2)

/** sin β of the authalic latitude β of a geodetic latitude in degrees. */
function sinAuthalic(latDeg: number): number {
  return q(Math.sin(latDeg * DEG)) / QP
}

/** Area of one ring in m² (absolute), closed or not, in the projection centred at (lon0, sinB1, cosB1). */
function ringArea(ring: readonly Position[], lon0: number, sinB1: number, cosB1: number): number {
  const n = ring.length
  if (n < 3) return 0
  let sum = 0
  let x0 = 0
  let y0 = 0
  let px = 0
  let py = 0
  for (let i = 0; i < n; i++) {
    const p = ring[i]!
    const sinB = sinAuthalic(p[1])
    const cosB = Math.sqrt(1 - sinB * sinB)
    const dl = (p[0] - lon0) * DEG
    const cosL = Math.cos(dl)
    const k = RQ * Math.sqrt(2 / (1 + sinB1 * sinB + cosB1 * cosB * cosL))
    const x = k * cosB * Math.sin(dl)
    const y = k * (cosB1 * sinB - sinB1 * cosB * cosL)
    if (i === 0) {
      x0 = x
      y0 = y
    } else {
      sum += px * y - x * py
    }
    px = x
    py = y
  }
  sum += px * y0 - x0 * py
  return Math.abs(sum) / 2
}

/**
 * Area in m² on the CGCS2000 ellipsoid of a MultiPolygon's coordinates in EPSG:4490 (lon/lat):
 * outer rings minus holes, summed over the parts. Ring orientation does not matter.
 */
export function ellipsoidalAreaM2(polygons: readonly (readonly (readonly Position[])[])[]): number {
  let minLon = Infinity
  let maxLon = -Infinity
  let minLat = Infinity
  let maxLat = -Infinity
  for (const polygon of polygons) {
    const shell = polygon[0]
    if (!shell) continue
    for (const p of shell) {
      if (p[0] < minLon) minLon = p[0]
      if (p[0] > maxLon) maxLon = p[0]
      if (p[1] < minLat) minLat = p[1]
      if (p[1] > maxLat) maxLat = p[1]
    }
  }
  if (!(minLon <= maxLon)) return 0
  const lon0 = (minLon + maxLon) / 2
  const sinB1 = sinAuthalic((minLat + maxLat) / 2)
  const cosB1 = Math.sqrt(1 - sinB1 * sinB1)
  let area = 0
  for (const polygon of polygons) {
    polygon.forEach((ring, i) => {
      const a = ringArea(ring, lon0, sinB1, cosB1)
      area += i === 0 ? a : -a
    })
  }
  return area
}

/** Square metres to hectares (公顷). */
export function m2ToHa(m2: number): number {
  return m2 / 10_000
}

/** Square metres to mu (亩): 1 mu = 10 000 / 15 m² ≈ 666.67 m². */
export function m2ToMu(m2: number): number {
  return (m2 * 15) / 10_000
}

/**
 * The generator designs shapes in metres and stores them in CGCS2000 lon/lat (EPSG:4490).
 *
 * Layers are laid out in one plane for the whole province, CGCS2000 3° Gauss-Krüger zone 36
 * (EPSG:4524): the province is at most ~2° from its central meridian, where the scale error stays
 * below 0.1%, which does not matter for invented field shapes. Filing parcels are designed in their
 * own county's zone (the CRS a surveyor would use) by `filings.ts`.
 */
import { transformer } from '../../gis/crs'
import { round, type Ring, type XY } from './geometry'

export const PLANE_EPSG = 4524
export const LONLAT_EPSG = 4490
/** Decimals of lon/lat in the committed layers (1e-7° ≈ 1 cm). */
export const LONLAT_DECIMALS = 7

const planeToLonLat = transformer(PLANE_EPSG, LONLAT_EPSG)

export function toPlane(p: XY): XY {
  return planeToLonLat.inverse(p) as XY
}

export function toLonLat(p: XY): XY {
  return planeToLonLat.forward(p) as XY
}

/** Plane ring → lon/lat ring rounded to 7 decimals, without consecutive duplicates. */
export function ringToLonLat(ring: Ring): Ring {
  const out: Ring = []
  for (const p of ring) {
    const [lon, lat] = toLonLat(p)
    const q: XY = [round(lon, LONLAT_DECIMALS), round(lat, LONLAT_DECIMALS)]
    const last = out[out.length - 1]
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q)
  }
  return out
}

export function ringToPlane(ring: Ring): Ring {
  return ring.map(toPlane)
}

/** A converter between two EPSG codes for [x, y] pairs. */
export function converter(from: number, to: number): { forward(p: XY): XY; inverse(p: XY): XY } {
  const t = transformer(from, to)
  return { forward: (p) => t.forward(p) as XY, inverse: (p) => t.inverse(p) as XY }
}

import type { PolygonCoords, Position } from '../../../gis/formats/types'
import type { FeatureToValidate } from '../../../gis/validate'

/** A point `x`, `y` steps of 0.0001° (about 10 m) from 107°E, 27°N. */
export const P = (x: number, y: number): Position => [
  +(107 + x * 1e-4).toFixed(9),
  +(27 + y * 1e-4).toFixed(9),
]

export const ring = (...pts: [number, number][]): Position[] => pts.map(([x, y]) => P(x, y))

/** An axis-aligned square ring, closed, counter-clockwise (clockwise with `cw`). */
export function square(x0: number, y0: number, x1: number, y1: number, cw = false): Position[] {
  const r = ring([x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0])
  return cw ? r.reverse() : r
}

/** A feature whose source coordinates are its lon/lat (as from a GeoJSON upload). */
export function lonLatFeature(
  index: number,
  polygons: PolygonCoords[] | null,
  parcelNo: string | null = `DK-${index + 1}`,
  declaredAreaM2: number | null = null,
): FeatureToValidate {
  return { index, parcelNo, declaredAreaM2, polygons, polygons4490: polygons }
}

/**
 * The one proj4 instance of the Node side (server, CLI, sample generator), with the registry installed.
 * The browser registers the same registry into its own proj4 (client/src/map/projections.ts).
 */
import proj4 from 'proj4'
import { epsg, registerAll, STORAGE_SRID } from './registry'

registerAll(proj4)

export { proj4 }

export type Position = [number, number]

/** A converter between two EPSG codes; `forward` and `inverse` take and return [x, y] in GIS axis order. */
export function transformer(from: number, to: number): proj4.Converter {
  return proj4(epsg(from), epsg(to))
}

/** A converter from an EPSG code to the storage CRS (EPSG:4490, lon/lat). */
export function toStorage(from: number): proj4.Converter {
  return transformer(from, STORAGE_SRID)
}

/**
 * Teaches OpenLayers the coordinate reference systems of the gis registry, once per page.
 *
 * OpenLayers knows only EPSG:4326 and EPSG:3857. The API speaks CGCS2000 (EPSG:4490) and surveys come in
 * its Gauss-Krüger zones (and, in old archives, Xian 1980 / Beijing 1954). The definitions are the
 * server's own: `registerAll(proj4)` from gis/crs/registry installs them into proj4, and this module
 * makes each of them an OpenLayers projection with proj4 transforms.
 *
 * Why not `register(proj4)` from ol/proj/proj4: it creates a transform for every ordered pair of the
 * codes proj4 knows. The registry's 197 codes plus proj4's 130 built-in UTM zones make ~105 000 pairs,
 * measured at about 2 s of blocked main thread (70 ms even for the CGCS2000 family alone). Every CRS here
 * instead gets transforms to and from the three hubs the map uses: EPSG:4490 (API and storage),
 * EPSG:4326 and EPSG:3857 (view and tiles), ~1 200 transforms in a few milliseconds. A direct
 * zone-to-zone transform is not installed: go through EPSG:4490.
 */
import proj4 from 'proj4'
import { addCoordinateTransforms, addProjection, get as getProjection, getTransform } from 'ol/proj'
import Projection from 'ol/proj/Projection'
import type { Coordinate } from 'ol/coordinate'
import { CRS_REGISTRY, STORAGE_SRID, epsg, registerAll } from '../../../gis/crs/registry'

/** The CRS of every geometry the API sends and receives (CGCS2000 lon/lat). */
export const DATA_PROJECTION = epsg(STORAGE_SRID)

const HUBS = [DATA_PROJECTION, 'EPSG:4326', 'EPSG:3857']
const WORLD_LONLAT = [-180, -90, 180, 90]

let installed = false

/** Makes EPSG:4490, the Gauss-Krüger zones, Xian 1980 and Beijing 1954 known to OpenLayers (idempotent). */
export function ensureProjections(): void {
  if (installed) return
  registerAll(proj4)

  for (const def of CRS_REGISTRY.values()) {
    const code = epsg(def.code)
    if (getProjection(code)) continue
    const geographic = def.kind === 'geographic'
    addProjection(
      new Projection({
        code,
        units: geographic ? 'degrees' : 'm',
        ...(geographic ? { extent: WORLD_LONLAT, worldExtent: WORLD_LONLAT, global: true } : {}),
      }),
    )
  }

  for (const def of CRS_REGISTRY.values()) {
    const code = epsg(def.code)
    for (const hub of HUBS) {
      if (hub === code || getTransform(code, hub)) continue
      const converter = proj4(code, hub)
      addCoordinateTransforms(
        code,
        hub,
        (c: Coordinate) => converter.forward(c),
        (c: Coordinate) => converter.inverse(c),
      )
    }
  }
  installed = true
}

ensureProjections()

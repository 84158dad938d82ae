/**
 * An upload's preview (GET/POST /api/filings/:id/uploads…): its parcels drawn above the filing's own
 * parcels, coloured by each parcel's worst finding, and a marker at the place a finding points at.
 * Preview features are identified by their position in the file (`properties.index`), which is what
 * `Finding.featureIndex` refers to.
 */
import Feature from 'ol/Feature'
import type { FeatureCollection, Geometry } from 'geojson'
import Point from 'ol/geom/Point'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { transform, type ProjectionLike } from 'ol/proj'
import { setLayerMeta } from './layerMeta'
import { readFeaturesWithIds, selectedParcel, type ParcelLayer } from './parcelLayer'
import { DATA_PROJECTION } from './projections'
import { findingMarkerStyle, previewParcelStyle } from './styles'

/** The id of a preview parcel: its position in the file (`properties.index`), else its position here. */
export function previewParcelId(properties: unknown, position: number): number {
  const index = (properties as { index?: unknown } | null)?.index
  return typeof index === 'number' && Number.isInteger(index) ? index : position
}

/** A preview's parcels as OpenLayers features (null geometries skipped), in the view projection. */
export function readPreviewParcels(
  collection: FeatureCollection<Geometry | null>,
  viewProjection: ProjectionLike,
): Feature[] {
  return readFeaturesWithIds(collection, viewProjection, (geojson, position) =>
    previewParcelId(geojson.properties, position),
  )
}

/** The preview layer: above the filing's parcels; `setSelectedParcel` (parcelLayer.ts) highlights one. */
export function createPreviewLayer(): ParcelLayer {
  const layer: ParcelLayer = new VectorLayer({
    source: new VectorSource<Feature>(),
    style: previewParcelStyle((feature) => feature.getId() === selectedParcel(layer)),
    zIndex: 21,
  })
  setLayerMeta(layer, { key: 'preview', group: 'parcels', title: 'map.previewParcels' })
  return layer
}

export type MarkerLayer = VectorLayer<VectorSource<Feature<Point>>>

/** The layer of the finding marker (one point at most); not listed in the layer switcher. */
export function createMarkerLayer(): MarkerLayer {
  return new VectorLayer({
    source: new VectorSource<Feature<Point>>(),
    style: findingMarkerStyle,
    zIndex: 30,
  })
}

/** Puts the marker at an EPSG:4490 [lon, lat] (or removes it); returns the point in the view projection. */
export function setMarker(
  layer: MarkerLayer,
  location: [number, number] | null,
  severity: string | null,
  viewProjection: ProjectionLike,
): Point | null {
  const source = layer.getSource()!
  source.clear()
  if (!location) return null
  const point = new Point(transform(location, DATA_PROJECTION, viewProjection))
  source.addFeature(new Feature({ geometry: point, severity }))
  return point
}

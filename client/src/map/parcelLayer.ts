/**
 * Parcels (地块) from a GeoJSON FeatureCollection in EPSG:4490: a filing's parcels, or the approved
 * parcels of the public map. Each feature gets an id (the GeoJSON id, else `properties.id`, else its
 * index) so that a list beside the map and a click on the map select the same parcel.
 */
import type Feature from 'ol/Feature'
import type { Feature as GeoJsonFeature, FeatureCollection, Geometry } from 'geojson'
import GeoJSON from 'ol/format/GeoJSON'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import type { ProjectionLike } from 'ol/proj'
import { setLayerMeta } from './layerMeta'
import { DATA_PROJECTION } from './projections'
import { parcelStyle, type ParcelTheme } from './styles'

export type ParcelId = string | number

export type ParcelLayer = VectorLayer<VectorSource<Feature>>

const format = new GeoJSON({ dataProjection: DATA_PROJECTION })
const SELECTED = 'selectedParcelId'

/** The id of the index-th parcel of a collection: its GeoJSON id, else `properties.id`, else the index. */
export function parcelId(feature: GeoJsonFeature, index: number): ParcelId {
  const fromProperties = (feature.properties as { id?: unknown } | null)?.id
  if (feature.id !== undefined) return feature.id
  if (typeof fromProperties === 'string' || typeof fromProperties === 'number') return fromProperties
  return index
}

/** The parcels of a collection as OpenLayers features with ids, in the view projection. */
export function readParcels(collection: FeatureCollection, viewProjection: ProjectionLike): Feature[] {
  const features = format.readFeatures(collection, { featureProjection: viewProjection }) as Feature[]
  features.forEach((feature, index) => feature.setId(parcelId(collection.features[index]!, index)))
  return features
}

/**
 * The features of a collection that have a geometry, as OpenLayers features in the view projection, each
 * with the id `idOf` gives it (from the GeoJSON feature and its position in the collection).
 */
export function readFeaturesWithIds(
  collection: FeatureCollection<Geometry | null>,
  viewProjection: ProjectionLike,
  idOf: (feature: GeoJsonFeature<Geometry | null>, position: number) => ParcelId,
): Feature[] {
  const features: Feature[] = []
  collection.features.forEach((geojson, position) => {
    if (!geojson.geometry) return
    const feature = format.readFeature(geojson, { featureProjection: viewProjection }) as Feature
    feature.setId(idOf(geojson, position))
    features.push(feature)
  })
  return features
}

/** A layer of parcels, drawn above the boundaries; `setSelectedParcel` highlights one. */
export function createParcelLayer(theme: ParcelTheme, features: Feature[] = []): ParcelLayer {
  const layer: ParcelLayer = new VectorLayer({
    source: new VectorSource<Feature>({ features }),
    style: parcelStyle(theme, (feature) => feature.getId() === layer.get(SELECTED)),
    declutter: 'parcels',
    zIndex: 20,
  })
  setLayerMeta(layer, {
    key: 'parcels',
    group: 'parcels',
    title: theme === 'public' ? 'map.approvedParcels' : 'map.filingParcels',
  })
  return layer
}

/** Highlights one parcel (or none). */
export function setSelectedParcel(layer: ParcelLayer, id: ParcelId | null): void {
  layer.set(SELECTED, id)
  layer.changed()
}

/** The id of the highlighted parcel. */
export function selectedParcel(layer: ParcelLayer): ParcelId | null {
  return (layer.get(SELECTED) as ParcelId | undefined) ?? null
}

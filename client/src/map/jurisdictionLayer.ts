/**
 * Jurisdiction boundaries (行政区划) from GET /api/jurisdictions: province, city and county outlines
 * with names by zoom. Loaded once (the server simplifies them for display).
 */
import type Feature from 'ol/Feature'
import GeoJSON from 'ol/format/GeoJSON'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { getJurisdictions } from '../api'
import { setLayerMeta } from './layerMeta'
import { DATA_PROJECTION } from './projections'
import { jurisdictionStyle } from './styles'

const format = new GeoJSON({ dataProjection: DATA_PROJECTION })

/** The boundaries layer; its source fires `featuresloadend` once the boundaries are in. */
export function createJurisdictionLayer(): VectorLayer<VectorSource<Feature>> {
  const source: VectorSource<Feature> = new VectorSource<Feature>({
    loader: (_extent, _resolution, projection, success, failure) => {
      getJurisdictions()
        .then((collection) => {
          const features = format.readFeatures(collection, { featureProjection: projection }) as Feature[]
          source.addFeatures(features)
          success?.(features)
        })
        .catch(() => {
          failure?.()
          source.changed()
        })
    },
  })
  const layer = new VectorLayer({ source, style: jurisdictionStyle, declutter: true, zIndex: 10 })
  setLayerMeta(layer, { key: 'boundaries', group: 'boundaries', title: 'map.boundaries' })
  return layer
}

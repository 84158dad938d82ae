/**
 * What the layer switcher and the legend need to know about an OpenLayers layer, kept as layer
 * properties so the map stays the single source of truth.
 */
import type BaseLayer from 'ol/layer/Base'
import type { LayerKind } from '../types'

export type LayerGroupName = 'basemap' | 'reference' | 'boundaries' | 'parcels'

export interface LayerMeta {
  /** Stable key, e.g. `reference:permanent_farmland`; used in data-testids. */
  key: string
  group: LayerGroupName
  /** An i18n key, or the server's bilingual name (reference layers). */
  title: string | { zh: string; en: string }
  /** Reference layers: the kind, for the legend. */
  kind?: LayerKind
  /** The zoom from which the layer is drawn (LayerInfo.minZoom), for a hint in the switcher. */
  fromZoom?: number
}

const META = 'landuseMeta'

/** Attaches switcher/legend metadata to a layer. */
export function setLayerMeta(layer: BaseLayer, meta: LayerMeta): void {
  layer.set(META, meta)
}

/** The metadata of a layer, or undefined for layers the switcher does not list. */
export function layerMeta(layer: BaseLayer): LayerMeta | undefined {
  return layer.get(META) as LayerMeta | undefined
}

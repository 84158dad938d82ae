/**
 * Reference layers (永久基本农田, 耕地, 规划管制区, 生态保护红线, 城镇开发边界): one vector layer per
 * `LayerInfo` of GET /api/layers, loading features for the visible extent from
 * GET /api/layers/:kind/features?bbox=…&resolution=… .
 *
 * The bbox is sent in EPSG:4490 lon/lat and the resolution in degrees per pixel, so the server can
 * simplify geometry to what a pixel can show and cap the count (`truncated: true`). That makes a plain
 * bbox strategy wrong when zooming in: OpenLayers never reloads an extent it has loaded, and the
 * coarse geometry or the truncated set would stay. The strategy below forgets extents loaded at a
 * resolution more than REFINE_FACTOR coarser than the current one (and truncated loads at any coarser
 * one); the reload then replaces the geometry of features already present (matched by id).
 */
import type Feature from 'ol/Feature'
import GeoJSON from 'ol/format/GeoJSON'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import { getWidth, type Extent } from 'ol/extent'
import { transformExtent, type ProjectionLike } from 'ol/proj'
import { getLayerFeatures } from '../api'
import type { LayerInfo, LayerKind, LonLatBbox } from '../types'
import { setLayerMeta } from './layerMeta'
import { DATA_PROJECTION } from './projections'
import { referenceLayerStyle } from './styles'

/** Reload an extent once the view is this many times finer than when it was loaded. */
const REFINE_FACTOR = 2.5
/** OpenLayers draws a layer when zoom > minZoom; LayerInfo.minZoom means "from this zoom on". */
const MIN_ZOOM_INCLUSIVE = 1e-6

/** A view extent as an EPSG:4490 bbox, clamped to valid longitudes and latitudes, 7 decimals. */
export function toLonLatBbox(extent: Extent, projection: ProjectionLike): LonLatBbox {
  const [minLon, minLat, maxLon, maxLat] = transformExtent(extent, projection, DATA_PROJECTION)
  const round = (v: number) => Math.round(v * 1e7) / 1e7
  return [
    round(Math.max(-180, minLon!)),
    round(Math.max(-90, minLat!)),
    round(Math.min(180, maxLon!)),
    round(Math.min(90, maxLat!)),
  ]
}

interface LoadedExtent {
  extent: Extent
  resolution: number
  truncated: boolean
}

const format = new GeoJSON({ dataProjection: DATA_PROJECTION })

/** The source of one reference layer, loading by bbox and refining on zoom-in. */
export function createReferenceSource(kind: LayerKind): VectorSource<Feature> {
  const loaded: LoadedExtent[] = []
  const loadedResolution = new WeakMap<Feature, number>()

  const source: VectorSource<Feature> = new VectorSource<Feature>({
    strategy: (extent, resolution) => {
      for (let i = loaded.length - 1; i >= 0; i--) {
        const l = loaded[i]!
        const coarser =
          l.resolution > resolution * REFINE_FACTOR || (l.truncated && l.resolution > resolution)
        if (coarser) {
          source.removeLoadedExtent(l.extent)
          loaded.splice(i, 1)
        }
      }
      source.set(
        'truncated',
        loaded.some((l) => l.truncated),
      )
      return [extent]
    },
    loader: (extent, resolution, projection, success, failure) => {
      const bbox = toLonLatBbox(extent, projection)
      if (bbox[0] >= bbox[2] || bbox[1] >= bbox[3]) {
        success?.([]) // outside the valid lon/lat range: nothing to ask for
        source.changed()
        return
      }
      // The server accepts at most 1° per pixel (coarser than zoom 1 anyway).
      const degreesPerPixel = Math.min(1, (bbox[2] - bbox[0]) / (getWidth(extent) / resolution))
      getLayerFeatures(kind, bbox, Number(degreesPerPixel.toPrecision(4)))
        .then((collection) => {
          const features = format.readFeatures(collection, { featureProjection: projection }) as Feature[]
          const added: Feature[] = []
          for (const feature of features) {
            const id = feature.getId() ?? (feature.get('id') as string | number | undefined)
            if (id === undefined) {
              added.push(feature)
              continue
            }
            feature.setId(id)
            const existing = source.getFeatureById(id) as Feature | null
            if (!existing) {
              added.push(feature)
              loadedResolution.set(feature, resolution)
            } else if ((loadedResolution.get(existing) ?? Infinity) > resolution) {
              existing.setGeometry(feature.getGeometry())
              loadedResolution.set(existing, resolution)
            }
          }
          loaded.push({ extent, resolution, truncated: collection.truncated === true })
          source.set(
            'truncated',
            loaded.some((l) => l.truncated),
          )
          source.addFeatures(added)
          success?.(added)
        })
        .catch(() => {
          // The error was shown by api.ts. The extent stays marked as loaded (no retry loop); a redraw
          // lets the map finish its render cycle.
          failure?.()
          source.changed()
        })
    },
  })
  return source
}

/** One vector layer for a reference layer, drawn from its `minZoom`, styled by class code. */
export function createReferenceLayer(info: LayerInfo): VectorLayer<VectorSource<Feature>> {
  const layer = new VectorLayer({
    source: createReferenceSource(info.kind),
    style: referenceLayerStyle(info),
    minZoom: info.minZoom - MIN_ZOOM_INCLUSIVE,
    opacity: 0.8,
  })
  setLayerMeta(layer, {
    key: `reference:${info.kind}`,
    group: 'reference',
    title: { zh: info.nameZh, en: info.nameEn },
    kind: info.kind,
    fromZoom: info.minZoom,
  })
  return layer
}

/** Vector layers for every reference layer, in the API's order (the first is drawn at the bottom). */
export function createReferenceLayers(infos: readonly LayerInfo[]): VectorLayer<VectorSource<Feature>>[] {
  return infos.map(createReferenceLayer)
}

/**
 * `createMap(target, options)`: the one place that creates an `ol/Map`. Views use `LandMap.vue`, which
 * calls this and adds reference layers and parcels.
 *
 * The view is EPSG:3857 (Web Mercator), not EPSG:4490: basemap tiles (Tianditu `_w`, ordinary XYZ
 * services) come in Web Mercator and would otherwise be reprojected raster by raster; the API's zoom
 * levels (`LayerInfo.minZoom`) are Web-Mercator levels; and the shapes of parcels stay true to what
 * surveyors see. Data stays EPSG:4490 on the wire: the readers transform on the way in.
 *
 * No remote basemap by default (the server's CSP allows only itself). When GET /api/config names one
 * (`tianditu` with a key, or an `xyz`/`wmts` URL template), it is drawn below everything.
 *
 * For automated browser tests, the target element carries `data-rendered="true"` after each
 * `rendercomplete` (reset to "false" when loading starts) and `data-feature-count` = the number of
 * features in all vector sources.
 */
import OlMap from 'ol/Map'
import View from 'ol/View'
import LayerGroup from 'ol/layer/Group'
import TileLayer from 'ol/layer/Tile'
import VectorSource from 'ol/source/Vector'
import XYZ from 'ol/source/XYZ'
import ScaleLine from 'ol/control/ScaleLine'
import { defaults as defaultControls } from 'ol/control/defaults'
import { isEmpty, type Extent } from 'ol/extent'
import { fromLonLat } from 'ol/proj'
import { loadConfig } from '../config'
import { currentLocale } from '../i18n'
import type { Basemap } from '../types'
import { createJurisdictionLayer } from './jurisdictionLayer'
import { setLayerMeta } from './layerMeta'
import 'ol/ol.css'
import './projections'

export const VIEW_PROJECTION = 'EPSG:3857'

/** Before the boundaries arrive: China, roughly. */
const INITIAL_CENTER = fromLonLat([108, 34], VIEW_PROJECTION)
const INITIAL_ZOOM = 4
const FIT_PADDING = [24, 24, 24, 24]

export interface CreateMapOptions {
  /** Draw the basemap configured on the server, if any (default true). */
  basemap?: boolean
  /** Fit the view to the jurisdictions once loaded ('province', default) or leave it to the caller. */
  fit?: 'province' | 'none'
  /** Zoom buttons, attribution and scale line (default true); a map exported as an image has none. */
  controls?: boolean
  /** Pan, zoom and click (default true). */
  interactive?: boolean
  /** Device pixels per CSS pixel (default: the screen's); an exported map image asks for more. */
  pixelRatio?: number
}

/** An `ol/Map` in EPSG:3857 with jurisdiction boundaries, a scale line and the configured basemap. */
export function createMap(target: HTMLElement, options: CreateMapOptions = {}): OlMap {
  const { basemap = true, fit = 'province', controls = true, interactive = true, pixelRatio } = options
  const jurisdictions = createJurisdictionLayer()
  const map = new OlMap({
    target,
    layers: [jurisdictions],
    controls: controls
      ? defaultControls({ rotate: false, attributionOptions: { collapsible: true } }).extend([
          new ScaleLine({ units: 'metric' }),
        ])
      : [],
    ...(interactive ? {} : { interactions: [] }),
    ...(pixelRatio ? { pixelRatio } : {}),
    view: new View({
      projection: VIEW_PROJECTION,
      center: INITIAL_CENTER,
      zoom: INITIAL_ZOOM,
      maxZoom: 20,
      enableRotation: false,
    }),
  })

  if (fit === 'province') {
    jurisdictions.getSource()?.once('featuresloadend', () => {
      const extent = jurisdictions.getSource()?.getExtent()
      if (extent) fitExtent(map, extent)
    })
  }

  let setupPending = 0
  if (basemap) {
    setupPending++
    void loadConfig()
      .then((config) => {
        if (config?.basemap) map.getLayers().insertAt(0, createBasemap(config.basemap))
      })
      .finally(() => {
        setupPending--
        map.render()
      })
  }
  trackRenderStatus(map, target, () => setupPending === 0)
  return map
}

/**
 * Fits the view to an extent in the view projection (no-op for an empty extent). `context` > 0 leaves
 * that share of the map's width and height around the extent, to show a single parcel's surroundings.
 */
export function fitExtent(map: OlMap, extent: Extent, maxZoom = 17, context = 0): void {
  if (isEmpty(extent) || !extent.every(Number.isFinite)) return
  const [width = 0, height = 0] = map.getSize() ?? []
  const padding =
    context > 0 ? [height * context, width * context, height * context, width * context] : FIT_PADDING
  map.getView().fit(extent, { padding, maxZoom })
}

/** The number of features in all vector sources of the map. */
export function countFeatures(map: OlMap): number {
  let count = 0
  for (const layer of map.getAllLayers()) {
    const source = layer.getSource()
    if (source instanceof VectorSource) count += source.getFeatures().length
  }
  return count
}

/** Redraws every layer, e.g. after a locale switch changed label texts. */
export function redraw(map: OlMap): void {
  for (const layer of map.getAllLayers()) layer.changed()
}

/** Detaches the map from the page and frees its resources. */
export function disposeMap(map: OlMap): void {
  map.setTarget(undefined)
  map.dispose()
}

function trackRenderStatus(map: OlMap, target: HTMLElement, setupDone: () => boolean): void {
  target.dataset.rendered = 'false'
  target.dataset.featureCount = '0'
  map.on('loadstart', () => {
    target.dataset.rendered = 'false'
  })
  map.on('rendercomplete', () => {
    target.dataset.featureCount = String(countFeatures(map))
    if (setupDone()) target.dataset.rendered = 'true'
  })
}

// --- Basemap -------------------------------------------------------------------------------------------

const TIANDITU_ATTRIBUTION =
  '© <a href="https://www.tianditu.gov.cn/" target="_blank" rel="noopener">天地图</a>'

function tiandituUrl(layer: string, key: string): string {
  return (
    `https://t{0-7}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0` +
    `&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}` +
    `&tk=${encodeURIComponent(key)}`
  )
}

/** A WMTS KVP/REST template in GoogleMapsCompatible tiling, rewritten to XYZ placeholders. */
function xyzTemplate(url: string): string {
  return url
    .replace(/\{TileMatrix\}/gi, '{z}')
    .replace(/\{TileRow\}/gi, '{y}')
    .replace(/\{TileCol\}/gi, '{x}')
}

/**
 * The configured basemap as one switchable group. Tianditu: vector map (vec_w) with its annotation
 * layer, Chinese (cva_w) or English (eva_w) by the locale at creation.
 */
export function createBasemap(basemap: Basemap): LayerGroup {
  let layers: TileLayer[]
  if (basemap.type === 'tianditu') {
    const annotation = currentLocale() === 'en' ? 'eva' : 'cva'
    layers = ['vec', annotation].map(
      (name) =>
        new TileLayer({
          source: new XYZ({
            url: tiandituUrl(name, basemap.key),
            attributions: TIANDITU_ATTRIBUTION,
            maxZoom: 18,
          }),
        }),
    )
  } else {
    layers = [
      new TileLayer({
        source: new XYZ({ url: xyzTemplate(basemap.url), attributions: basemap.attribution || undefined }),
      }),
    ]
  }
  const group = new LayerGroup({ layers })
  setLayerMeta(group, { key: 'basemap', group: 'basemap', title: 'map.basemap' })
  return group
}

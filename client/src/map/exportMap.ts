/**
 * A map as a PNG image (for the printable check report): an OpenLayers map of fixed size is made
 * off-screen through `createMap` (no basemap, no controls, no interactions), with the jurisdiction
 * boundaries, the parcels coloured by their check outcome and the hatched overlap shapes; once it has
 * rendered everything (`rendercomplete`), its layer canvases are composed into one canvas as in the
 * OpenLayers "export map" example, a scale bar and a north arrow are drawn on it, and the canvas is
 * returned as a `data:image/png` URL. `createMapExporter` keeps the map for several images (the filing,
 * then single parcels); `renderMapImage` makes one and disposes of the map.
 *
 * Nothing is fetched from another origin (which would taint the canvas): the boundaries come from the
 * API, the hatch is a canvas pattern.
 */
import type { FeatureCollection, Geometry } from 'geojson'
import type OlMap from 'ol/Map'
import { createEmpty, extend, isEmpty, type Extent } from 'ol/extent'
import { getPointResolution, transformExtent } from 'ol/proj'
import type { CheckOutcome, LonLatBbox } from '../types'
import { applyOutcomes, createOverlapLayer, readOverlaps } from './checkLayer'
import { createMap, disposeMap } from './createMap'
import { createParcelLayer, readParcels, type ParcelId } from './parcelLayer'
import { DATA_PROJECTION } from './projections'

export interface MapImageOptions {
  parcels: FeatureCollection | null
  /** Parcel id (as a string) → check outcome. */
  outcomes?: Readonly<Record<string, CheckOutcome>> | null
  overlaps?: FeatureCollection<Geometry | null> | null
  /** CSS pixels of the map (default 900 × 600). */
  width?: number
  height?: number
  /** Device pixels per CSS pixel of the image (default 2: sharp on paper). */
  pixelRatio?: number
  /** The letter of the north arrow ("北" / "N"). */
  north?: string
  /** Give up on one image after this long (default 30 s). */
  timeoutMs?: number
}

export interface MapExporter {
  /**
   * The map fitted to one parcel (by id) or an EPSG:4490 bbox, with some surroundings, or to all parcels
   * and shapes, as a PNG data URL. One image at a time: await each before asking for the next.
   */
  render(focus?: { parcelId: ParcelId } | { bbox: LonLatBbox } | null): Promise<string>
  /** Frees the map; call when done. */
  dispose(): void
}

const PADDING = 40

/**
 * An off-screen map for images of the same parcels and shapes at several places (the whole filing, then
 * each parcel): one OpenLayers map, re-fitted and re-rendered for each image.
 */
export function createMapExporter(options: MapImageOptions): MapExporter {
  const { width = 900, height = 600, pixelRatio = 2, north = 'N', timeoutMs = 30_000 } = options
  const element = document.createElement('div')
  Object.assign(element.style, {
    position: 'fixed',
    left: '-10000px',
    top: '0',
    width: `${width}px`,
    height: `${height}px`,
    background: '#ffffff',
  })
  element.setAttribute('aria-hidden', 'true')
  document.body.appendChild(element)

  const map = createMap(element, {
    basemap: false,
    fit: 'none',
    controls: false,
    interactive: false,
    pixelRatio,
  })
  const projection = map.getView().getProjection()
  const parcels = createParcelLayer('filing', options.parcels ? readParcels(options.parcels, projection) : [])
  applyOutcomes(parcels, options.outcomes ?? null)
  const overlaps = createOverlapLayer(
    options.overlaps ? readOverlaps(options.overlaps, projection) : [],
    pixelRatio,
  )
  map.addLayer(parcels)
  map.addLayer(overlaps)
  map.setSize([width, height])

  const all: Extent = createEmpty()
  for (const layer of [parcels, overlaps]) {
    const layerExtent = layer.getSource()?.getExtent()
    if (layerExtent && !isEmpty(layerExtent)) extend(all, layerExtent)
  }

  function extentOf(focus: { parcelId: ParcelId } | { bbox: LonLatBbox } | null | undefined): Extent | null {
    if (!focus) return all
    if ('bbox' in focus) return transformExtent(focus.bbox, DATA_PROJECTION, projection)
    return parcels.getSource()?.getFeatureById(focus.parcelId)?.getGeometry()?.getExtent() ?? null
  }

  async function render(focus?: { parcelId: ParcelId } | { bbox: LonLatBbox } | null): Promise<string> {
    const extent = extentOf(focus)
    if (extent && !isEmpty(extent) && extent.every(Number.isFinite)) {
      // One parcel: show its surroundings (a quarter of the image on each side).
      const padding = focus
        ? [height / 4, width / 4, height / 4, width / 4]
        : [PADDING, PADDING, PADDING, PADDING]
      map.getView().fit(extent, { padding, maxZoom: 18 })
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('map render timed out')), timeoutMs)
      map.once('rendercomplete', () => {
        clearTimeout(timer)
        resolve()
      })
      map.render()
    })
    return compose(map, width, height, pixelRatio, north).toDataURL('image/png')
  }

  function dispose(): void {
    disposeMap(map)
    element.remove()
  }

  return { render, dispose }
}

/** Renders the map of all parcels and shapes off-screen once and answers it as a PNG data URL. */
export async function renderMapImage(options: MapImageOptions): Promise<string> {
  const exporter = createMapExporter(options)
  try {
    return await exporter.render()
  } finally {
    exporter.dispose()
  }
}

/** The layer canvases of a rendered map in one canvas (the OpenLayers "export map" example). */
function compose(
  map: OlMap,
  width: number,
  height: number,
  pixelRatio: number,
  north: string,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * pixelRatio)
  canvas.height = Math.round(height * pixelRatio)
  const context = canvas.getContext('2d')!
  context.fillStyle = '#ffffff'
  context.fillRect(0, 0, canvas.width, canvas.height)
  const layerCanvases =
    map.getViewport()?.querySelectorAll<HTMLCanvasElement>('.ol-layer canvas, canvas.ol-layer') ?? []
  for (const layerCanvas of Array.from(layerCanvases)) {
    if (layerCanvas.width === 0) continue
    const parent = layerCanvas.parentElement
    const opacity = parent?.style.opacity || layerCanvas.style.opacity
    context.globalAlpha = opacity === '' || opacity === undefined ? 1 : Number(opacity)
    const transform = layerCanvas.style.transform
    const match = /^matrix\(([^(]*)\)$/.exec(transform)
    const matrix = match?.[1]
      ? match[1].split(',').map(Number)
      : [
          parseFloat(layerCanvas.style.width) / layerCanvas.width,
          0,
          0,
          parseFloat(layerCanvas.style.height) / layerCanvas.height,
          0,
          0,
        ]
    // The matrix maps canvas pixels to CSS pixels; the image has `pixelRatio` pixels per CSS pixel.
    context.setTransform(
      matrix[0]! * pixelRatio,
      matrix[1]! * pixelRatio,
      matrix[2]! * pixelRatio,
      matrix[3]! * pixelRatio,
      matrix[4]! * pixelRatio,
      matrix[5]! * pixelRatio,
    )
    const background = parent?.style.backgroundColor
    if (background) {
      context.fillStyle = background
      context.fillRect(0, 0, layerCanvas.width, layerCanvas.height)
    }
    context.drawImage(layerCanvas, 0, 0)
  }
  context.globalAlpha = 1
  context.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0)
  drawScaleBar(context, map, height)
  drawNorthArrow(context, width, north)
  context.setTransform(1, 0, 0, 1, 0, 0)
  return canvas
}

const FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'

/** A scale bar of a round length (1, 2 or 5 × 10ⁿ m) about 120 CSS pixels long, bottom left. */
function drawScaleBar(context: CanvasRenderingContext2D, map: OlMap, height: number): void {
  const view = map.getView()
  const resolution = view.getResolution()
  const center = view.getCenter()
  if (!resolution || !center) return
  // Metres per CSS pixel at the centre (Web Mercator stretches away from the equator).
  const metresPerPixel = getPointResolution(view.getProjection(), resolution, center, 'm')
  const target = metresPerPixel * 120
  const power = 10 ** Math.floor(Math.log10(target))
  const step = [5, 2, 1].map((f) => f * power).find((v) => v <= target) ?? power
  const length = step / metresPerPixel
  const text = step >= 1000 ? `${step / 1000} km` : `${step} m`
  const x = 16
  const y = height - 18
  context.font = `12px ${FONT}`
  context.fillStyle = 'rgba(255, 255, 255, 0.85)'
  context.fillRect(x - 8, y - 22, length + context.measureText(text).width + 24, 32)
  context.strokeStyle = '#303133'
  context.lineWidth = 2
  context.beginPath()
  context.moveTo(x, y - 6)
  context.lineTo(x, y)
  context.lineTo(x + length, y)
  context.lineTo(x + length, y - 6)
  context.stroke()
  context.fillStyle = '#303133'
  context.textBaseline = 'bottom'
  context.fillText(text, x + length + 8, y + 2)
}

/** A north arrow top right (the view is never rotated). */
function drawNorthArrow(context: CanvasRenderingContext2D, width: number, north: string): void {
  const x = width - 30
  const y = 18
  context.fillStyle = 'rgba(255, 255, 255, 0.85)'
  context.fillRect(x - 16, y - 8, 32, 54)
  context.fillStyle = '#303133'
  context.beginPath()
  context.moveTo(x, y)
  context.lineTo(x + 9, y + 26)
  context.lineTo(x, y + 20)
  context.lineTo(x - 9, y + 26)
  context.closePath()
  context.fill()
  context.font = `bold 13px ${FONT}`
  context.textAlign = 'center'
  context.textBaseline = 'top'
  context.fillText(north, x, y + 28)
  context.textAlign = 'start'
}

/**
 * Map styles: reference-layer classes (colours from LayerInfo.classes), jurisdiction boundaries with
 * labels, parcels (in the theme colour, or by their check outcome), upload previews and the hatched
 * overlap shapes of a compliance check. Style functions read the locale at render time; after a locale
 * switch, `layer.changed()` redraws the labels.
 */
import type { FeatureLike } from 'ol/Feature'
import type { Geometry } from 'ol/geom'
import { MultiPolygon, Polygon } from 'ol/geom'
import { Circle as CircleStyle, Fill, Stroke, Style, Text } from 'ol/style'
import type { StyleFunction } from 'ol/style/Style'
import { DEVICE_PIXEL_RATIO } from 'ol/has'
import { localName } from '../i18n'
import type { CheckOutcome, Level, LayerInfo, Severity } from '../types'

/** Web-Mercator zoom level of a resolution in metres per pixel (the view is EPSG:3857). */
export function zoomForResolution(resolution: number): number {
  return Math.log2(156_543.033_928_041 / resolution)
}

const FONT_FAMILY = 'system-ui, "PingFang SC", "Microsoft YaHei", sans-serif'
const LABEL_FONT = `12px ${FONT_FAMILY}`
const HALO = new Stroke({ color: 'rgba(255, 255, 255, 0.9)', width: 3 })

function label(text: string, color = '#303133', font = LABEL_FONT): Text {
  return new Text({ text, font, fill: new Fill({ color }), stroke: HALO, overflow: true })
}

// --- Reference layers ----------------------------------------------------------------------------------

const FALLBACK_CLASS = { fill: 'rgba(144, 147, 153, 0.35)', stroke: '#909399' }

/** A style per class code of the layer; features of an unknown class get a neutral grey. */
export function referenceLayerStyle(info: LayerInfo): StyleFunction {
  const styles = new Map<string | null, Style>()
  for (const c of info.classes) {
    styles.set(
      c.code,
      new Style({ fill: new Fill({ color: c.fill }), stroke: new Stroke({ color: c.stroke, width: 1 }) }),
    )
  }
  const fallback =
    styles.get(null) ??
    new Style({
      fill: new Fill({ color: FALLBACK_CLASS.fill }),
      stroke: new Stroke({ color: FALLBACK_CLASS.stroke, width: 1 }),
    })
  return (feature: FeatureLike) => styles.get((feature.get('classCode') as string | null) ?? null) ?? fallback
}

// --- Jurisdictions -------------------------------------------------------------------------------------

export const BOUNDARY_COLORS: Record<Level, string> = {
  province: '#303133',
  city: '#606266',
  county: '#909399',
}

const BOUNDARY_STROKES: Record<Level, Stroke> = {
  province: new Stroke({ color: BOUNDARY_COLORS.province, width: 2.5 }),
  city: new Stroke({ color: BOUNDARY_COLORS.city, width: 1.6 }),
  county: new Stroke({ color: BOUNDARY_COLORS.county, width: 0.8, lineDash: [6, 4] }),
}

/** From which zoom a level's names are drawn: cities once the province fills the screen, counties later. */
const LABEL_FROM_ZOOM: Record<Level, number> = { province: 99, city: 6.5, county: 8.5 }

/** County lines thin and dashed, city lines thicker, names by zoom; no fill, so clicks reach the parcels. */
export const jurisdictionStyle: StyleFunction = (feature, resolution) => {
  const level = (feature.get('level') as Level | undefined) ?? 'county'
  const zoom = zoomForResolution(resolution)
  const style = new Style({
    stroke: BOUNDARY_STROKES[level] ?? BOUNDARY_STROKES.county,
    zIndex: level === 'county' ? 1 : 2,
  })
  if (zoom >= LABEL_FROM_ZOOM[level]) {
    const name = localName(String(feature.get('name') ?? ''), feature.get('nameEn') as string | undefined)
    const font = level === 'city' ? `bold 13px ${FONT_FAMILY}` : LABEL_FONT
    style.setText(label(name, BOUNDARY_COLORS[level], font))
  }
  return style
}

// --- Parcels -------------------------------------------------------------------------------------------

export type ParcelTheme = 'filing' | 'public'

export const PARCEL_COLORS: Record<ParcelTheme, { stroke: string; fill: string }> = {
  filing: { stroke: '#c41d7f', fill: 'rgba(196, 29, 127, 0.18)' },
  public: { stroke: '#1d5fa8', fill: 'rgba(29, 95, 168, 0.22)' },
}

const SELECTED = { stroke: '#fa8c16', fill: 'rgba(250, 140, 22, 0.35)' }

/** Parcels outlined in the theme colour, the selected one in orange, parcel numbers from zoom 13. */
const PARCEL_MARKER_BELOW_ZOOM = 12

/** A point inside a parcel polygon, where its marker goes. */
function interiorPoint(feature: FeatureLike): Geometry | undefined {
  const geometry = feature.getGeometry()
  if (geometry instanceof Polygon) return geometry.getInteriorPoint()
  if (geometry instanceof MultiPolygon) return geometry.getInteriorPoints().getPoint(0) ?? undefined
  return undefined
}

/**
 * The feature property that colours a parcel by its check outcome (`CheckOutcome`); without it the
 * parcel takes the theme colour. LandMap sets it from the check report.
 */
export const CHECK_OUTCOME = 'checkOutcome'

interface ParcelStyles {
  normal: Style[]
  selected: Style[]
  marker: Style
  selectedMarker: Style
  text: string
}

/**
 * Parcels outlined in the theme colour, the selected one in orange; or, with a check outcome, in the
 * outcome's colour with the selected one drawn thicker over a dark halo. Parcel numbers from zoom 13,
 * a marker below zoom 12.
 */
export function parcelStyle(
  theme: ParcelTheme,
  isSelected: (feature: FeatureLike) => boolean,
): StyleFunction {
  const marker = (fill: string, stroke: string) =>
    new Style({
      geometry: interiorPoint,
      image: new CircleStyle({
        radius: 6,
        fill: new Fill({ color: fill }),
        stroke: new Stroke({ color: stroke, width: 2 }),
      }),
      zIndex: 4,
    })
  const themed: ParcelStyles = {
    normal: [
      new Style({
        fill: new Fill({ color: PARCEL_COLORS[theme].fill }),
        stroke: new Stroke({ color: PARCEL_COLORS[theme].stroke, width: 2 }),
        zIndex: 1,
      }),
    ],
    selected: [
      new Style({
        fill: new Fill({ color: SELECTED.fill }),
        stroke: new Stroke({ color: SELECTED.stroke, width: 3 }),
        zIndex: 2,
      }),
    ],
    marker: marker(PARCEL_COLORS[theme].stroke, '#ffffff'),
    selectedMarker: marker(SELECTED.stroke, '#ffffff'),
    text: PARCEL_COLORS[theme].stroke,
  }
  const byOutcome = new Map<CheckOutcome, ParcelStyles>()
  for (const outcome of Object.keys(CHECK_COLORS) as CheckOutcome[]) {
    const { stroke, fill } = CHECK_COLORS[outcome]
    byOutcome.set(outcome, {
      normal: [
        new Style({
          fill: new Fill({ color: fill }),
          stroke: new Stroke({ color: stroke, width: 2 }),
          zIndex: 1,
        }),
      ],
      selected: [
        new Style({ stroke: new Stroke({ color: 'rgba(0, 0, 0, 0.75)', width: 7 }), zIndex: 2 }),
        new Style({
          fill: new Fill({ color: fill }),
          stroke: new Stroke({ color: stroke, width: 4 }),
          zIndex: 3,
        }),
      ],
      marker: marker(stroke, '#ffffff'),
      selectedMarker: marker(stroke, '#000000'),
      text: stroke,
    })
  }
  return (feature, resolution) => {
    const outcome = feature.get(CHECK_OUTCOME) as CheckOutcome | undefined
    const styles = (outcome && byOutcome.get(outcome)) || themed
    const isOn = isSelected(feature)
    const base = isOn ? styles.selected : styles.normal
    const zoom = zoomForResolution(resolution)
    // A parcel of a few hectares is a speck below zoom 12: a marker keeps it findable.
    if (zoom < PARCEL_MARKER_BELOW_ZOOM) return [...base, isOn ? styles.selectedMarker : styles.marker]
    if (zoom < 13) return base
    const text = new Style({
      geometry: interiorPoint,
      text: label(String(feature.get('parcelNo') ?? ''), styles.text),
      zIndex: 5,
    })
    return [...base, text]
  }
}

// --- Upload preview ------------------------------------------------------------------------------------

export type PreviewSeverity = 'error' | 'warning' | 'ok'

/** Preview parcels by their worst finding: red for an error, orange for a warning, blue otherwise. */
export const PREVIEW_COLORS: Record<PreviewSeverity, { stroke: string; fill: string }> = {
  error: { stroke: '#e5262e', fill: 'rgba(229, 38, 46, 0.25)' },
  warning: { stroke: '#f08c00', fill: 'rgba(240, 140, 0, 0.25)' },
  ok: { stroke: '#1677ff', fill: 'rgba(22, 119, 255, 0.2)' },
}

/** The preview colour key of a feature's `severity` property. */
export function previewSeverity(value: unknown): PreviewSeverity {
  return value === 'error' || value === 'warning' ? value : 'ok'
}

/**
 * Preview parcels of an upload, coloured by their `severity` property; the highlighted one drawn thicker
 * over a dark halo. Parcel numbers from zoom 13, markers below zoom 12, as for filing parcels.
 */
export function previewParcelStyle(isSelected: (feature: FeatureLike) => boolean): StyleFunction {
  const styles = new Map<string, Style[]>()
  for (const severity of Object.keys(PREVIEW_COLORS) as PreviewSeverity[]) {
    const { stroke, fill } = PREVIEW_COLORS[severity]
    const normal = new Style({
      fill: new Fill({ color: fill }),
      stroke: new Stroke({ color: stroke, width: 2 }),
      zIndex: 1,
    })
    const selected = [
      new Style({ stroke: new Stroke({ color: 'rgba(0, 0, 0, 0.75)', width: 7 }), zIndex: 2 }),
      new Style({
        fill: new Fill({ color: fill.replace(/[\d.]+\)$/, '0.45)') }),
        stroke: new Stroke({ color: stroke, width: 4 }),
        zIndex: 3,
      }),
    ]
    const marker = new Style({
      geometry: interiorPoint,
      image: new CircleStyle({
        radius: 6,
        fill: new Fill({ color: stroke }),
        stroke: new Stroke({ color: '#ffffff', width: 2 }),
      }),
      zIndex: 4,
    })
    styles.set(`${severity}:normal`, [normal])
    styles.set(`${severity}:selected`, selected)
    styles.set(`${severity}:marker`, [marker])
  }
  return (feature, resolution) => {
    const severity = previewSeverity(feature.get('severity'))
    const base = styles.get(`${severity}:${isSelected(feature) ? 'selected' : 'normal'}`)!
    const zoom = zoomForResolution(resolution)
    if (zoom < PARCEL_MARKER_BELOW_ZOOM) return [...base, ...styles.get(`${severity}:marker`)!]
    if (zoom < 13) return base
    const text = new Style({
      geometry: interiorPoint,
      text: label(String(feature.get('parcelNo') ?? ''), PREVIEW_COLORS[severity].stroke),
      zIndex: 5,
    })
    return [...base, text]
  }
}

/** The place a finding points at: a ring in the finding's colour around a dot. */
export const findingMarkerStyle: StyleFunction = (feature) => {
  const color = PREVIEW_COLORS[previewSeverity(feature.get('severity'))].stroke
  return [
    new Style({
      image: new CircleStyle({
        radius: 12,
        fill: new Fill({ color: 'rgba(255, 255, 255, 0.35)' }),
        stroke: new Stroke({ color, width: 3 }),
      }),
    }),
    new Style({ image: new CircleStyle({ radius: 3, fill: new Fill({ color }) }) }),
  ]
}

// --- Compliance check ----------------------------------------------------------------------------------

/** Check outcomes: red blocks, orange warns, blue informs, green is clear. */
export const CHECK_COLORS: Record<CheckOutcome, { stroke: string; fill: string }> = {
  block: { stroke: '#d4141c', fill: 'rgba(229, 38, 46, 0.22)' },
  warn: { stroke: '#e67700', fill: 'rgba(240, 140, 0, 0.22)' },
  info: { stroke: '#1677ff', fill: 'rgba(22, 119, 255, 0.16)' },
  clear: { stroke: '#2f9e44', fill: 'rgba(47, 158, 68, 0.2)' },
}

/** The outcomes in legend order, and those that have overlap shapes (a clear rule has none). */
export const CHECK_OUTCOMES: readonly CheckOutcome[] = ['block', 'warn', 'info', 'clear']
export const HATCHED_OUTCOMES: readonly CheckOutcome[] = ['block', 'warn', 'info']

/** A CSS swatch of the overlap hatch, for legends (the map draws the same with a canvas pattern). */
export function hatchSwatch(outcome: CheckOutcome): Record<string, string> {
  const color = CHECK_COLORS[outcome].stroke
  // Informative shapes are only outlined (dashed) on the map.
  if (outcome === 'info') return { background: 'transparent', border: `1.5px dashed ${color}` }
  return {
    background: `repeating-linear-gradient(-45deg, ${color} 0 1.5px, transparent 1.5px 5px)`,
    borderColor: color,
  }
}

/** Draw order of overlap shapes: the most severe on top. */
const SEVERITY_Z: Record<Severity, number> = { info: 1, warn: 2, block: 3 }

/**
 * A diagonal hatch as a fill pattern, drawn on a small canvas (no image from the network): lines of
 * `color`, `width` px wide every `spacing` px (CSS pixels; `pixelRatio` device pixels per CSS pixel).
 * Falls back to a translucent plain colour where a canvas has no 2D context.
 */
export function hatchPattern(
  color: string,
  spacing: number,
  width: number,
  pixelRatio = DEVICE_PIXEL_RATIO,
): CanvasPattern | string {
  const size = Math.max(2, Math.round(spacing * pixelRatio))
  const canvas = document.createElement('canvas')
  canvas.width = size
  canvas.height = size
  const context = canvas.getContext('2d')
  if (!context) return 'rgba(229, 38, 46, 0.3)'
  context.strokeStyle = color
  context.lineWidth = width * pixelRatio
  context.lineCap = 'square'
  context.beginPath()
  // One 45° line through the tile and its two neighbours' ends at the corners: the tiles join seamlessly.
  for (const offset of [-size, 0, size]) {
    context.moveTo(offset, size)
    context.lineTo(offset + size, 0)
  }
  context.stroke()
  return context.createPattern(canvas, 'repeat') ?? 'rgba(229, 38, 46, 0.3)'
}

/** A fill that draws nothing but keeps the interior clickable (OpenLayers hit-detects any fill). */
const CLICKABLE_NOTHING = 'rgba(255, 255, 255, 0.01)'

/**
 * Overlap shapes of a check (the part of a parcel on farmland, in a zone, …): blocking ones hatched and
 * outlined in red, warnings in orange, the most severe on top; informative ones (e.g. "lies in the
 * allowed zone") only outlined with a blue dash, so the parcel's own colour shows through. The selected
 * shape gets a denser hatch over a dark halo.
 */
export function overlapStyle(
  isSelected: (feature: FeatureLike) => boolean,
  pixelRatio = DEVICE_PIXEL_RATIO,
): StyleFunction {
  const styles = new Map<string, Style[]>()
  for (const severity of Object.keys(SEVERITY_Z) as Severity[]) {
    const color = CHECK_COLORS[severity].stroke
    const z = SEVERITY_Z[severity]
    styles.set(`${severity}:normal`, [
      severity === 'info'
        ? new Style({
            fill: new Fill({ color: CLICKABLE_NOTHING }),
            stroke: new Stroke({ color, width: 1.5, lineDash: [6, 4] }),
            zIndex: z,
          })
        : new Style({
            fill: new Fill({ color: hatchPattern(color, 8, 1.5, pixelRatio) }),
            stroke: new Stroke({ color, width: 1.5 }),
            zIndex: z,
          }),
    ])
    styles.set(`${severity}:selected`, [
      new Style({ stroke: new Stroke({ color: 'rgba(0, 0, 0, 0.8)', width: 6 }), zIndex: 10 }),
      new Style({
        fill: new Fill({ color: hatchPattern(color, 5, 2, pixelRatio) }),
        stroke: new Stroke({ color, width: 3 }),
        zIndex: 11,
      }),
    ])
  }
  return (feature) => {
    const severity = feature.get('severity') as Severity
    const key = `${SEVERITY_Z[severity] ? severity : 'block'}:${isSelected(feature) ? 'selected' : 'normal'}`
    return styles.get(key)!
  }
}

/**
 * The overlap shapes of a compliance check (GET /api/filings/:id/check/overlaps): one feature per finding
 * with a shape, identified by its `findingId`, drawn hatched above the filing's parcels. Parcels get their
 * check outcome as a feature property (`CHECK_OUTCOME`), which the parcel style colours.
 */
import type Feature from 'ol/Feature'
import type { FeatureCollection, Geometry } from 'geojson'
import { MultiPolygon, Polygon } from 'ol/geom'
import VectorLayer from 'ol/layer/Vector'
import VectorSource from 'ol/source/Vector'
import type { Coordinate } from 'ol/coordinate'
import type { ProjectionLike } from 'ol/proj'
import type { CheckOutcome } from '../types'
import { setLayerMeta } from './layerMeta'
import { readFeaturesWithIds, selectedParcel, type ParcelId, type ParcelLayer } from './parcelLayer'
import { CHECK_OUTCOME, overlapStyle } from './styles'

/** Between the parcels (20) and an upload preview (21). */
export const OVERLAP_Z_INDEX = 20.5

/** The id of an overlap shape: its `findingId`, else the GeoJSON id, else its position. */
export function overlapId(feature: { id?: unknown; properties?: unknown }, position: number): ParcelId {
  const findingId = (feature.properties as { findingId?: unknown } | null)?.findingId
  if (typeof findingId === 'number' || typeof findingId === 'string') return findingId
  if (typeof feature.id === 'number' || typeof feature.id === 'string') return feature.id
  return position
}

/** Overlap shapes as OpenLayers features with their finding ids (null geometries skipped). */
export function readOverlaps(
  collection: FeatureCollection<Geometry | null>,
  viewProjection: ProjectionLike,
): Feature[] {
  return readFeaturesWithIds(collection, viewProjection, overlapId)
}

/**
 * The layer of overlap shapes, listed in the layer switcher as "检查叠加图斑 / Check overlaps";
 * `setSelectedParcel` (parcelLayer.ts) highlights one. `pixelRatio` only for an exported map image.
 */
export function createOverlapLayer(features: Feature[] = [], pixelRatio?: number): ParcelLayer {
  const layer: ParcelLayer = new VectorLayer({
    source: new VectorSource<Feature>({ features }),
    style: overlapStyle((feature) => feature.getId() === selectedParcel(layer), pixelRatio),
    zIndex: OVERLAP_Z_INDEX,
  })
  setLayerMeta(layer, { key: 'overlaps', group: 'parcels', title: 'map.checkOverlaps' })
  return layer
}

const RANK: Record<string, number> = { info: 1, warn: 2, block: 3 }

function area(feature: Feature): number {
  const geometry = feature.getGeometry()
  return geometry instanceof Polygon || geometry instanceof MultiPolygon ? geometry.getArea() : Infinity
}

/**
 * Which of the overlap shapes under a click to select: the one already selected if it is among them
 * (shapes of several rules often coincide), else the most severe, the smallest of equals.
 */
export function pickOverlap(hits: readonly Feature[], current: ParcelId | null): Feature | null {
  if (hits.length === 0) return null
  const kept = current === null ? undefined : hits.find((f) => f.getId() === current)
  if (kept) return kept
  return [...hits].sort(
    (a, b) =>
      (RANK[String(b.get('severity'))] ?? 0) - (RANK[String(a.get('severity'))] ?? 0) || area(a) - area(b),
  )[0]!
}

/** A point inside an overlap shape (view projection), e.g. where a test clicks it. */
export function interiorCoordinate(feature: Feature): Coordinate | null {
  const geometry = feature.getGeometry()
  if (geometry instanceof Polygon) return geometry.getInteriorPoint().getCoordinates().slice(0, 2)
  if (geometry instanceof MultiPolygon) {
    // The largest part: a sliver would be hard to hit.
    const polygons = geometry.getPolygons().sort((a, b) => b.getArea() - a.getArea())
    return polygons[0]?.getInteriorPoint().getCoordinates().slice(0, 2) ?? null
  }
  return null
}

/**
 * Sets each parcel's check outcome (by parcel id as a string) for the parcel style; parcels missing from
 * `outcomes`, or all of them when `outcomes` is null, take the theme colour again.
 */
export function applyOutcomes(
  layer: ParcelLayer,
  outcomes: Readonly<Record<string, CheckOutcome>> | null,
): void {
  for (const feature of layer.getSource()?.getFeatures() ?? []) {
    const outcome = outcomes?.[String(feature.getId())]
    feature.set(CHECK_OUTCOME, outcome, true)
  }
  layer.changed()
}

/**
 * What every reader (shapefile, GeoJSON, boundary-coordinate text) returns: features with polygon
 * coordinates exactly as in the file (no reprojection, no repair), their parcel attributes, what the
 * file says about its coordinate system, and findings about the reading itself.
 */
import type { Finding } from '../findings'

/** [x, y] in the file's CRS, GIS axis order: x = easting or longitude, y = northing or latitude. */
export type Position = [number, number]
/** A ring as found in the file (the reader closes a ring only where the format defines it: see each reader). */
export type Ring = Position[]
/** A polygon: outer ring first, then holes. */
export type PolygonCoords = Ring[]

export interface RawFeature {
  /** 0-based position in the file. */
  index: number
  /** Parcel number (地块编号), from the field mapping; null when the file has none for this feature. */
  parcelNo: string | null
  name: string | null
  landUse: string | null
  /** Land class code (地类编码) when present. */
  landClassCode: string | null
  /** Area the file declares, in m² (hectares in the text format are converted), or null. */
  declaredAreaM2: number | null
  /** Every attribute as read (decoded text, numbers), for display and for the field mapping. */
  attributes: Record<string, string | number | boolean | null>
  /** Polygons (a MultiPolygon); null for a null/empty geometry. */
  geometry: PolygonCoords[] | null
  /** Vertex count as read (before any repair), for limits and reports. */
  vertexCount: number
}

export type FormatName = 'shapefile' | 'geojson' | 'cn-coord-txt'

/** What the file itself says about its coordinate system; resolved by `gis/crs/detect`. */
export interface CrsHints {
  /** `.prj` WKT text (shapefile). */
  prjWkt?: string | null
  /** Legacy GeoJSON `crs` member name, e.g. `urn:ogc:def:crs:EPSG::4526` or `EPSG:4490`. */
  geojsonCrs?: string | null
  /** `[属性描述]` keys of the text format (坐标系, 几度分带, 带号, 投影类型, 计量单位 …). */
  coordTxtHeader?: Record<string, string> | null
}

export interface ReadResult {
  format: FormatName
  /** For a zip or folder with several shapefiles: the layer read and all layers found. */
  layer: string | null
  layers: string[]
  /** Text/attribute encoding used (e.g. 'gbk', 'utf-8'), null when the format has none (GeoJSON is UTF-8). */
  encoding: string | null
  encodingSource: 'cpg' | 'ldid' | 'bom' | 'detected' | 'user' | 'default' | null
  crsHints: CrsHints
  features: RawFeature[]
  findings: Finding[]
}

/** One file of an upload (a zip, a .geojson, loose shapefile parts). */
export interface InputFile {
  name: string
  bytes: Uint8Array
}

/** Limits every reader honours (throwing UnreadableUpload with a clear finding when exceeded). */
export interface ReadLimits {
  maxFeatures: number
  maxVertices: number
  /** Zip: total uncompressed bytes and per-entry compression ratio. */
  maxUncompressedBytes: number
  maxCompressionRatio: number
  /** Epoch milliseconds after which a reader gives up (checked in loops). */
  deadline: number
}

export const DEFAULT_READ_LIMITS: Omit<ReadLimits, 'deadline'> = {
  maxFeatures: 200_000,
  maxVertices: 5_000_000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
}

export interface ReadOptions {
  /** Force an encoding (user override): 'gbk', 'utf-8', 'big5', 'cp1250' … */
  encoding?: string
  /** Which shapefile layer of a zip to read (its path inside the zip without extension, or base name). */
  layer?: string
  limits: ReadLimits
}

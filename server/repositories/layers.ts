import type { DatabaseMode, Queryable } from '../db/database'
import { bulkInsert, type BulkTable, type BulkValue } from '../db/bulk'
import { multiPolygonEwkbHex } from '../db/wkb'
import { pgJson, pgText } from './uploads'

export const LAYER_KINDS = [
  'permanent_farmland',
  'cultivated_land',
  'planning_zone',
  'eco_redline',
  'urban_boundary',
] as const
export type LayerKind = (typeof LAYER_KINDS)[number]

export function isLayerKind(value: string): value is LayerKind {
  return (LAYER_KINDS as readonly string[]).includes(value)
}

/** A reference layer as the API shows it (docs/api.md `LayerInfo`). */
export interface LayerInfo {
  kind: LayerKind
  nameZh: string
  nameEn: string
  minZoom: number
  version: { id: number; label: string; importedAt: string; featureCount: number } | null
  classes: { code: string | null; nameZh: string; nameEn: string; fill: string; stroke: string }[]
}

export async function listLayers(db: Queryable): Promise<LayerInfo[]> {
  const { rows } = await db.query<{
    kind: LayerKind
    name_zh: string
    name_en: string
    min_zoom: number
    version: LayerInfo['version']
    classes: LayerInfo['classes']
  }>(
    `SELECT l.kind, l.name_zh, l.name_en, l.min_zoom,
            CASE WHEN v.id IS NULL THEN NULL ELSE json_build_object(
              'id', v.id, 'label', v.label, 'importedAt', v.imported_at, 'featureCount', v.feature_count) END AS version,
            (SELECT coalesce(json_agg(json_build_object(
                      'code', nullif(c.code, ''), 'nameZh', c.name_zh, 'nameEn', c.name_en,
                      'fill', c.fill, 'stroke', c.stroke) ORDER BY c.code), '[]'::json)
               FROM reference_layer_class c WHERE c.layer_kind = l.kind) AS classes
       FROM reference_layer l
       LEFT JOIN reference_layer_version v ON v.id = l.current_version_id
      ORDER BY l.sort`,
  )
  return rows.map((r) => ({
    kind: r.kind,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    minZoom: r.min_zoom,
    version: r.version,
    classes: r.classes,
  }))
}

export type BBox = [number, number, number, number]

/**
 * Features of a layer's current version that intersect a bbox (EPSG:4490), as GeoJSON text built in the
 * database, simplified to half the display resolution (degrees per pixel) and capped at `limit`
 * features; a capped answer carries `"truncated": true`. A feature stored in pieces (see
 * `subdivideLayerFeatures`) comes whole, its pieces merged, under the id of its first piece: the map
 * keeps features by id, so a feature must not come cut to the bbox of the request that found it.
 */
export async function layerFeaturesGeoJson(
  db: Queryable,
  kind: LayerKind,
  bbox: BBox,
  resolutionDeg: number,
  limit: number,
): Promise<string> {
  const { rows } = await db.query<{ fc: string }>(
    `WITH layer AS (
       SELECT current_version_id AS version_id FROM reference_layer WHERE kind = $1
     ),
     whole AS (
       SELECT f.id, NULL::integer AS source_index
         FROM reference_feature f
         JOIN layer ON f.version_id = layer.version_id
        WHERE f.piece IS NULL
          AND f.geom && ST_MakeEnvelope($2, $3, $4, $5, 4490)
        ORDER BY f.id
        LIMIT $7 + 1
     ),
     -- a feature in pieces: the id of its first piece, whichever of its pieces is in the bbox (only
     -- looked for when the version has pieces at all: a second bbox scan of a million farmland patches
     -- cost 0.4 s)
     cut AS (
       SELECT p.id, p.source_index
         FROM (SELECT DISTINCT f.source_index
                 FROM reference_feature f
                 JOIN layer ON f.version_id = layer.version_id
                WHERE f.piece IS NOT NULL
                  AND f.geom && ST_MakeEnvelope($2, $3, $4, $5, 4490)
                  AND EXISTS (SELECT 1 FROM reference_feature x JOIN layer ON x.version_id = layer.version_id
                               WHERE x.piece IS NOT NULL)) s
        CROSS JOIN layer
         JOIN reference_feature p
           ON p.version_id = layer.version_id AND p.source_index = s.source_index AND p.piece = 1
     ),
     keyed AS (
       SELECT * FROM whole UNION ALL SELECT * FROM cut
     ),
     hits AS (
       SELECT k.id, f.class_code,
              CASE WHEN k.source_index IS NULL THEN f.geom ELSE (
                SELECT ST_Multi(ST_Union(p.geom))
                  FROM reference_feature p CROSS JOIN layer
                 WHERE p.version_id = layer.version_id AND p.source_index = k.source_index AND p.piece IS NOT NULL)
              END AS geom
         FROM (SELECT * FROM keyed ORDER BY id LIMIT $7 + 1) k
         JOIN reference_feature f ON f.id = k.id
     )
     SELECT json_build_object(
              'type', 'FeatureCollection',
              'truncated', count(*) > $7,
              'features', coalesce(json_agg(json_build_object(
                 'type', 'Feature',
                 'id', id,
                 'properties', json_build_object('id', id, 'classCode', class_code),
                 'geometry', ST_AsGeoJSON(
                    CASE WHEN $6::float8 > 0 THEN ST_Multi(ST_SimplifyPreserveTopology(geom, $6::float8 / 2)) ELSE geom END, 7)::json
              ) ORDER BY id) FILTER (WHERE rn <= $7), '[]'::json))::text AS fc
       FROM (SELECT hits.*, row_number() OVER (ORDER BY id) AS rn FROM hits) h`,
    [kind, ...bbox, resolutionDeg, limit],
  )
  return rows[0]!.fc
}

/** One imported version of a layer (docs/api.md, "Reference layers administration"). */
export interface LayerVersion {
  id: number
  label: string
  sourceName: string | null
  classField: string | null
  featureCount: number
  importedAt: string
  /** Display name of the administrator; null for imports from the command line or the sample loader. */
  importedBy: string | null
  /** The version checks use now. */
  current: boolean
}

interface VersionRow {
  id: number
  label: string
  source_name: string | null
  class_field: string | null
  feature_count: number
  imported_at: Date
  imported_by: string | null
  current: boolean
}

const VERSIONS = `
  SELECT v.id, v.label, v.source_name, v.class_field, v.feature_count, v.imported_at,
         u.display_name AS imported_by, l.current_version_id IS NOT DISTINCT FROM v.id AS current
    FROM reference_layer_version v
    JOIN reference_layer l ON l.kind = v.layer_kind
    LEFT JOIN app_user u ON u.id = v.imported_by`

function toVersion(r: VersionRow): LayerVersion {
  return {
    id: r.id,
    label: r.label,
    sourceName: r.source_name,
    classField: r.class_field,
    featureCount: r.feature_count,
    importedAt: r.imported_at.toISOString(),
    importedBy: r.imported_by,
    current: r.current,
  }
}

/** The versions of a layer, newest first. */
export async function listLayerVersions(db: Queryable, kind: LayerKind): Promise<LayerVersion[]> {
  const { rows } = await db.query<VersionRow>(
    `${VERSIONS} WHERE v.layer_kind = $1 ORDER BY v.imported_at DESC, v.id DESC`,
    [kind],
  )
  return rows.map(toVersion)
}

/** A version of a layer by id, or by label; null when the layer has no such version. */
export async function findLayerVersion(
  db: Queryable,
  kind: LayerKind,
  by: { id: number } | { label: string },
): Promise<LayerVersion | null> {
  const { rows } = await db.query<VersionRow>(
    'id' in by
      ? `${VERSIONS} WHERE v.layer_kind = $1 AND v.id = $2`
      : `${VERSIONS} WHERE v.layer_kind = $1 AND v.label = $2`,
    [kind, 'id' in by ? by.id : by.label],
  )
  return rows[0] ? toVersion(rows[0]) : null
}

/** Creates a new, empty version of a layer (not yet current); returns its id. */
export async function createLayerVersion(
  db: Queryable,
  v: {
    kind: LayerKind
    label: string
    sourceName: string
    classField: string | null
    importedBy: number | null
  },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO reference_layer_version (layer_kind, label, source_name, class_field, imported_by)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [v.kind, v.label, v.sourceName, v.classField, v.importedBy],
  )
  return rows[0]!.id
}

/** A feature of a layer version as it is stored: polygons in EPSG:4490 (GeoJSON MultiPolygon coordinates). */
export interface LayerFeatureRow {
  /** 0-based position in the imported file. */
  sourceIndex: number | null
  classCode: string | null
  attributes: Record<string, unknown>
  polygons: number[][][][]
}

const FEATURE_TABLE: BulkTable = {
  table: 'reference_feature',
  columns: [
    { name: 'version_id', type: 'bigint' },
    { name: 'source_index', type: 'int' },
    { name: 'class_code', type: 'text' },
    { name: 'attributes', type: 'jsonb' },
    { name: 'geom', type: 'geometry' },
  ],
}

/**
 * Inserts the features of a version (in the caller's transaction) through COPY on a server or unnested
 * INSERTs on the embedded database, shapes as EWKB; `features` may be an async generator reading a file
 * as it goes. The GiST indexes and the equal-area twin `geom_ea` are kept up to date by the database.
 * Returns how many were inserted.
 */
export async function insertLayerFeatures(
  db: Queryable,
  mode: DatabaseMode,
  versionId: number,
  features: Iterable<LayerFeatureRow> | AsyncIterable<LayerFeatureRow>,
): Promise<number> {
  let count = 0
  async function* rows(): AsyncGenerator<BulkValue[]> {
    for await (const f of features) {
      count++
      yield [
        versionId,
        f.sourceIndex,
        pgText(f.classCode),
        pgJson(f.attributes),
        multiPolygonEwkbHex(f.polygons, 4490),
      ]
    }
  }
  await bulkInsert(db, mode, FEATURE_TABLE, rows())
  return count
}

/** A feature whose geometry PostGIS found invalid, and what its repair did. */
export interface RepairedFeature {
  sourceIndex: number | null
  /** PostGIS's reason, e.g. "Self-intersection". */
  reason: string
  /** Where the problem is, EPSG:4490. */
  location: [number, number] | null
  /** true: nothing of the polygon was left (a collapsed ring), the feature was removed. */
  dropped: boolean
}

export interface RepairOutcome {
  repaired: number
  dropped: number
  /** At most `detailLimit` of each outcome, in file order. */
  features: RepairedFeature[]
}

/**
 * Makes every invalid geometry of a version valid, in SQL: `ST_MakeValid`, keeping only the polygons
 * (`ST_CollectionExtract(…, 3)`); a feature with no area left is removed. Returns the counts and the
 * first `detailLimit` features of each outcome with PostGIS's reason and location.
 */
export async function repairLayerGeometry(
  db: Queryable,
  versionId: number,
  detailLimit = 100,
): Promise<RepairOutcome> {
  // The planner cannot know how many rows the version just received; costed as a big scan, the query got
  // JIT-compiled, which took 0.5 s for a 5-feature version in a table of a million (measured).
  await db.query('SET LOCAL jit = off')
  const { rows } = await db.query<{
    source_index: number | null
    reason: string
    lon: number | null
    lat: number | null
    dropped: boolean
    total: number
  }>(
    `WITH invalid AS (
       SELECT f.id, f.source_index, d.reason, d.location,
              ST_Multi(ST_CollectionExtract(ST_MakeValid(f.geom), 3)) AS valid
         FROM reference_feature f
        CROSS JOIN LATERAL ST_IsValidDetail(f.geom) d
        WHERE f.version_id = $1 AND NOT ST_IsValid(f.geom)
     ),
     -- the two statements touch disjoint rows, so both may run in this one statement
     repaired AS (
       UPDATE reference_feature f SET geom = i.valid
         FROM invalid i
        WHERE f.id = i.id AND NOT ST_IsEmpty(i.valid)
       RETURNING f.id
     ),
     dropped AS (
       DELETE FROM reference_feature f
        USING invalid i
        WHERE f.id = i.id AND ST_IsEmpty(i.valid)
       RETURNING f.id
     ),
     outcome AS (
       SELECT source_index, reason, location, ST_IsEmpty(valid) AS dropped,
              count(*) OVER w AS total, row_number() OVER (w ORDER BY source_index, id) AS n
         FROM invalid
       WINDOW w AS (PARTITION BY ST_IsEmpty(valid))
     )
     SELECT source_index, reason, ST_X(location) AS lon, ST_Y(location) AS lat, dropped, total
       FROM outcome
      WHERE n <= $2
      ORDER BY source_index`,
    [versionId, detailLimit],
  )
  const total = (dropped: boolean) => rows.find((r) => r.dropped === dropped)?.total ?? 0
  return {
    repaired: total(false),
    dropped: total(true),
    features: rows.map((r) => ({
      sourceIndex: r.source_index,
      reason: r.reason,
      location: r.lon === null || r.lat === null ? null : [r.lon, r.lat],
      dropped: r.dropped,
    })),
  }
}

/**
 * Cuts every polygon of a version with more than `above` vertices into pieces of at most `maxVertices`
 * (`ST_Subdivide`), each piece a row with the feature's class code, attributes and position in the file,
 * numbered by `piece`. The overlay then clips parcels against small pieces instead of whole outlines;
 * the pieces do not overlap, so summed areas are unchanged. Returns how many features were cut and into
 * how many pieces.
 */
export async function subdivideLayerFeatures(
  db: Queryable,
  versionId: number,
  above: number,
  maxVertices: number,
): Promise<{ features: number; pieces: number }> {
  const { rows } = await db.query<{ features: number; pieces: number }>(
    `WITH big AS (
       DELETE FROM reference_feature
        WHERE version_id = $1 AND piece IS NULL AND ST_NPoints(geom) > $2
       RETURNING source_index, class_code, attributes, geom_ea
     ),
     -- cut in the equal-area plane, where the rules measure: cut in lon/lat, a piece's vertex on its
     -- neighbour's long straight edge leaves the edge once projected, and the pieces' areas summed to
     -- 7 m² more than the whole (0.5 ppm) on a 14 km² red line; cut here, 0.00002 m²
     cut AS (
       SELECT b.source_index, s.piece, b.class_code, b.attributes, ST_Transform(s.geom, 4490) AS geom
         FROM big b
        CROSS JOIN LATERAL ST_Subdivide(b.geom_ea, $3) WITH ORDINALITY AS s(geom, piece)
     ),
     pieces AS (
       INSERT INTO reference_feature (version_id, source_index, piece, class_code, attributes, geom)
       SELECT $1, source_index, piece, class_code, attributes,
              ST_Multi(CASE WHEN ST_IsValid(geom) THEN geom ELSE ST_CollectionExtract(ST_MakeValid(geom), 3) END)
         FROM cut
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM big) AS features, (SELECT count(*) FROM pieces) AS pieces`,
    [versionId, above, maxVertices],
  )
  return rows[0]!
}

/** Records how many features a version holds. */
export async function setLayerFeatureCount(db: Queryable, versionId: number, count: number): Promise<void> {
  await db.query('UPDATE reference_layer_version SET feature_count = $2 WHERE id = $1', [versionId, count])
}

/** Makes a version the current one of its layer; returns the version that was current before (or null). */
export async function activateLayerVersion(db: Queryable, versionId: number): Promise<number | null> {
  const { rows } = await db.query<{ previous: number | null }>(
    `SELECT l.current_version_id AS previous
       FROM reference_layer l JOIN reference_layer_version v ON v.layer_kind = l.kind
      WHERE v.id = $1
        FOR UPDATE OF l`,
    [versionId],
  )
  await db.query(
    `UPDATE reference_layer l SET current_version_id = v.id
       FROM reference_layer_version v WHERE v.id = $1 AND l.kind = v.layer_kind`,
    [versionId],
  )
  return rows[0]?.previous ?? null
}

/** The name of a layer in both languages (for messages). */
export async function layerName(db: Queryable, kind: LayerKind): Promise<{ 'zh-CN': string; en: string }> {
  const { rows } = await db.query<{ name_zh: string; name_en: string }>(
    'SELECT name_zh, name_en FROM reference_layer WHERE kind = $1',
    [kind],
  )
  return { 'zh-CN': rows[0]?.name_zh ?? kind, en: rows[0]?.name_en ?? kind }
}

/** The class codes of a layer's legend; empty for a layer without classes. */
export async function layerClassCodes(db: Queryable, kind: LayerKind): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `SELECT code FROM reference_layer_class WHERE layer_kind = $1 AND code <> '' ORDER BY code`,
    [kind],
  )
  return rows.map((r) => r.code)
}

import type { Queryable } from '../db/database'
import type { Level } from '../auth/roles'

export interface NewJurisdiction {
  code: string
  name: string
  nameEn: string
  level: Level
  parentCode: string | null
  /** GeoJSON Polygon or MultiPolygon in EPSG:4490. */
  boundary: unknown
}

/**
 * Inserts a jurisdiction below its parent (which must exist). The path is derived from the parent's,
 * and the boundary is made a valid MultiPolygon in EPSG:4490.
 */
export async function insertJurisdiction(db: Queryable, j: NewJurisdiction): Promise<void> {
  await db.query(
    `INSERT INTO jurisdiction (code, name, name_en, level, parent_code, path, boundary)
     SELECT $1, $2, $3, $4, $5,
            coalesce((SELECT path FROM jurisdiction WHERE code = $5), '') || $1 || '/',
            ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($6), 4490))`,
    [j.code, j.name, j.nameEn, j.level, j.parentCode, JSON.stringify(j.boundary)],
  )
}

export async function jurisdictionExists(db: Queryable, code: string): Promise<{ level: Level } | null> {
  const { rows } = await db.query<{ level: Level }>('SELECT level FROM jurisdiction WHERE code = $1', [code])
  return rows[0] ?? null
}

export async function countJurisdictions(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM jurisdiction')
  return rows[0]!.n
}

/**
 * Every jurisdiction as a GeoJSON FeatureCollection (text, built in the database). `toleranceDeg` > 0
 * simplifies boundaries for display (0.0005° ≈ 50 m).
 */
export async function jurisdictionsGeoJson(db: Queryable, toleranceDeg: number): Promise<string> {
  const { rows } = await db.query<{ fc: string }>(
    `SELECT json_build_object(
              'type', 'FeatureCollection',
              'features', coalesce(json_agg(json_build_object(
                 'type', 'Feature',
                 'id', code,
                 'properties', json_build_object('code', code, 'name', name, 'nameEn', name_en,
                                                 'level', level, 'parentCode', parent_code),
                 'geometry', ST_AsGeoJSON(
                    CASE WHEN $1::float8 > 0 THEN ST_Multi(ST_SimplifyPreserveTopology(boundary, $1::float8)) ELSE boundary END, 7)::json
              ) ORDER BY path), '[]'::json))::text AS fc
       FROM jurisdiction`,
    [toleranceDeg],
  )
  return rows[0]!.fc
}

/** What the upload checks need to know of a jurisdiction: its code, bbox and boundary (EPSG:4490). */
export interface JurisdictionArea {
  code: string
  bbox: [number, number, number, number]
  boundary: { type: 'MultiPolygon'; coordinates: number[][][][] }
}

export async function jurisdictionArea(db: Queryable, code: string): Promise<JurisdictionArea | null> {
  const { rows } = await db.query<{ boundary: JurisdictionArea['boundary']; bbox: number[] }>(
    `SELECT ST_AsGeoJSON(boundary)::json AS boundary,
            ARRAY[ST_XMin(boundary), ST_YMin(boundary), ST_XMax(boundary), ST_YMax(boundary)] AS bbox
       FROM jurisdiction WHERE code = $1`,
    [code],
  )
  const row = rows[0]
  return row ? { code, bbox: row.bbox as JurisdictionArea['bbox'], boundary: row.boundary } : null
}

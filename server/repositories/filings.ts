import type { Queryable } from '../db/database'
import type { Principal } from '../auth/principal'

export const FILING_STATUSES = [
  'draft',
  'city_review',
  'window_intake',
  'under_review',
  'signoff',
  'release',
  'returned',
  'approved',
  'rejected',
  'withdrawn',
] as const
export type FilingStatus = (typeof FILING_STATUSES)[number]

export function isFilingStatus(value: string): value is FilingStatus {
  return (FILING_STATUSES as readonly string[]).includes(value)
}

/** A filing as the API lists it (docs/api.md `FilingSummary`). */
export interface FilingSummary {
  id: number
  title: string
  filingType: 'batch' | 'standalone'
  priority: 'standard' | 'key'
  status: FilingStatus
  jurisdiction: { code: string; name: string; nameEn: string }
  receiptNo: string | null
  parcelCount: number
  totalAreaM2: number
  createdAt: string
  updatedAt: string
  acceptedAt: string | null
  dueAt: string | null
  decidedAt: string | null
}

/**
 * The filings a user may see, as a SQL condition on `f` (filing) and `j` (its jurisdiction), with its
 * parameters numbered from `first`: filings in the user's jurisdiction subtree; drafts only for the
 * county that is writing them (a draft is not filed yet, so the city and the province do not see it).
 */
export function visibleFilingsCondition(p: Principal, first: number): { sql: string; params: unknown[] } {
  return {
    sql: `starts_with(j.path, $${first}) AND (f.status <> 'draft' OR f.jurisdiction_code = $${first + 1})`,
    params: [p.jurisdictionPath, p.jurisdictionCode],
  }
}

/** SQL: the columns of a SummaryRow that come from the filing `f` and its jurisdiction `j`. */
export const SUMMARY_COLUMNS = `f.id, f.title, f.filing_type, f.priority, f.status, f.receipt_no,
         f.created_at, f.updated_at, f.accepted_at, f.due_at, f.decided_at,
         j.code AS j_code, j.name AS j_name, j.name_en AS j_name_en`

const SUMMARY_SELECT = `
  SELECT ${SUMMARY_COLUMNS},
         coalesce(pa.n, 0) AS parcel_count, coalesce(pa.area, 0) AS total_area_m2
    FROM filing f
    JOIN jurisdiction j ON j.code = f.jurisdiction_code
    LEFT JOIN LATERAL (SELECT count(*) AS n, sum(area_m2) AS area FROM parcel p WHERE p.filing_id = f.id) pa ON true`

export interface SummaryRow {
  id: number
  title: string
  filing_type: FilingSummary['filingType']
  priority: FilingSummary['priority']
  status: FilingStatus
  receipt_no: string | null
  created_at: Date
  updated_at: Date
  accepted_at: Date | null
  due_at: string | null
  decided_at: Date | null
  j_code: string
  j_name: string
  j_name_en: string
  parcel_count: number
  total_area_m2: number
}

export function toSummary(r: SummaryRow): FilingSummary {
  return {
    id: r.id,
    title: r.title,
    filingType: r.filing_type,
    priority: r.priority,
    status: r.status,
    jurisdiction: { code: r.j_code, name: r.j_name, nameEn: r.j_name_en },
    receiptNo: r.receipt_no,
    parcelCount: r.parcel_count,
    totalAreaM2: Math.round(r.total_area_m2 * 100) / 100,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    acceptedAt: r.accepted_at?.toISOString() ?? null,
    dueAt: r.due_at,
    decidedAt: r.decided_at?.toISOString() ?? null,
  }
}

/** The filings visible to a user, newest first, optionally of one status. */
export async function listVisibleFilings(
  db: Queryable,
  p: Principal,
  filter: { status?: FilingStatus; ids?: number[]; limit?: number } = {},
): Promise<FilingSummary[]> {
  const scope = visibleFilingsCondition(p, 1)
  const params: unknown[] = [...scope.params]
  let where = scope.sql
  if (filter.status) {
    params.push(filter.status)
    where += ` AND f.status = $${params.length}`
  }
  if (filter.ids) {
    params.push(filter.ids)
    where += ` AND f.id = ANY($${params.length}::bigint[])`
  }
  params.push(filter.limit ?? 500)
  const { rows } = await db.query<SummaryRow>(
    `${SUMMARY_SELECT} WHERE ${where} ORDER BY f.updated_at DESC, f.id DESC LIMIT $${params.length}`,
    params,
  )
  return rows.map(toSummary)
}

/** One filing if the user may see it, else null (the caller answers 404 either way). */
export async function findVisibleFiling(
  db: Queryable,
  p: Principal,
  id: number,
): Promise<FilingSummary | null> {
  const scope = visibleFilingsCondition(p, 2)
  const { rows } = await db.query<SummaryRow>(`${SUMMARY_SELECT} WHERE f.id = $1 AND ${scope.sql}`, [
    id,
    ...scope.params,
  ])
  return rows[0] ? toSummary(rows[0]) : null
}

/** Whether the user may see the filing (what findVisibleFiling answers, without building the summary). */
export async function isFilingVisible(db: Queryable, p: Principal, id: number): Promise<boolean> {
  const scope = visibleFilingsCondition(p, 2)
  const { rows } = await db.query(
    `SELECT 1 FROM filing f JOIN jurisdiction j ON j.code = f.jurisdiction_code WHERE f.id = $1 AND ${scope.sql}`,
    [id, ...scope.params],
  )
  return rows.length > 0
}

/**
 * SQL: the parcels `p` (rows of parcel, or a RETURNING of it) as a GeoJSON FeatureCollection (text) in
 * EPSG:4490, ordered by parcel number.
 */
export const PARCELS_FEATURE_COLLECTION = `json_build_object(
    'type', 'FeatureCollection',
    'features', coalesce(json_agg(json_build_object(
      'type', 'Feature',
      'id', p.id,
      'properties', json_build_object(
        'id', p.id, 'parcelNo', p.parcel_no, 'name', p.name, 'landUse', p.land_use,
        'areaM2', round(p.area_m2::numeric, 2), 'declaredAreaM2', p.declared_area_m2,
        'sourceCrs', 'EPSG:' || p.source_crs),
      'geometry', ST_AsGeoJSON(p.geom, 9)::json
    ) ORDER BY p.parcel_no), '[]'::json))::text`

/** The parcels of a filing as a GeoJSON FeatureCollection (text) in EPSG:4490. */
export async function filingParcelsGeoJson(db: Queryable, filingId: number): Promise<string> {
  const { rows } = await db.query<{ fc: string }>(
    `SELECT ${PARCELS_FEATURE_COLLECTION} AS fc FROM parcel p WHERE p.filing_id = $1`,
    [filingId],
  )
  return rows[0]!.fc
}

/** Approved parcels for the public map, optionally within a bbox (EPSG:4490), as GeoJSON text. */
export async function approvedParcelsGeoJson(
  db: Queryable,
  bbox: [number, number, number, number] | null,
): Promise<string> {
  const { rows } = await db.query<{ fc: string }>(
    `SELECT json_build_object(
              'type', 'FeatureCollection',
              'features', coalesce(json_agg(json_build_object(
                'type', 'Feature',
                'id', p.id,
                'properties', json_build_object(
                  'parcelNo', p.parcel_no, 'name', p.name, 'landUse', p.land_use,
                  'areaM2', round(p.area_m2::numeric, 2), 'filingTitle', f.title, 'receiptNo', f.receipt_no,
                  'jurisdictionName', j.name, 'jurisdictionNameEn', j.name_en, 'decidedAt', f.decided_at),
                'geometry', ST_AsGeoJSON(p.geom, 8)::json
              ) ORDER BY f.decided_at DESC, p.parcel_no), '[]'::json))::text AS fc
       FROM parcel p
       JOIN filing f ON f.id = p.filing_id
       JOIN jurisdiction j ON j.code = f.jurisdiction_code
      WHERE f.status = 'approved'
        AND ($1::float8 IS NULL OR p.geom && ST_MakeEnvelope($1, $2, $3, $4, 4490))`,
    bbox ?? [null, null, null, null],
  )
  return rows[0]!.fc
}

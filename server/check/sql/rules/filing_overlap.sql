-- filing_overlap: parcels that overlap a parcel of another filing that is under way or approved
-- (重复报批, a repeat filing). Overlap with an approved filing blocks (severity_key 'approved'); with one
-- still under way it warns. Drafts of other counties are private and rejected or withdrawn filings are
-- over, so neither counts.
--
-- Relations, parameters and result columns: see permanent_farmland_overlap.sql ($2 and $3 are not used:
-- the other parcels come from the parcel table).
-- One row per parcel and other filing.
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
pieces AS MATERIALIZED (
  SELECT pa.id AS parcel_id, pa.area_m2 AS parcel_area, o.filing_id AS other_filing_id,
         ST_CollectionExtract(ST_Intersection(pa.geom_ea, o.geom_ea), 3) AS g
    FROM parcels pa
    JOIN parcel o ON o.geom_ea && pa.geom_ea AND ST_Intersects(o.geom_ea, pa.geom_ea)
    JOIN filing of ON of.id = o.filing_id
    CROSS JOIN params
   WHERE o.filing_id <> params.filing_id
     AND of.status IN ('city_review', 'window_intake', 'under_review', 'signoff', 'returned', 'approved')
),
per_filing AS MATERIALIZED (
  SELECT parcel_id, other_filing_id, min(parcel_area) AS parcel_area, sum(ST_Area(g)) AS area_m2, ST_Collect(g) AS g
    FROM pieces
   GROUP BY parcel_id, other_filing_id
)
SELECT pf.parcel_id,
       NULL::text AS class_code,
       pf.area_m2,
       pf.area_m2 / nullif(pf.parcel_area, 0) AS share,
       jsonb_build_object('otherFilingId', of.id, 'otherFilingTitle', of.title,
                          'otherStatus', of.status, 'otherReceiptNo', of.receipt_no) AS facts,
       ST_Multi(ST_CollectionExtract(ST_Transform(pf.g, 4490), 3)) AS geom,
       CASE WHEN of.status = 'approved' THEN 'approved' END AS severity_key
  FROM per_filing pf
  JOIN filing of ON of.id = pf.other_filing_id
 CROSS JOIN params
 WHERE pf.area_m2 > params.tolerance_m2
   AND pf.area_m2 > params.tolerance_ratio * pf.parcel_area

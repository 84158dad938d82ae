-- jurisdiction_containment: the part of each parcel outside the filing county's boundary (行政区划).
-- A county may only file parcels inside its own boundary: any real part outside blocks.
--
-- Relations, parameters and result columns: see permanent_farmland_overlap.sql ($2 and $3 are not used:
-- the boundary comes from the jurisdiction table).
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
county AS (
  SELECT j.code, j.boundary_ea
    FROM filing fi
    JOIN jurisdiction j ON j.code = fi.jurisdiction_code
    CROSS JOIN params
   WHERE fi.id = params.filing_id
),
outside AS MATERIALIZED (
  SELECT p.id AS parcel_id, p.area_m2 AS parcel_area, c.code,
         ST_CollectionExtract(ST_Difference(p.geom_ea, c.boundary_ea), 3) AS g
    FROM parcels p
    CROSS JOIN county c
   WHERE NOT ST_Within(p.geom_ea, c.boundary_ea)
)
SELECT o.parcel_id,
       NULL::text AS class_code,
       ST_Area(o.g) AS area_m2,
       ST_Area(o.g) / nullif(o.parcel_area, 0) AS share,
       jsonb_build_object('county', o.code) AS facts,
       ST_Multi(ST_CollectionExtract(ST_Transform(o.g, 4490), 3)) AS geom,
       NULL::text AS severity_key
  FROM outside o
 CROSS JOIN params
 WHERE NOT ST_IsEmpty(o.g)
   AND ST_Area(o.g) > params.tolerance_m2
   AND ST_Area(o.g) > params.tolerance_ratio * o.parcel_area

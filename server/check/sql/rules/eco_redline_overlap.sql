-- eco_redline_overlap: how much of each parcel lies inside the ecological protection red line (生态保护红线).
-- Any real overlap blocks: no development is allowed inside the red line.
--
-- Relations, parameters and result columns: see permanent_farmland_overlap.sql. One row per parcel.
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
-- every red-line area a parcel touches, clipped to the parcel
pieces AS MATERIALIZED (
  SELECT t.parcel_id, t.parcel_area, ST_CollectionExtract(ST_Intersection(t.parcel_geom, t.geom_ea), 3) AS g
    FROM touching t
   CROSS JOIN params
   WHERE t.version_id = params.layer_version_id
     AND (params.class_codes IS NULL OR t.class_code = ANY (params.class_codes))
),
-- red-line areas do not overlap each other, so a parcel's overlap is the sum of its pieces
per_parcel AS MATERIALIZED (
  SELECT parcel_id, min(parcel_area) AS parcel_area, sum(ST_Area(g)) AS area_m2, ST_Collect(g) AS g
    FROM pieces
   GROUP BY parcel_id
)
SELECT pp.parcel_id,
       NULL::text AS class_code,
       pp.area_m2,
       pp.area_m2 / nullif(pp.parcel_area, 0) AS share,
       '{}'::jsonb AS facts,
       ST_Multi(ST_CollectionExtract(ST_Transform(pp.g, 4490), 3)) AS geom,
       NULL::text AS severity_key
  FROM per_parcel pp
 CROSS JOIN params
 WHERE pp.area_m2 > params.tolerance_m2
   AND pp.area_m2 > params.tolerance_ratio * pp.parcel_area

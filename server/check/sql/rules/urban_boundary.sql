-- urban_boundary: the part of each parcel outside the urban development boundary (城镇开发边界), with its
-- share of the parcel. Inside the boundary nothing is reported.
--
-- Parameters and result columns: see permanent_farmland_overlap.sql. One row per parcel reaching outside.
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
parcels AS NOT MATERIALIZED (
  SELECT p.id, p.geom_ea, p.area_m2
    FROM parcel p, params
   WHERE p.filing_id = params.filing_id
),
-- the boundary areas each parcel touches, merged
inside AS (
  SELECT pa.id AS parcel_id, ST_Union(f.geom_ea) AS boundary
    FROM parcels pa
    JOIN reference_feature f ON f.geom_ea && pa.geom_ea AND ST_Intersects(f.geom_ea, pa.geom_ea)
    CROSS JOIN params
   WHERE f.version_id = params.layer_version_id
     AND (params.class_codes IS NULL OR f.class_code = ANY (params.class_codes))
   GROUP BY pa.id
),
outside AS MATERIALIZED (
  SELECT pa.id AS parcel_id, pa.area_m2 AS parcel_area,
         ST_CollectionExtract(
           CASE WHEN i.boundary IS NULL THEN pa.geom_ea ELSE ST_Difference(pa.geom_ea, i.boundary) END, 3) AS g
    FROM parcels pa
    LEFT JOIN inside i ON i.parcel_id = pa.id
)
SELECT o.parcel_id,
       NULL::text AS class_code,
       ST_Area(o.g) AS area_m2,
       ST_Area(o.g) / nullif(o.parcel_area, 0) AS share,
       '{}'::jsonb AS facts,
       ST_Multi(ST_CollectionExtract(ST_Transform(o.g, 4490), 3)) AS geom,
       'outside' AS severity_key
  FROM outside o
 CROSS JOIN params
 WHERE NOT ST_IsEmpty(o.g)
   AND ST_Area(o.g) > params.tolerance_m2
   AND ST_Area(o.g) > params.tolerance_ratio * o.parcel_area

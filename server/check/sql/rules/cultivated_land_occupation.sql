-- cultivated_land_occupation: cultivated land (耕地) each parcel occupies, per land class (0101 paddy,
-- 0102 irrigated, 0103 dry land). The total is what the county must compensate (耕地占补平衡).
--
-- Relations, parameters and result columns: see permanent_farmland_overlap.sql. One row per parcel and class.
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
pieces AS MATERIALIZED (
  SELECT t.parcel_id, t.parcel_area, t.class_code,
         ST_CollectionExtract(ST_Intersection(t.parcel_geom, t.geom_ea), 3) AS g
    FROM touching t
   CROSS JOIN params
   WHERE t.version_id = params.layer_version_id
     AND (params.class_codes IS NULL OR t.class_code = ANY (params.class_codes))
),
per_class AS MATERIALIZED (
  SELECT parcel_id, class_code, min(parcel_area) AS parcel_area, sum(ST_Area(g)) AS area_m2, ST_Collect(g) AS g
    FROM pieces
   GROUP BY parcel_id, class_code
)
SELECT pc.parcel_id,
       pc.class_code,
       pc.area_m2,
       pc.area_m2 / nullif(pc.parcel_area, 0) AS share,
       '{}'::jsonb AS facts,
       ST_Multi(ST_CollectionExtract(ST_Transform(pc.g, 4490), 3)) AS geom,
       pc.class_code AS severity_key
  FROM per_class pc
 CROSS JOIN params
 WHERE pc.area_m2 > params.tolerance_m2
   AND pc.area_m2 > params.tolerance_ratio * pc.parcel_area

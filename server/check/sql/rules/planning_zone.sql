-- planning_zone: where each parcel lies in the land-use plan's construction control zones (建设用地管制区):
-- area per zone code (010 allowed, 020 conditional, 030 restricted, 040 prohibited), plus the part that no
-- zone covers ('outside': the plan says nothing there, so building needs a plan adjustment).
-- Severity per zone comes from the rule's class_severity (040 blocks, 020/030 warn, 010 informs).
--
-- Parameters and result columns: see permanent_farmland_overlap.sql. One row per parcel and zone code.
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
parcels AS NOT MATERIALIZED (
  SELECT p.id, p.geom_ea, p.area_m2
    FROM parcel p, params
   WHERE p.filing_id = params.filing_id
),
pieces AS MATERIALIZED (
  SELECT pa.id AS parcel_id, f.class_code, f.geom_ea AS zone,
         ST_CollectionExtract(ST_Intersection(pa.geom_ea, f.geom_ea), 3) AS g
    FROM parcels pa
    JOIN reference_feature f ON f.geom_ea && pa.geom_ea AND ST_Intersects(f.geom_ea, pa.geom_ea)
    CROSS JOIN params
   WHERE f.version_id = params.layer_version_id
     AND (params.class_codes IS NULL OR f.class_code = ANY (params.class_codes))
),
per_zone AS (
  SELECT parcel_id, class_code, sum(ST_Area(g)) AS area_m2, ST_Collect(g) AS g
    FROM pieces
   GROUP BY parcel_id, class_code
),
-- what no zone covers: the parcel minus every zone it touches
uncovered AS MATERIALIZED (
  SELECT pa.id AS parcel_id,
         ST_CollectionExtract(
           CASE WHEN z.zones IS NULL THEN pa.geom_ea ELSE ST_Difference(pa.geom_ea, z.zones) END, 3) AS g
    FROM parcels pa
    LEFT JOIN (SELECT parcel_id, ST_Union(zone) AS zones FROM pieces GROUP BY parcel_id) z ON z.parcel_id = pa.id
),
rows AS (
  SELECT parcel_id, class_code, area_m2, g, class_code AS severity_key FROM per_zone
  UNION ALL
  SELECT parcel_id, NULL, ST_Area(g), g, 'outside' FROM uncovered WHERE NOT ST_IsEmpty(g)
)
SELECT r.parcel_id,
       r.class_code,
       r.area_m2,
       r.area_m2 / nullif(pa.area_m2, 0) AS share,
       '{}'::jsonb AS facts,
       ST_Multi(ST_CollectionExtract(ST_Transform(r.g, 4490), 3)) AS geom,
       r.severity_key
  FROM rows r
  JOIN parcels pa ON pa.id = r.parcel_id
 CROSS JOIN params
 WHERE r.area_m2 > params.tolerance_m2
   AND r.area_m2 > params.tolerance_ratio * pa.area_m2

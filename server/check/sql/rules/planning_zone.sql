-- planning_zone: where each parcel lies in the land-use plan's construction control zones (建设用地管制区):
-- area per zone code (010 allowed, 020 conditional, 030 restricted, 040 prohibited), plus the part that no
-- zone covers ('outside': the plan says nothing there, so building needs a plan adjustment).
-- Severity per zone comes from the rule's class_severity (040 blocks, 020/030 warn, 010 informs).
--
-- Relations, parameters and result columns: see permanent_farmland_overlap.sql. One row per parcel and
-- zone code, and one per parcel for the uncovered part.
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
per_zone AS MATERIALIZED (
  SELECT parcel_id, class_code, min(parcel_area) AS parcel_area, sum(ST_Area(g)) AS area_m2, ST_Collect(g) AS g
    FROM pieces
   GROUP BY parcel_id, class_code
),
-- the part of each parcel the zones cover: its one piece, or the union of its pieces (zones may overlap)
covered AS MATERIALIZED (
  SELECT parcel_id, CASE WHEN count(*) = 1 THEN ST_Collect(g) ELSE ST_UnaryUnion(ST_Collect(g)) END AS g
    FROM pieces
   GROUP BY parcel_id
),
-- what no zone covers: the whole parcel when no zone touches it, else the parcel minus the covered part,
-- computed only where more than the tolerances is left (most parcels lie wholly inside zones)
uncovered AS MATERIALIZED (
  SELECT pa.id AS parcel_id, pa.area_m2 AS parcel_area,
         CASE WHEN c.parcel_id IS NULL THEN pa.geom_ea
              ELSE ST_CollectionExtract(ST_Difference(pa.geom_ea, c.g), 3) END AS g
    FROM parcels pa
    LEFT JOIN covered c ON c.parcel_id = pa.id
   CROSS JOIN params
   WHERE c.parcel_id IS NULL
      OR (ST_Area(pa.geom_ea) - ST_Area(c.g) > params.tolerance_m2
          AND ST_Area(pa.geom_ea) - ST_Area(c.g) > params.tolerance_ratio * pa.area_m2)
),
rows AS (
  SELECT parcel_id, parcel_area, class_code, area_m2, g, class_code AS severity_key FROM per_zone
  UNION ALL
  SELECT parcel_id, parcel_area, NULL, ST_Area(g), g, 'outside' FROM uncovered WHERE NOT ST_IsEmpty(g)
)
SELECT r.parcel_id,
       r.class_code,
       r.area_m2,
       r.area_m2 / nullif(r.parcel_area, 0) AS share,
       '{}'::jsonb AS facts,
       ST_Multi(ST_CollectionExtract(ST_Transform(r.g, 4490), 3)) AS geom,
       r.severity_key
  FROM rows r
 CROSS JOIN params
 WHERE r.area_m2 > params.tolerance_m2
   AND r.area_m2 > params.tolerance_ratio * r.parcel_area

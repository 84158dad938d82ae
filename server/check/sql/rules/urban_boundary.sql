-- urban_boundary: the part of each parcel outside the urban development boundary (城镇开发边界), with its
-- share of the parcel. Inside the boundary nothing is reported.
--
-- Relations, parameters and result columns: see permanent_farmland_overlap.sql. One row per parcel
-- reaching outside.
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
-- the boundary areas each parcel touches, clipped to the parcel
pieces AS (
  SELECT t.parcel_id, ST_CollectionExtract(ST_Intersection(t.parcel_geom, t.geom_ea), 3) AS g
    FROM touching t
   CROSS JOIN params
   WHERE t.version_id = params.layer_version_id
     AND (params.class_codes IS NULL OR t.class_code = ANY (params.class_codes))
),
-- the part of each parcel inside: its one piece, or the union of its pieces
inside AS MATERIALIZED (
  SELECT parcel_id, CASE WHEN count(*) = 1 THEN ST_Collect(g) ELSE ST_UnaryUnion(ST_Collect(g)) END AS g
    FROM pieces
   GROUP BY parcel_id
),
-- the whole parcel when no boundary area touches it, else the parcel minus the inside part, computed
-- only where more than the tolerances is left outside
outside AS MATERIALIZED (
  SELECT pa.id AS parcel_id, pa.area_m2 AS parcel_area,
         CASE WHEN i.parcel_id IS NULL THEN pa.geom_ea
              ELSE ST_CollectionExtract(ST_Difference(pa.geom_ea, i.g), 3) END AS g
    FROM parcels pa
    LEFT JOIN inside i ON i.parcel_id = pa.id
   CROSS JOIN params
   WHERE i.parcel_id IS NULL
      OR (ST_Area(pa.geom_ea) - ST_Area(i.g) > params.tolerance_m2
          AND ST_Area(pa.geom_ea) - ST_Area(i.g) > params.tolerance_ratio * pa.area_m2)
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

-- permanent_farmland_overlap: how much of each parcel lies on permanent basic farmland (永久基本农田).
-- Any real overlap blocks: only projects the State Council approves may occupy it.
--
-- Every rule is a query over two relations the check run provides (server/check/run.ts composes all
-- enabled rules into one statement; `landuse rules sql <filing>` prints it, to run or EXPLAIN by hand):
--   parcels  (id, parcel_no, geom_ea, area_m2, declared_area_m2): the filing's parcels;
--   touching (parcel_id, parcel_geom, parcel_area, version_id, class_code, geom_ea): every feature of
--            the run's current layer versions that intersects a parcel, found with one GiST probe per
--            parcel for all layers, with the parcel's shape (geom_ea) and area;
-- and the same five parameters:
--   $1 filing id, $2 layer version id, $3 class codes that count (NULL: all),
--   $4 tolerance in m² (smaller overlaps are digitising noise), $5 tolerance as a share of the parcel.
-- Returns one row per parcel that overlaps: parcel_id, class_code, area_m2, share, facts, geom (the
-- overlap shape in EPSG:4490), severity_key (NULL: the rule's severity).
-- Areas are planar in the equal-area projection (geom_ea, SRID 990001) = ellipsoidal areas.
-- params is NOT MATERIALIZED, so the planner sees the parameters as values; a CTE whose shapes are used
-- more than once is MATERIALIZED, so ST_Intersection / ST_Difference runs once per row, not per use; so
-- is an aggregate, so that a nested loop (planned on guessed row counts) never computes it again. A rule
-- takes what it needs from touching rather than joining parcels again.
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
),
-- every farmland patch a parcel touches, clipped to the parcel
pieces AS MATERIALIZED (
  SELECT t.parcel_id, t.parcel_area, ST_CollectionExtract(ST_Intersection(t.parcel_geom, t.geom_ea), 3) AS g
    FROM touching t
   CROSS JOIN params
   WHERE t.version_id = params.layer_version_id
     AND (params.class_codes IS NULL OR t.class_code = ANY (params.class_codes))
),
-- patches do not overlap each other, so a parcel's overlap is the sum of its pieces
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

-- declared_area_mismatch: parcels whose declared area (from the survey file) differs from the area
-- measured from their boundary by more than the tolerance: max($4 m², $5 × the measured area).
-- The measured area is ellipsoidal (parcel.area_m2); a survey's declared area is usually the
-- Gauss-Krüger plane area, up to ~0.1 % larger near a zone's edge, well inside the default 1 %.
--
-- Relations, parameters and result columns: see permanent_farmland_overlap.sql ($2 and $3 are not used;
-- no shape).
WITH params AS NOT MATERIALIZED (
  SELECT $1::bigint AS filing_id, $2::bigint AS layer_version_id, $3::text[] AS class_codes,
         $4::float8 AS tolerance_m2, $5::float8 AS tolerance_ratio
)
SELECT p.id AS parcel_id,
       NULL::text AS class_code,
       abs(p.declared_area_m2 - p.area_m2) AS area_m2,
       abs(p.declared_area_m2 - p.area_m2) / nullif(p.area_m2, 0) AS share,
       jsonb_build_object('declaredM2', round(p.declared_area_m2::numeric, 2),
                          'computedM2', round(p.area_m2::numeric, 2)) AS facts,
       NULL::geometry(MultiPolygon, 4490) AS geom,
       NULL::text AS severity_key
  FROM parcels p
 CROSS JOIN params
 WHERE p.declared_area_m2 IS NOT NULL
   AND abs(p.declared_area_m2 - p.area_m2) > greatest(params.tolerance_m2, params.tolerance_ratio * p.area_m2)

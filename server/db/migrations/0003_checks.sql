-- Up Migration
-- Compliance checks: an equal-area twin of every overlay geometry, the rules as data, and the stored
-- runs with their per-rule outcomes and findings.

-- Areas: an Albers equal-area projection on the CGCS2000 ellipsoid (GRS80), the one China's land surveys
-- use (standard parallels 25°N and 47°N, central meridian 105°E). Equal-area means a planar area in it
-- is the ellipsoidal area, at planar speed; see docs/checks.md.
-- No authority name: PostGIS then uses proj4text directly (with one, the embedded PostGIS asks PROJ's
-- database for it and never comes back).
INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text, srtext)
VALUES (
  990001, NULL, NULL,
  '+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs',
  'PROJCS["CGCS2000 / Albers equal area (China)",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Albers_Conic_Equal_Area"],PARAMETER["latitude_of_center",0],PARAMETER["longitude_of_center",105],PARAMETER["standard_parallel_1",25],PARAMETER["standard_parallel_2",47],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]'
)
ON CONFLICT (srid) DO NOTHING;

ALTER TABLE reference_feature
  ADD COLUMN geom_ea geometry(MultiPolygon, 990001) GENERATED ALWAYS AS (ST_Transform(geom, 990001)) STORED;
CREATE INDEX reference_feature_geom_ea_gist ON reference_feature USING gist (geom_ea);

ALTER TABLE parcel
  ADD COLUMN geom_ea geometry(MultiPolygon, 990001) GENERATED ALWAYS AS (ST_Transform(geom, 990001)) STORED;
CREATE INDEX parcel_geom_ea_gist ON parcel USING gist (geom_ea);

ALTER TABLE jurisdiction
  ADD COLUMN boundary_ea geometry(MultiPolygon, 990001) GENERATED ALWAYS AS (ST_Transform(boundary, 990001)) STORED;
CREATE INDEX jurisdiction_boundary_ea_gist ON jurisdiction USING gist (boundary_ea);

-- The rules. Each has its SQL in server/check/sql/rules/<code>.sql; this row tunes it.
CREATE TABLE check_rule (
  code            text PRIMARY KEY,
  name_zh         text NOT NULL,
  name_en         text NOT NULL,
  layer_kind      text REFERENCES reference_layer (kind),   -- null: the rule needs no reference layer
  enabled         boolean NOT NULL DEFAULT true,
  severity        text NOT NULL CHECK (severity IN ('block', 'warn', 'info')),
  -- severity per class code where it differs from `severity` (planning zones: 040 block, 030 warn …)
  class_severity  jsonb NOT NULL DEFAULT '{}',
  class_codes     text[],                                   -- the classes that count; null: all
  tolerance_m2    double precision NOT NULL DEFAULT 1,      -- below this an overlap is noise
  tolerance_ratio double precision NOT NULL DEFAULT 0,      -- … or below this share of the parcel
  -- message templates; placeholders: {parcelNo} {areaM2} {areaHa} {areaMu} {share} {classCode}
  -- {className} {otherFiling} {declaredM2} {computedM2} {difference}
  message_zh      text NOT NULL,
  message_en      text NOT NULL,
  note_zh         text,
  note_en         text,
  sort            integer NOT NULL
);

INSERT INTO check_rule (code, name_zh, name_en, layer_kind, severity, class_severity, class_codes, tolerance_m2, tolerance_ratio,
                        message_zh, message_en, note_zh, note_en, sort) VALUES
  ('permanent_farmland_overlap', '占用永久基本农田', 'Permanent basic farmland', 'permanent_farmland', 'block', '{}', NULL, 1, 0,
   '地块 {parcelNo} 占用永久基本农田 {areaM2} 平方米（{areaHa} 公顷，{areaMu} 亩）',
   'Parcel {parcelNo} occupies {areaM2} m² ({areaHa} ha, {areaMu} mu) of permanent basic farmland',
   '占用永久基本农田须报国务院批准', 'Occupying permanent basic farmland requires State Council approval', 10),
  ('cultivated_land_occupation', '占用耕地', 'Cultivated land occupied', 'cultivated_land', 'info', '{}', ARRAY['0101', '0102', '0103'], 1, 0,
   '地块 {parcelNo} 占用耕地（{className}）{areaM2} 平方米（{areaHa} 公顷，{areaMu} 亩），须落实占补平衡',
   'Parcel {parcelNo} occupies {areaM2} m² ({areaHa} ha, {areaMu} mu) of cultivated land ({className}), to be compensated',
   '占用耕地须补充数量相等、质量相当的耕地（耕地占补平衡）',
   'Occupied cultivated land must be compensated with land of equal quantity and quality', 20),
  ('planning_zone', '建设用地管制区', 'Land-use plan control zones', 'planning_zone', 'warn',
   '{"010": "info", "020": "warn", "030": "warn", "040": "block", "outside": "warn"}', NULL, 1, 0,
   '地块 {parcelNo} 位于{className} {areaM2} 平方米（占地块 {share}）',
   'Parcel {parcelNo} lies in the {className} over {areaM2} m² ({share} of the parcel)',
   '位于允许建设区以外的部分须调整规划', 'The part outside the allowed construction zone needs a plan adjustment', 30),
  ('eco_redline_overlap', '生态保护红线', 'Ecological protection red line', 'eco_redline', 'block', '{}', NULL, 1, 0,
   '地块 {parcelNo} 占用生态保护红线 {areaM2} 平方米（{areaHa} 公顷，{areaMu} 亩）',
   'Parcel {parcelNo} occupies {areaM2} m² ({areaHa} ha, {areaMu} mu) of the ecological protection red line',
   '生态保护红线内禁止开发性建设', 'No development is allowed inside the ecological protection red line', 40),
  ('urban_boundary', '城镇开发边界', 'Urban development boundary', 'urban_boundary', 'info', '{"outside": "warn"}', NULL, 1, 0.01,
   '地块 {parcelNo} 有 {areaM2} 平方米（占 {share}）位于城镇开发边界以外',
   'Parcel {parcelNo} has {areaM2} m² ({share}) outside the urban development boundary',
   NULL, NULL, 50),
  ('jurisdiction_containment', '行政区划范围', 'Inside the filing county', NULL, 'block', '{}', NULL, 1, 0,
   '地块 {parcelNo} 有 {areaM2} 平方米超出报件县的行政区划',
   'Parcel {parcelNo} reaches {areaM2} m² outside the filing county',
   '县级只能报批本行政区内的地块', 'A county may only file parcels inside its own boundary', 60),
  ('filing_overlap', '重复报批', 'Repeat filing', NULL, 'warn', '{"approved": "block"}', NULL, 1, 0,
   '地块 {parcelNo} 与报件“{otherFiling}”的地块重叠 {areaM2} 平方米（重复报批）',
   'Parcel {parcelNo} overlaps a parcel of filing "{otherFiling}" by {areaM2} m² (repeat filing)',
   NULL, NULL, 70),
  ('declared_area_mismatch', '申报面积核对', 'Declared area', NULL, 'warn', '{}', NULL, 0, 0.01,
   '地块 {parcelNo} 申报面积 {declaredM2} 平方米，实测 {computedM2} 平方米，相差 {difference}',
   'Parcel {parcelNo} declares {declaredM2} m² but measures {computedM2} m² ({difference} apart)',
   NULL, NULL, 80);

-- A run of the checks on a filing's parcels (or on an uploaded file, for a pre-check).
CREATE TABLE check_run (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  filing_id    bigint NOT NULL REFERENCES filing (id),
  started_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  started_by   bigint REFERENCES app_user (id),
  trigger      text NOT NULL CHECK (trigger IN ('upload_accepted', 'on_demand', 'sample')),
  parcel_count integer NOT NULL DEFAULT 0,
  -- the worst outcome: block / warn / info / clear (no finding at all)
  worst        text,
  duration_ms  integer
);
CREATE INDEX check_run_filing ON check_run (filing_id, id DESC);

-- Per run and rule: hit / clear / not checked, with the layer version used and the rule's settings.
CREATE TABLE check_rule_result (
  run_id           bigint NOT NULL REFERENCES check_run (id) ON DELETE CASCADE,
  rule_code        text NOT NULL REFERENCES check_rule (code),
  state            text NOT NULL CHECK (state IN ('hit', 'clear', 'not_checked')),
  reason           text,                  -- why not checked (layer missing, rule disabled)
  layer_version_id bigint REFERENCES reference_layer_version (id),
  settings         jsonb NOT NULL,        -- the rule row as it was when run
  finding_count    integer NOT NULL DEFAULT 0,
  duration_ms      integer,
  PRIMARY KEY (run_id, rule_code)
);

CREATE TABLE check_finding (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id        bigint NOT NULL REFERENCES check_run (id) ON DELETE CASCADE,
  rule_code     text NOT NULL REFERENCES check_rule (code),
  parcel_id     bigint REFERENCES parcel (id) ON DELETE SET NULL,
  parcel_no     text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('block', 'warn', 'info')),
  class_code    text,
  area_m2       double precision,
  share         double precision,            -- of the parcel's area, 0..1
  facts         jsonb NOT NULL DEFAULT '{}', -- other filing, declared and computed areas …
  geom          geometry(MultiPolygon, 4490) -- the overlap shape, when there is one
);
CREATE INDEX check_finding_run ON check_finding (run_id);
CREATE INDEX check_finding_geom_gist ON check_finding USING gist (geom);

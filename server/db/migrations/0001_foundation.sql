-- Up Migration
-- Foundation: jurisdictions, divisions, roles, users and their sessions, reference layers with versions,
-- filings with parcels, and the append-only audit trail. Geometry is stored in CGCS2000 (EPSG:4490);
-- areas come from the ellipsoid (geography), never from degrees.

-- Administrative divisions (行政区划): province > city > county, 6-digit division codes.
CREATE TABLE jurisdiction (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
  name        text NOT NULL,
  name_en     text NOT NULL DEFAULT '',
  level       text NOT NULL CHECK (level IN ('province', 'city', 'county')),
  parent_code text REFERENCES jurisdiction (code),
  -- Codes from the root down to this one, e.g. '520000/520100/520102/'. The subtree of a jurisdiction
  -- is every row whose path starts with its path: scoping a query is one indexed prefix test.
  path        text NOT NULL UNIQUE,
  boundary    geometry(MultiPolygon, 4490) NOT NULL,
  CHECK ((level = 'province') = (parent_code IS NULL))
);
CREATE INDEX jurisdiction_boundary_gist ON jurisdiction USING gist (boundary);
CREATE INDEX jurisdiction_path_prefix ON jurisdiction (path text_pattern_ops);

-- Provincial divisions (处室) that review filings in parallel.
CREATE TABLE division (
  code    text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  sort    integer NOT NULL
);
INSERT INTO division (code, name_zh, name_en, sort) VALUES
  ('farmland_protection', '耕地保护处', 'Farmland Protection Division', 10),
  ('planning', '规划处', 'Planning Division', 20),
  ('land_use', '利用处', 'Land Use Division', 30),
  ('cadastre', '地籍处', 'Cadastre Division', 40),
  ('legal', '法规处', 'Legal Affairs Division', 50);

CREATE TABLE role (
  code    text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  sort    integer NOT NULL
);
INSERT INTO role (code, name_zh, name_en, sort) VALUES
  ('county_clerk', '县级报件员', 'County clerk', 10),
  ('city_clerk', '市级审核员', 'City clerk', 20),
  ('window_clerk', '窗口受理员', 'Service-window clerk', 30),
  ('division_reviewer', '处室审查员', 'Division reviewer', 40),
  ('leader', '厅领导', 'Leader', 50),
  ('supervisor', '督办员', 'Supervisor', 60),
  ('admin', '系统管理员', 'Administrator', 70);

CREATE TABLE app_user (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username          text NOT NULL CHECK (username ~ '^[A-Za-z0-9._-]{2,64}$'),
  display_name      text NOT NULL,
  password_hash     text NOT NULL,                      -- argon2id, PHC string
  role              text NOT NULL REFERENCES role (code),
  division_code     text REFERENCES division (code),
  jurisdiction_code text NOT NULL REFERENCES jurisdiction (code),
  is_demo           boolean NOT NULL DEFAULT false,     -- created from the sample data
  disabled_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'division_reviewer') = (division_code IS NOT NULL))
);
CREATE UNIQUE INDEX app_user_username ON app_user (lower(username));

-- Login sessions (express-session through connect-pg-simple).
CREATE TABLE user_session (
  sid    varchar PRIMARY KEY,
  sess   json NOT NULL,
  expire timestamp(6) NOT NULL
);
CREATE INDEX user_session_expire ON user_session (expire);

-- Reference layers (参考图层): what parcels are checked against. A layer has versions; a new import is a
-- new version and never overwrites the old one, so an old check can always be explained.
CREATE TABLE reference_layer (
  kind               text PRIMARY KEY,
  name_zh            text NOT NULL,
  name_en            text NOT NULL,
  sort               integer NOT NULL,
  min_zoom           integer NOT NULL,   -- display hint: dense layers are drawn only when zoomed in
  current_version_id bigint
);
INSERT INTO reference_layer (kind, name_zh, name_en, sort, min_zoom) VALUES
  ('permanent_farmland', '永久基本农田', 'Permanent basic farmland', 10, 11),
  ('cultivated_land', '耕地', 'Cultivated land', 20, 11),
  ('planning_zone', '建设用地管制区', 'Land-use plan control zones', 30, 8),
  ('eco_redline', '生态保护红线', 'Ecological protection red line', 40, 6),
  ('urban_boundary', '城镇开发边界', 'Urban development boundary', 50, 6);

-- Class codes of a layer, with their meaning and display colours (the legend). code '' stands for the
-- whole layer when it has no classes.
CREATE TABLE reference_layer_class (
  layer_kind text NOT NULL REFERENCES reference_layer (kind),
  code       text NOT NULL,
  name_zh    text NOT NULL,
  name_en    text NOT NULL,
  fill       text NOT NULL,
  stroke     text NOT NULL,
  PRIMARY KEY (layer_kind, code)
);
INSERT INTO reference_layer_class (layer_kind, code, name_zh, name_en, fill, stroke) VALUES
  ('permanent_farmland', '', '永久基本农田', 'Permanent basic farmland', 'rgba(230,160,30,0.45)', '#b8740a'),
  ('cultivated_land', '0101', '水田', 'Paddy field', 'rgba(90,170,220,0.35)', '#3a86b8'),
  ('cultivated_land', '0102', '水浇地', 'Irrigated land', 'rgba(120,200,140,0.35)', '#3f9a59'),
  ('cultivated_land', '0103', '旱地', 'Dry land', 'rgba(210,200,110,0.35)', '#9e9230'),
  ('planning_zone', '010', '允许建设区', 'Allowed construction zone', 'rgba(240,120,120,0.25)', '#d9534f'),
  ('planning_zone', '020', '有条件建设区', 'Conditional construction zone', 'rgba(245,190,110,0.25)', '#e0962f'),
  ('planning_zone', '030', '限制建设区', 'Restricted construction zone', 'rgba(170,200,120,0.25)', '#78a23c'),
  ('planning_zone', '040', '禁止建设区', 'Prohibited construction zone', 'rgba(60,140,80,0.30)', '#2d6e3e'),
  ('eco_redline', '', '生态保护红线', 'Ecological protection red line', 'rgba(40,150,70,0.30)', '#c0392b'),
  ('urban_boundary', '', '城镇开发边界', 'Urban development boundary', 'rgba(150,110,200,0.12)', '#7d4fc0');

CREATE TABLE reference_layer_version (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  layer_kind    text NOT NULL REFERENCES reference_layer (kind),
  label         text NOT NULL,               -- e.g. '2025 年度更新'
  source_name   text,                        -- the imported file
  class_field   text,                        -- which attribute held the class code
  feature_count integer NOT NULL DEFAULT 0,
  imported_at   timestamptz NOT NULL DEFAULT now(),
  imported_by   bigint REFERENCES app_user (id),
  UNIQUE (layer_kind, label)
);
ALTER TABLE reference_layer
  ADD FOREIGN KEY (current_version_id) REFERENCES reference_layer_version (id);

CREATE TABLE reference_feature (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  version_id bigint NOT NULL REFERENCES reference_layer_version (id) ON DELETE CASCADE,
  class_code text,
  attributes jsonb NOT NULL DEFAULT '{}',
  geom       geometry(MultiPolygon, 4490) NOT NULL
);
CREATE INDEX reference_feature_geom_gist ON reference_feature USING gist (geom);
CREATE INDEX reference_feature_version ON reference_feature (version_id);

-- Filings (报件) and their parcels (地块).
CREATE TABLE filing (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_code text NOT NULL REFERENCES jurisdiction (code),   -- the filing county
  title             text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  filing_type       text NOT NULL CHECK (filing_type IN ('batch', 'standalone')),
  priority          text NOT NULL DEFAULT 'standard' CHECK (priority IN ('standard', 'key')),
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN (
                      'draft', 'city_review', 'window_intake', 'under_review', 'signoff',
                      'returned', 'approved', 'rejected', 'withdrawn')),
  receipt_no        text UNIQUE,
  accepted_at       timestamptz,
  due_at            date,
  decided_at        timestamptz,
  notes             text,
  created_by        bigint NOT NULL REFERENCES app_user (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1     -- optimistic concurrency
);
CREATE INDEX filing_jurisdiction_status ON filing (jurisdiction_code, status);
CREATE INDEX filing_status ON filing (status);

CREATE TABLE parcel (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  filing_id        bigint NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
  parcel_no        text NOT NULL,
  name             text,
  land_use         text,
  declared_area_m2 double precision,
  geom             geometry(MultiPolygon, 4490) NOT NULL,
  -- Ellipsoidal area on CGCS2000 (GRS80), kept in step with the geometry by the database.
  area_m2          double precision GENERATED ALWAYS AS (ST_Area(geom::geography, true)) STORED,
  source_geom      geometry NOT NULL,         -- the coordinates as uploaded, unchanged, with their SRID
  -- EPSG code of the uploaded coordinates (derived, so it cannot disagree with the geometry).
  source_crs       integer GENERATED ALWAYS AS (ST_SRID(source_geom)) STORED,
  UNIQUE (filing_id, parcel_no)
);
CREATE INDEX parcel_filing ON parcel (filing_id);
CREATE INDEX parcel_geom_gist ON parcel USING gist (geom);
CREATE INDEX parcel_source_geom_gist ON parcel USING gist (source_geom);

-- The audit trail (办理记录): append-only.
CREATE TABLE audit_event (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  actor_id     bigint REFERENCES app_user (id),
  actor_role   text,
  action       text NOT NULL,
  subject_type text,
  subject_id   text,
  before       jsonb,
  after        jsonb,
  comment      text,
  client_ip    text
);
CREATE INDEX audit_event_subject ON audit_event (subject_type, subject_id);

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP;
END
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();

-- Up Migration
-- Parcel uploads: the bytes of every file a county sends (kept whatever the outcome), what reading them
-- found, and the parcels of each preview until one is accepted into its filing.

CREATE TABLE upload (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  filing_id       bigint NOT NULL REFERENCES filing (id),
  created_by      bigint NOT NULL REFERENCES app_user (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  -- received: bytes stored, not read yet (a crash while reading leaves this); preview: read, may be
  -- accepted when it has no error; unreadable: the files could not be read at all; accepted: imported
  -- into the filing; superseded: an accepted upload replaced by a later one.
  status          text NOT NULL DEFAULT 'received'
                  CHECK (status IN ('received', 'preview', 'unreadable', 'accepted', 'superseded')),
  file_names      text[] NOT NULL,
  size_bytes      bigint NOT NULL,
  sha256          text NOT NULL,          -- of the single file, or of the sorted "name sha256" lines of several
  options         jsonb NOT NULL DEFAULT '{}',   -- what the user asked for: crs, encoding, layer, repair
  ok              boolean NOT NULL DEFAULT false,
  format          text,
  layer           text,
  layers          text[] NOT NULL DEFAULT '{}',
  encoding        text,
  encoding_source text,
  crs             integer,
  crs_source      text,
  feature_count   integer NOT NULL DEFAULT 0,
  error_count     integer NOT NULL DEFAULT 0,
  warning_count   integer NOT NULL DEFAULT 0,
  findings        jsonb NOT NULL DEFAULT '[]',
  read_ms         integer,
  accepted_at     timestamptz
);
CREATE INDEX upload_filing ON upload (filing_id, id DESC);

-- The files themselves, byte for byte.
CREATE TABLE upload_file (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  upload_id  bigint NOT NULL REFERENCES upload (id),
  name       text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256     text NOT NULL,
  bytes      bytea NOT NULL
);
CREATE INDEX upload_file_upload ON upload_file (upload_id);

-- The parcels of a preview, as they would be imported. Their shapes are kept as EWKB, not as geometry:
-- nothing queries a preview spatially, and parsing and indexing 100 000 shapes would double the time an
-- upload takes. Accepting one turns them into the filing's (indexed) parcel geometry.
CREATE TABLE upload_parcel (
  upload_id        bigint NOT NULL REFERENCES upload (id) ON DELETE CASCADE,
  idx              integer NOT NULL,            -- 0-based feature index in the file
  parcel_no        text NOT NULL,
  name             text,
  land_use         text,
  land_class_code  text,
  declared_area_m2 double precision,
  area_m2          double precision,            -- ellipsoidal, computed while reading
  vertex_count     integer NOT NULL,
  severity         text CHECK (severity IN ('error', 'warning')),   -- worst finding of this parcel
  repaired         boolean NOT NULL DEFAULT false,
  geom_ewkb        bytea,     -- MultiPolygon, EPSG:4490; null when the file had no usable geometry
  source_ewkb      bytea,     -- the same in the file's own CRS (its SRID inside)
  PRIMARY KEY (upload_id, idx)
);

ALTER TABLE parcel ADD COLUMN land_class_code text;
ALTER TABLE parcel ADD COLUMN upload_id bigint REFERENCES upload (id);

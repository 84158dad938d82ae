-- Up Migration
-- The workflow core and the statutory clock (docs/workflow.md): process definitions as data, the steps
-- waiting in queues (task), clock pauses and extensions, calendar overrides, notices sent by the
-- scheduler, the notification outbox and inbox, idempotency keys, and the hash-chained audit trail.

ALTER TABLE filing DROP CONSTRAINT filing_status_check;
ALTER TABLE filing ADD CONSTRAINT filing_status_check CHECK (status IN (
  'draft', 'city_review', 'window_intake', 'under_review', 'signoff', 'release',
  'returned', 'approved', 'rejected', 'withdrawn'));

-- Process definitions (server/workflow/processes/*.yaml), kept per version: a filing runs to its end on
-- the version it started with.
CREATE TABLE process_definition (
  id         text NOT NULL,
  version    integer NOT NULL CHECK (version > 0),
  body       jsonb NOT NULL,
  sha256     text NOT NULL,
  loaded_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

ALTER TABLE filing
  ADD COLUMN process_id        text,
  ADD COLUMN process_version   integer,
  ADD COLUMN submitted_at      timestamptz,
  ADD COLUMN public_code       text,             -- with receipt_no, what the public progress lookup needs
  ADD COLUMN accepted_on       date,             -- acceptance day in China (the clock starts after it)
  ADD COLUMN limit_days        integer,          -- overall limit in working days
  ADD COLUMN extension_days    integer NOT NULL DEFAULT 0,
  ADD COLUMN paused_days       integer NOT NULL DEFAULT 0,   -- working days spent back with the county
  ADD COLUMN paused_since      date,             -- set while the clock is paused
  ADD COLUMN promised_date     date,             -- the date on the receipt (due_at moves, this does not)
  ADD COLUMN resume_stage      text,             -- where a returned filing goes back to
  ADD COLUMN decision          text CHECK (decision IN ('approved', 'rejected')),
  ADD COLUMN submit_justification text,          -- why a filing with blocking findings was submitted
  ADD FOREIGN KEY (process_id, process_version) REFERENCES process_definition (id, version);
CREATE SEQUENCE receipt_no_seq START 2001;

-- An approved filing and its parcels are frozen: corrections after approval are a new filing.
CREATE FUNCTION filing_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'approved' THEN
    RAISE EXCEPTION 'filing % is approved and frozen: corrections after approval are a new filing', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER filing_frozen BEFORE UPDATE OR DELETE ON filing
  FOR EACH ROW EXECUTE FUNCTION filing_frozen();

CREATE FUNCTION parcel_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fid bigint := CASE WHEN TG_OP = 'INSERT' THEN NEW.filing_id ELSE OLD.filing_id END;
BEGIN
  IF EXISTS (SELECT 1 FROM filing WHERE id = fid AND status = 'approved') THEN
    RAISE EXCEPTION 'parcels of filing % are frozen: the filing is approved', fid
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER parcel_frozen BEFORE INSERT OR UPDATE OR DELETE ON parcel
  FOR EACH ROW EXECUTE FUNCTION parcel_frozen();

CREATE INDEX filing_running_due ON filing (due_at) WHERE status IN ('under_review', 'signoff', 'release');

-- A step of a filing waiting in a queue: a role in a jurisdiction (and a division for division review).
CREATE TABLE task (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  filing_id         bigint NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
  stage             text NOT NULL,                 -- city_review, window_intake, division_review, signoff, release
  step              text NOT NULL,                 -- the step key in the definition (division code, seat)
  role              text NOT NULL REFERENCES role (code),
  division_code     text REFERENCES division (code),
  jurisdiction_code text NOT NULL REFERENCES jurisdiction (code),
  seq               integer NOT NULL DEFAULT 1,    -- order of leader seats
  round             integer NOT NULL DEFAULT 1,    -- how many times this step has been opened
  state             text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
  started_on        date NOT NULL,
  limit_days        integer,                       -- NULL: no statutory limit (before acceptance)
  extension_days    integer NOT NULL DEFAULT 0,
  due_on            date,
  outcome           text,
  comment           text,
  send_back_division text,
  acted_by          bigint REFERENCES app_user (id),
  acted_at          timestamptz,
  delay_reason      text,
  delay_reason_required boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  version           integer NOT NULL DEFAULT 1
);
CREATE INDEX task_filing ON task (filing_id);
CREATE INDEX task_open_queue ON task (role, jurisdiction_code, division_code, due_on) WHERE state = 'open';
CREATE INDEX task_open_due ON task (due_on, id) WHERE state = 'open';

-- Pauses of a filing's clock (back with the county after acceptance).
CREATE TABLE clock_pause (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  filing_id  bigint NOT NULL REFERENCES filing (id) ON DELETE CASCADE,
  from_day   date NOT NULL,
  to_day     date,
  workdays   integer
);
CREATE INDEX clock_pause_filing ON clock_pause (filing_id);

CREATE TABLE extension_request (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_id          bigint NOT NULL REFERENCES task (id) ON DELETE CASCADE,
  days             integer NOT NULL CHECK (days BETWEEN 1 AND 60),
  reason           text NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused')),
  requested_by     bigint NOT NULL REFERENCES app_user (id),
  requested_at     timestamptz NOT NULL DEFAULT now(),
  decided_by       bigint REFERENCES app_user (id),
  decided_at       timestamptz,
  decision_comment text,
  old_due_on       date,
  new_due_on       date,
  old_filing_due   date,
  new_filing_due   date
);
CREATE UNIQUE INDEX extension_one_pending ON extension_request (task_id) WHERE state = 'pending';

-- Working-day corrections the calendar package does not know yet.
CREATE TABLE calendar_override (
  day        date PRIMARY KEY,
  workday    boolean NOT NULL,
  note       text,
  updated_by bigint REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Warnings already sent: (subject, kind, due date) once, whatever instance or restart sends it.
CREATE TABLE clock_notice (
  subject  text NOT NULL,                  -- 'task:12' or 'filing:5'
  kind     text NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
  due_on   date NOT NULL,
  sent_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject, kind, due_on)
);

-- Transactional outbox: written with the action, delivered by the dispatcher.
CREATE TABLE outbox (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind         text NOT NULL,
  recipient_id bigint NOT NULL REFERENCES app_user (id),
  filing_id    bigint REFERENCES filing (id) ON DELETE CASCADE,
  task_id      bigint REFERENCES task (id) ON DELETE SET NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text
);
CREATE INDEX outbox_pending ON outbox (id) WHERE processed_at IS NULL;

-- The in-app inbox.
CREATE TABLE notification (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbox_id  bigint UNIQUE REFERENCES outbox (id) ON DELETE SET NULL,
  user_id    bigint NOT NULL REFERENCES app_user (id),
  kind       text NOT NULL,
  filing_id  bigint REFERENCES filing (id) ON DELETE CASCADE,
  task_id    bigint REFERENCES task (id) ON DELETE SET NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at    timestamptz
);
CREATE INDEX notification_user ON notification (user_id, id DESC);
CREATE INDEX notification_unread ON notification (user_id) WHERE read_at IS NULL;

ALTER TABLE app_user ADD COLUMN email text;

-- Idempotency keys of state-changing requests: a repeat returns the first answer.
CREATE TABLE idempotency_key (
  user_key   text NOT NULL,                -- user id, or the session for anonymous requests
  key        text NOT NULL,
  method     text NOT NULL,
  path       text NOT NULL,
  state      text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done')),
  status     integer,
  body       jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_key, key)
);

-- The audit trail becomes a hash chain: seq numbers the events in the order they were chained, and
-- hash = sha256(prev_hash || canonical text of the event). A trigger does it for every insert, under a
-- transaction-level advisory lock so that two writers cannot chain to the same predecessor.
ALTER TABLE audit_event
  ADD COLUMN seq       bigint UNIQUE,
  ADD COLUMN prev_hash text,
  ADD COLUMN hash      text;

CREATE FUNCTION audit_event_canonical(e audit_event) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_array(
           e.seq, (extract(epoch FROM e.occurred_at) * 1000000)::bigint, e.actor_id, e.actor_role,
           e.action, e.subject_type, e.subject_id, e.before, e.after, e.comment, e.client_ip)::text
$$;

CREATE FUNCTION audit_event_hash(prev text, e audit_event) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(coalesce(prev, '') || '|' || audit_event_canonical(e), 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last record;
BEGIN
  PERFORM pg_advisory_xact_lock(7310001);
  SELECT seq, hash INTO last FROM audit_event WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.prev_hash := last.hash;
  NEW.hash := audit_event_hash(last.hash, NEW);
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- Chain the events written before this migration, in id order (the append-only trigger is lifted for
-- this one statement and put back).
ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;
DO $$
DECLARE
  r audit_event;
  prev text := NULL;
  n bigint := 0;
BEGIN
  FOR r IN SELECT * FROM audit_event ORDER BY id LOOP
    n := n + 1;
    r.seq := n;
    r.prev_hash := prev;
    r.hash := audit_event_hash(prev, r);
    UPDATE audit_event SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    prev := r.hash;
  END LOOP;
END
$$;
ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update;
CREATE INDEX audit_event_occurred ON audit_event (occurred_at);

-- Replacing a filing's parcels deletes them, and the foreign key of check_finding.parcel_id (ON DELETE
-- SET NULL) then looked for their findings with a scan of every finding ever stored: 45 s for 1,000
-- parcels with 168k findings stored (npm run bench:check). With this index: 2.9 s, most of it the update.
CREATE INDEX check_finding_parcel ON check_finding (parcel_id);

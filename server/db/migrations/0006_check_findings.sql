-- Up Migration
-- Check findings are written in bulk by one statement per run (server/check/run.ts); what each row had to
-- maintain cost more than finding the overlaps (npm run bench:check: 3,455 findings took 75 ms to insert,
-- 20 ms without the three foreign keys and the GiST index).

-- A finding is a record of its run and stays as it was: it names the parcel by parcel_no and keeps the id
-- the parcel had. Replacing a filing's parcels no longer rewrites the findings of earlier runs (ON DELETE
-- SET NULL did, 3 s for 1,000 parcels with 168k findings stored); a report joins the parcel when it is
-- still there.
ALTER TABLE check_finding DROP CONSTRAINT check_finding_parcel_id_fkey;
DROP INDEX check_finding_parcel;

-- Nothing looks findings up by place: the map asks for a run's findings by run_id.
DROP INDEX check_finding_geom_gist;

-- One key instead of two: a finding belongs to its rule's result in its run (which itself refers to the
-- run and the rule), so a finding of a rule the run did not check cannot be stored.
ALTER TABLE check_finding
  DROP CONSTRAINT check_finding_run_id_fkey,
  DROP CONSTRAINT check_finding_rule_code_fkey,
  ADD CONSTRAINT check_finding_rule_result_fkey FOREIGN KEY (run_id, rule_code)
    REFERENCES check_rule_result (run_id, rule_code) ON DELETE CASCADE;

-- The parcels of an approved filing stay frozen, now checked once per statement instead of once per
-- row: replacing a filing's 1,000 parcels asked the filing table 2,000 times (13 ms of the 1,000-parcel
-- accept). A statement touching parcels of an approved filing fails as before.
DROP TRIGGER parcel_frozen ON parcel;
DROP FUNCTION parcel_frozen();
CREATE FUNCTION parcel_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fid bigint;
BEGIN
  -- the transition tables of this statement: new_rows for INSERT and UPDATE, old_rows for UPDATE and DELETE
  IF TG_OP = 'INSERT' THEN
    SELECT f.id INTO fid FROM filing f
     WHERE f.status = 'approved' AND f.id IN (SELECT filing_id FROM new_rows) LIMIT 1;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT f.id INTO fid FROM filing f
     WHERE f.status = 'approved'
       AND (f.id IN (SELECT filing_id FROM new_rows) OR f.id IN (SELECT filing_id FROM old_rows)) LIMIT 1;
  ELSE
    SELECT f.id INTO fid FROM filing f
     WHERE f.status = 'approved' AND f.id IN (SELECT filing_id FROM old_rows) LIMIT 1;
  END IF;
  IF fid IS NOT NULL THEN
    RAISE EXCEPTION 'parcels of filing % are frozen: the filing is approved', fid
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER parcel_frozen_insert AFTER INSERT ON parcel
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_frozen();
CREATE TRIGGER parcel_frozen_update AFTER UPDATE ON parcel
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_frozen();
CREATE TRIGGER parcel_frozen_delete AFTER DELETE ON parcel
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_frozen();

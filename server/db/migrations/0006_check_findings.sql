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

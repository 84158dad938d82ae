-- Up Migration
-- Accepting an upload writes a filing's parcels and a check run's findings in bulk, one statement each.
-- A foreign key is checked row by row (a query per row: 1,000 parcels asked the filing and the upload
-- 1,000 times each, and 2,436 findings asked for their rule result 2,436 times, about 10 ms per 1,000
-- rows on the bench machine, npm run bench:check). The same guarantees are checked here once per
-- statement, over the statement's transition table, as parcel_frozen already was (0006): the rows
-- referred to must exist and are locked FOR KEY SHARE as a foreign key locks them; deleting a filing
-- still removes its parcels and deleting a rule result its findings; an upload that parcels came from
-- cannot be deleted.

-- Nothing looks parcels up by their source geometry (kept in whatever CRS it was uploaded in, so one
-- index over it mixes coordinate systems), and (filing_id, parcel_no) is unique: its index serves every
-- lookup by filing.
DROP INDEX parcel_source_geom_gist;
DROP INDEX parcel_filing;

-- Parcels: their filing and upload exist, and the parcels of an approved filing stay frozen.
ALTER TABLE parcel
  DROP CONSTRAINT parcel_filing_id_fkey,
  DROP CONSTRAINT parcel_upload_id_fkey;
DROP TRIGGER parcel_frozen_insert ON parcel;
DROP TRIGGER parcel_frozen_update ON parcel;
DROP TRIGGER parcel_frozen_delete ON parcel;
DROP FUNCTION parcel_frozen();

CREATE FUNCTION parcel_rows_checked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fid bigint;
  uid bigint;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    -- the filings and uploads referred to, locked as a foreign key would lock them
    PERFORM 1 FROM filing f WHERE f.id IN (SELECT filing_id FROM new_rows) FOR KEY SHARE OF f;
    PERFORM 1 FROM upload u WHERE u.id IN (SELECT upload_id FROM new_rows) FOR KEY SHARE OF u;
    SELECT n.filing_id INTO fid FROM new_rows n
     WHERE NOT EXISTS (SELECT 1 FROM filing f WHERE f.id = n.filing_id) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'insert or update on table "parcel" violates foreign key: filing % does not exist', fid
        USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT n.upload_id INTO uid FROM new_rows n
     WHERE n.upload_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM upload u WHERE u.id = n.upload_id) LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'insert or update on table "parcel" violates foreign key: upload % does not exist', uid
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  END IF;
  -- the parcels of an approved filing are frozen (new_rows for INSERT and UPDATE, old_rows for UPDATE
  -- and DELETE)
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
CREATE TRIGGER parcel_rows_checked_insert AFTER INSERT ON parcel
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_rows_checked();
CREATE TRIGGER parcel_rows_checked_update AFTER UPDATE ON parcel
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_rows_checked();
CREATE TRIGGER parcel_rows_checked_delete AFTER DELETE ON parcel
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION parcel_rows_checked();

-- Deleting a filing deletes its parcels (ON DELETE CASCADE before); an upload that parcels came from
-- stays (NO ACTION before; nothing deletes uploads, and as before no index serves the lookup).
CREATE FUNCTION filing_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM parcel p WHERE p.filing_id IN (SELECT id FROM old_rows);
  RETURN NULL;
END
$$;
CREATE TRIGGER filing_deleted AFTER DELETE ON filing
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION filing_deleted();

CREATE FUNCTION upload_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  uid bigint;
BEGIN
  SELECT p.upload_id INTO uid FROM parcel p WHERE p.upload_id IN (SELECT id FROM old_rows) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'update or delete on table "upload" violates foreign key: parcels came from upload %', uid
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER upload_deleted AFTER DELETE ON upload
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION upload_deleted();

-- Findings: each belongs to its rule's result in its run (which itself refers to the run and the rule).
ALTER TABLE check_finding DROP CONSTRAINT check_finding_rule_result_fkey;

CREATE FUNCTION check_finding_rows_checked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing record;
BEGIN
  PERFORM 1 FROM check_rule_result r
   WHERE (r.run_id, r.rule_code) IN (SELECT run_id, rule_code FROM new_rows) FOR KEY SHARE OF r;
  SELECT n.run_id, n.rule_code INTO missing FROM new_rows n
   WHERE NOT EXISTS (SELECT 1 FROM check_rule_result r WHERE r.run_id = n.run_id AND r.rule_code = n.rule_code)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'insert or update on table "check_finding" violates foreign key: run % has no result for rule %',
      missing.run_id, missing.rule_code
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER check_finding_rows_checked_insert AFTER INSERT ON check_finding
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_finding_rows_checked();
CREATE TRIGGER check_finding_rows_checked_update AFTER UPDATE ON check_finding
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION check_finding_rows_checked();

CREATE FUNCTION check_rule_result_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM check_finding f USING old_rows o WHERE f.run_id = o.run_id AND f.rule_code = o.rule_code;
  RETURN NULL;
END
$$;
CREATE TRIGGER check_rule_result_deleted AFTER DELETE ON check_rule_result
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION check_rule_result_deleted();

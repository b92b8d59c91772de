-- organizations.live_jobs counts the organization's queued and running jobs. This trigger keeps it
-- on every insert, status change and delete of a job, in the same transaction, so it never drifts
-- from the jobs table whichever code path moves a job.
CREATE OR REPLACE FUNCTION jobs_count_live() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_live integer := 0;
  is_live integer := 0;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status IN ('queued', 'running') THEN was_live := 1; END IF;
  IF TG_OP <> 'DELETE' AND NEW.status IN ('queued', 'running') THEN is_live := 1; END IF;
  IF TG_OP = 'DELETE' THEN
    IF was_live = 1 THEN UPDATE organizations SET live_jobs = live_jobs - 1 WHERE id = OLD.org_id; END IF;
  ELSIF TG_OP = 'INSERT' THEN
    IF is_live = 1 THEN UPDATE organizations SET live_jobs = live_jobs + 1 WHERE id = NEW.org_id; END IF;
  ELSIF OLD.org_id <> NEW.org_id THEN
    UPDATE organizations SET live_jobs = live_jobs - was_live WHERE id = OLD.org_id;
    UPDATE organizations SET live_jobs = live_jobs + is_live WHERE id = NEW.org_id;
  ELSIF is_live <> was_live THEN
    UPDATE organizations SET live_jobs = live_jobs + is_live - was_live WHERE id = NEW.org_id;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER jobs_count_live AFTER INSERT OR UPDATE OF status, org_id OR DELETE ON jobs
  FOR EACH ROW EXECUTE FUNCTION jobs_count_live();--> statement-breakpoint
UPDATE organizations o SET live_jobs = (
  SELECT count(*) FROM jobs j WHERE j.org_id = o.id AND j.status IN ('queued', 'running')
);

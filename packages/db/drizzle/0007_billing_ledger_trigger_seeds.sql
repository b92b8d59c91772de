-- organizations.credits and credits_reserved are the sums of credit_ledger.amount and .held. This
-- trigger keeps them on every insert, in the same transaction, so a submission can check and reserve
-- under the organization's row lock without summing the ledger. The ledger is append-only: updates
-- and deletes of its rows are refused.
CREATE OR REPLACE FUNCTION credit_ledger_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'credit_ledger is append-only';
  END IF;
  UPDATE organizations
    SET credits = credits + NEW.amount, credits_reserved = credits_reserved + NEW.held
    WHERE id = NEW.org_id;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER credit_ledger_apply AFTER INSERT OR UPDATE OR DELETE ON credit_ledger
  FOR EACH ROW EXECUTE FUNCTION credit_ledger_apply();--> statement-breakpoint
UPDATE organizations o SET
  credits = coalesce((SELECT sum(amount) FROM credit_ledger l WHERE l.org_id = o.id), 0),
  credits_reserved = coalesce((SELECT sum(held) FROM credit_ledger l WHERE l.org_id = o.id), 0);--> statement-breakpoint
-- The installation's operator is its first account; an installation upgraded to this gets its oldest.
UPDATE users SET is_operator = true
  WHERE id = (SELECT id FROM users ORDER BY created_at, id LIMIT 1);--> statement-breakpoint
INSERT INTO plans (id, name, monthly_credits, priority, max_live_jobs, max_output_megapixels, seats, price_cents, sort) VALUES
  ('free', 'Free', 100, 'standard', 25, 50, 5, 0, 0),
  ('pro', 'Pro', 2000, 'pro', 100, 100, 10, 2900, 1),
  ('team', 'Team', 10000, 'pro', 250, 200, 50, 9900, 2)
  ON CONFLICT (id) DO NOTHING;--> statement-breakpoint
INSERT INTO credit_packs (id, name, credits, price_cents, sort) VALUES
  ('small', '500 credits', 500, 500, 0),
  ('medium', '2 000 credits', 2000, 1800, 1),
  ('large', '10 000 credits', 10000, 8000, 2)
  ON CONFLICT (id) DO NOTHING;--> statement-breakpoint
-- Plans named before plans existed ("studio") become Free.
UPDATE organizations SET plan = 'free' WHERE plan NOT IN (SELECT id FROM plans);

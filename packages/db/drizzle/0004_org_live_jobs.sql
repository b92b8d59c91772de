DROP TABLE "login_throttle" CASCADE;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "live_jobs" integer DEFAULT 0 NOT NULL;
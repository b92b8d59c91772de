CREATE TYPE "public"."review_status" AS ENUM('unchecked', 'passed', 'held', 'approved', 'rejected');--> statement-breakpoint
CREATE TABLE "moderation_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"decision" text NOT NULL,
	"reason" text NOT NULL,
	"scores" jsonb,
	"decided_by" uuid,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "moderation" jsonb;--> statement-breakpoint
ALTER TABLE "assets" ADD COLUMN "review_status" "review_status" DEFAULT 'unchecked' NOT NULL;--> statement-breakpoint
ALTER TABLE "job_outputs" ADD COLUMN "moderation" jsonb;--> statement-breakpoint
ALTER TABLE "job_outputs" ADD COLUMN "review_status" "review_status" DEFAULT 'unchecked' NOT NULL;--> statement-breakpoint
ALTER TABLE "moderation_decisions" ADD CONSTRAINT "moderation_decisions_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_decisions" ADD CONSTRAINT "moderation_decisions_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation_decisions" ADD CONSTRAINT "moderation_decisions_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "moderation_decisions_org_idx" ON "moderation_decisions" USING btree ("org_id","decided_at");--> statement-breakpoint
CREATE INDEX "moderation_decisions_subject_idx" ON "moderation_decisions" USING btree ("subject_id");
import { adminRouter } from "./routers/admin.ts";
import { apiKeysRouter } from "./routers/apiKeys.ts";
import { webhooksRouter } from "./routers/webhooks.ts";
import { assetsRouter } from "./routers/assets.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { catalogueRouter } from "./routers/catalogue.ts";
import { documentsRouter } from "./routers/documents.ts";
import { presenceRouter } from "./routers/presence.ts";
import { settingsRouter } from "./routers/settings.ts";
import { authRouter } from "./routers/auth.ts";
import { billingRouter } from "./routers/billing.ts";
import { orgsRouter } from "./routers/orgs.ts";
import { projectsRouter } from "./routers/projects.ts";
import { reviewRouter } from "./routers/review.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  orgs: orgsRouter,
  apiKeys: apiKeysRouter,
  webhooks: webhooksRouter,
  projects: projectsRouter,
  assets: assetsRouter,
  jobs: jobsRouter,
  admin: adminRouter,
  documents: documentsRouter,
  presence: presenceRouter,
  settings: settingsRouter,
  catalogue: catalogueRouter,
  review: reviewRouter,
  billing: billingRouter,
});

export type AppRouter = typeof appRouter;

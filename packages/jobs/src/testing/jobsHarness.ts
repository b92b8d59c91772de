import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BusTuning, createBus, type JobBus } from "@atelier/bus";
import { deleteKeys, TEST_REDIS_URL } from "@atelier/bus/testing";
import { type Database, eq, schema } from "@atelier/db";
import type { PipelineEnv } from "@atelier/pipeline";
import { createLogger, isEndedJobStatus, type JobEvent, jobEventSchema } from "@atelier/shared";
import { fixturesDir } from "@atelier/shared/testing";
import { createStorage, type ObjectStorage } from "@atelier/storage";

export { TEST_REDIS_URL };

export const FIXTURES = fixturesDir;
export const TEST_SECRET = "jobs-test-secret-0123456789abcdef0123456789";
export const TEST_PUBLIC_URL = "http://127.0.0.1:9";
export const testLog = createLogger("jobs-test", process.env.TEST_LOG_LEVEL ?? "silent");
export const testEnv: PipelineEnv = { maxInputPixels: 40_000_000, executionProviders: ["cpu"] };

export async function createTestStorage(): Promise<{
  storage: ObjectStorage;
  dir: string;
  close(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "atelier-jobs-"));
  // In `<dir>/storage`, where a gpu-node given ATELIER_DATA_DIR=<dir> looks too.
  const storage = createStorage({
    kind: "local",
    dir: join(dir, "storage"),
    publicBaseUrl: TEST_PUBLIC_URL,
    secret: TEST_SECRET,
  });
  return { storage, dir, close: () => rm(dir, { recursive: true, force: true }) };
}

export function randomBusPrefix(): string {
  return `test-jobs-${randomBytes(6).toString("hex")}`;
}

export function createTestBus(
  prefix: string,
  tuning: Partial<BusTuning> = {},
  redisUrl = TEST_REDIS_URL,
): JobBus {
  return createBus({ redisUrl, prefix, tuning, logger: testLog });
}

export async function deleteBusKeys(prefix: string, redisUrl = TEST_REDIS_URL): Promise<void> {
  await deleteKeys(prefix, redisUrl);
}

export interface Seeded {
  orgId: string;
  userId: string;
  projectId: string;
  assetId: string;
}

/** An organization, a member, a project and one ready asset whose original is `fixture`. */
export async function seedProject(
  db: Database,
  storage: ObjectStorage,
  fixture = "chelsea.png",
): Promise<Seeded> {
  const tag = randomBytes(4).toString("hex");
  const [org] = await db
    .insert(schema.organizations)
    .values({ name: "Jobs test", slug: `jobs-${tag}` })
    .returning();
  const [user] = await db
    .insert(schema.users)
    .values({ email: `jobs-${tag}@example.test`, name: "Tester", passwordHash: "x" })
    .returning();
  const [project] = await db
    .insert(schema.projects)
    .values({ orgId: org!.id, name: "Project", createdBy: user!.id })
    .returning();
  const data = await readFile(join(FIXTURES, fixture));
  const storageKey = `orgs/${org!.id}/assets/${tag}/original.png`;
  await storage.put(storageKey, data, "image/png");
  const [asset] = await db
    .insert(schema.assets)
    .values({
      orgId: org!.id,
      projectId: project!.id,
      uploadedBy: user!.id,
      filename: fixture,
      storageKey,
      declaredType: "image/png",
      declaredBytes: data.length,
      mediaType: "image/png",
      bytes: data.length,
      sha256: createHash("sha256").update(data).digest("hex"),
      status: "ready",
    })
    .returning();
  return { orgId: org!.id, userId: user!.id, projectId: project!.id, assetId: asset!.id };
}

export async function jobRow(db: Database, jobId: string) {
  const [row] = await db.select().from(schema.jobs).where(eq(schema.jobs.id, jobId));
  return row!;
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits for the job to reach `status`; a job that ends otherwise fails the wait at once, saying how it
 * ended, and a timeout says where the job was stuck.
 */
export async function waitForStatus(db: Database, jobId: string, status: string, timeoutMs = 30_000) {
  let last: Awaited<ReturnType<typeof jobRow>> | undefined;
  const reached = waitFor(
    async () => {
      const row = await jobRow(db, jobId);
      last = row;
      if (row.status !== status && isEndedJobStatus(row.status)) {
        throw new Error(
          `job ${jobId} ended ${row.status} at attempt ${row.attempt} (error: ${JSON.stringify(row.error)}) while the test waited for ${status}`,
        );
      }
      return row.status === status ? row : undefined;
    },
    timeoutMs,
    `job ${jobId} to be ${status}`,
  );
  return reached.catch((err: unknown) => {
    if (!last || !(err instanceof Error) || !err.message.startsWith("Timed out")) throw err;
    throw new Error(
      `${err.message} It was ${last.status} at attempt ${last.attempt} on ${last.nodeId ?? "no node"}, unchanged for ${Date.now() - last.updatedAt.getTime()} ms.`,
    );
  });
}

export async function jobEvents(bus: JobBus, projectId: string, jobId?: string): Promise<JobEvent[]> {
  const events = await bus.readEvents(projectId, undefined, 10_000);
  return events.flatMap(({ event }) => {
    const parsed = jobEventSchema.safeParse(event);
    return parsed.success && (!jobId || parsed.data.jobId === jobId) ? [parsed.data] : [];
  });
}

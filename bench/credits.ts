/**
 * What reserving credits costs a submission: `jobs.create` over tRPC HTTP against a server process
 * with ATELIER_BILLING=credits (the organization's row locked, its balance checked and a reserve row
 * written in the statement that writes the job) beside a twin with billing off (the same statement
 * metering a reserve row, no balance check), both on their own Postgres database, in the same run.
 * The submissions alternate between the twins round by round, so a stall of the shared machine
 * falls on both. Run alone: `npx tsx bench/credits.ts`.
 */
import { fixture, signUpWithProject, upload } from "../apps/server/src/testing/fixtures.ts";
import { createClient } from "../apps/server/src/testing/testApp.ts";
import { type BenchResult, percentile, runIfMain } from "./result.ts";
import { startScaledOutServer } from "./support/scaledOutServer.ts";

const RATE = 50;
const ROUND_SECONDS = 2;
const ROUNDS = 4;

interface Twin {
  submit(): Promise<unknown>;
  latencies: number[];
  close(): Promise<void>;
}

async function twin(billing: "off" | "credits"): Promise<Twin> {
  const server = await startScaledOutServer({
    ATELIER_EMBEDDED_WORKER: "false",
    ATELIER_ORG_MAX_LIVE_JOBS: "1000000",
    ATELIER_BILLING: billing,
  });
  const client = createClient(server.url);
  // The first account is the operator: it lifts the Free plan's cap (no node finishes these jobs)
  // and grants the credits.
  const { org, project } = await signUpWithProject(client, "Bench");
  const [free] = (await client.trpc.billing.plans.query()).filter((p) => p.id === "free");
  await client.trpc.billing.updatePlan.mutate({ ...free!, maxLiveJobs: 100_000 });
  await client.trpc.billing.grant.mutate({ orgId: org.id, credits: 1_000_000, reason: "bench" });
  const asset = await upload(client, project.id, "chelsea.png", fixture("chelsea.png"));
  const input = {
    projectId: project.id,
    assetIds: [asset.id],
    spec: { steps: [{ step: "diagnostic", params: { ms: 0 } }] },
  };
  return {
    submit: () => client.trpc.jobs.create.mutate(input),
    latencies: [],
    close: () => server.stop(),
  };
}

/** Submits at a steady rate (open loop) and records each answer's round trip. */
async function round(twin: Twin, rate: number, seconds: number, record = true): Promise<void> {
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(
      twin.submit().then(() => {
        if (record) twin.latencies.push(performance.now() - t0);
      }),
    );
  }
  await Promise.all(pending);
}

export async function run(): Promise<BenchResult[]> {
  const off = await twin("off");
  const credits = await twin("credits");
  try {
    await round(off, RATE, 1, false);
    await round(credits, RATE, 1, false);
    for (let i = 0; i < ROUNDS; i++) {
      await round(off, RATE, ROUND_SECONDS);
      await round(credits, RATE, ROUND_SECONDS);
    }
  } finally {
    await off.close();
    await credits.close();
  }
  const sorted = (t: Twin) => [...t.latencies].sort((a, b) => a - b);
  return [
    {
      name: "submit_with_credits_p99",
      value: percentile(sorted(credits), 99),
      unit: "ms",
      baseline: percentile(sorted(off), 99),
    },
    {
      name: "submit_with_credits_p50",
      value: percentile(sorted(credits), 50),
      unit: "ms",
      baseline: percentile(sorted(off), 50),
    },
  ];
}

await runIfMain(import.meta.url, run);

import { and, type Database, eq, gt, isNotNull, schema, sql } from "@atelier/db";
import { expectedMsOf, type PlannedStep } from "@atelier/pipeline";

const { jobs, jobSteps } = schema;

/** How far back recorded durations count, and how many runs a step needs before they replace its own estimate. */
const WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const MIN_RUNS = 3;

/**
 * How long each step of a job is expected to take: the median time per input image of the step's
 * recent successful runs (job_steps.started_at..finished_at, as the nodes record them), else the
 * step's own estimate. A step whose estimate depends on its params keeps it. Read at most once a
 * minute per process.
 */
export class StepEstimates {
  private cached: { at: number; byStep: Promise<Map<string, number>> } | null = null;

  constructor(
    private readonly db: Database,
    private readonly refreshMs = 60_000,
  ) {}

  /** Expected ms of each planned step for `inputs` images, in order. */
  async expectedMs(planned: readonly PlannedStep[], inputs: number): Promise<number[]> {
    const learned = await this.learned();
    return planned.map(({ definition, params }) => {
      const own = expectedMsOf(definition, params);
      const perImage =
        typeof definition.expectedMs === "function" ? own : (learned.get(definition.name) ?? own);
      return Math.max(1, Math.round(perImage * Math.max(1, inputs)));
    });
  }

  private learned(): Promise<Map<string, number>> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.refreshMs) {
      const byStep = this.read().catch(() => new Map<string, number>());
      this.cached = { at: now, byStep };
    }
    return this.cached.byStep;
  }

  private async read(): Promise<Map<string, number>> {
    const perImageMs = sql<number>`percentile_cont(0.5) within group (order by
      extract(epoch from (${jobSteps.finishedAt} - ${jobSteps.startedAt})) * 1000
      / greatest(1, cardinality(${jobs.assetIds})))::float8`;
    const rows = await this.db
      .select({ step: jobSteps.step, ms: perImageMs, runs: sql<number>`count(*)::int` })
      .from(jobSteps)
      .innerJoin(jobs, eq(jobs.id, jobSteps.jobId))
      .where(
        and(
          eq(jobSteps.status, "succeeded"),
          isNotNull(jobSteps.startedAt),
          gt(jobSteps.finishedAt, new Date(Date.now() - WINDOW_MS)),
        ),
      )
      .groupBy(jobSteps.step);
    return new Map(rows.filter((r) => Number(r.runs) >= MIN_RUNS).map((r) => [r.step, Number(r.ms)]));
  }
}

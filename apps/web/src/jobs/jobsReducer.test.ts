import type { JobView, ProjectEvent } from "@atelier/shared";
import { describe, expect, it } from "vitest";
import { initialJobsState, type JobsState, jobsReducer, sortedJobs } from "./jobsReducer.ts";

const jobId = "7a1c0e52-3f0d-4f51-8d7e-2b0c1d9e8f01";

function view(overrides: Partial<JobView> = {}): JobView {
  return {
    id: jobId,
    projectId: "p",
    createdBy: "u",
    status: "queued",
    priority: "standard",
    vramMb: 0,
    attempt: 1,
    maxAttempts: 3,
    progress: 0,
    preset: "remove-background",
    assetIds: ["a"],
    inputRevisions: { a: 0 },
    steps: [
      {
        index: 0,
        step: "normalize",
        status: "pending",
        progress: 0,
        expectedMs: null,
        startedAt: null,
        finishedAt: null,
      },
      {
        index: 1,
        step: "remove-background",
        status: "pending",
        progress: 0,
        expectedMs: null,
        startedAt: null,
        finishedAt: null,
      },
    ],
    nodeId: null,
    error: null,
    outputs: [],
    createdAt: "2025-01-01T10:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

const output = {
  id: "o1",
  name: "cutout",
  fileName: "coffee.cutout.png",
  mediaType: "image/png",
  width: 10,
  height: 10,
  bytes: 100,
  url: "/storage/o1",
  moderation: { status: "passed" as const, scores: null, unsafe: 0.01, reason: null },
  thumbnailUrl: "/storage/o1-thumb",
};

function apply(events: ProjectEvent[], state: JobsState = initialJobsState): JobsState {
  return events.reduce((s, event) => jobsReducer(s, { type: "event", event }), state);
}

describe("jobs reducer", () => {
  it("follows a job from queued through steps, progress and preview to success", () => {
    const state = apply([
      { v: 1, type: "job.queued", jobId, job: view() },
      { v: 1, type: "job.claimed", jobId, nodeId: "node-1", attempt: 1 },
      { v: 1, type: "job.step.started", jobId, index: 0, step: "normalize", total: 2 },
      { v: 1, type: "job.step.finished", jobId, index: 0, step: "normalize", ms: 5 },
      { v: 1, type: "job.step.started", jobId, index: 1, step: "remove-background", total: 2 },
      { v: 1, type: "job.progress", jobId, index: 1, step: "remove-background", fraction: 0.4, overall: 0.7 },
      {
        v: 1,
        type: "job.preview",
        jobId,
        index: 1,
        step: "remove-background",
        width: 8,
        height: 6,
        webpBase64: "AAAA",
      },
    ]);
    const running = state.byId[jobId]!;
    expect(running.status).toBe("running");
    expect(running.nodeId).toBe("node-1");
    expect(running.progress).toBe(0.7);
    expect(running.steps.map((s) => [s.status, s.progress])).toEqual([
      ["succeeded", 1],
      ["running", 0.4],
    ]);
    expect(running.preview).toEqual({
      src: "data:image/webp;base64,AAAA",
      step: "remove-background",
      width: 8,
      height: 6,
    });

    const done = apply([{ v: 1, type: "job.succeeded", jobId, outputs: [output] }], state).byId[jobId]!;
    expect(done.status).toBe("succeeded");
    expect(done.outputs).toEqual([output]);
    expect(done.steps.every((s) => s.status === "succeeded")).toBe(true);
  });

  it("keeps a cancelled job cancelled when late progress arrives", () => {
    const state = apply([
      { v: 1, type: "job.queued", jobId, job: view() },
      { v: 1, type: "job.claimed", jobId, nodeId: "n", attempt: 1 },
      { v: 1, type: "job.cancelled", jobId },
      { v: 1, type: "job.progress", jobId, index: 1, step: "remove-background", fraction: 0.9, overall: 0.9 },
    ]);
    expect(state.byId[jobId]!.status).toBe("cancelled");
    expect(state.byId[jobId]!.progress).toBe(0);
  });

  it("shows the error of a failed job and starts over on a retry", () => {
    const error = { code: "UPSTREAM_ERROR", message: "The model host failed." };
    let state = apply([
      { v: 1, type: "job.queued", jobId, job: view() },
      { v: 1, type: "job.claimed", jobId, nodeId: "n", attempt: 1 },
      { v: 1, type: "job.retrying", jobId, attempt: 2, at: "2025-01-01T10:00:05.000Z", error },
    ]);
    expect(state.byId[jobId]).toMatchObject({ status: "queued", attempt: 2, error, nodeId: null });
    state = apply([{ v: 1, type: "job.failed", jobId, error, attempt: 1 }], state);
    expect(state.byId[jobId]!.status).toBe("queued"); // a stale failure of the earlier attempt
    state = apply([{ v: 1, type: "job.failed", jobId, error, attempt: 2 }], state);
    expect(state.byId[jobId]).toMatchObject({ status: "failed", error });

    state = apply(
      [
        { v: 1, type: "job.queued", jobId, job: view({ attempt: 3, maxAttempts: 3 }) },
        { v: 1, type: "job.cancelled", jobId },
      ],
      state,
    );
    expect(state.byId[jobId]).toMatchObject({ status: "cancelled", attempt: 3, error: null });
  });

  it("reconciles a list that is older or newer than the stream in either order", () => {
    const live = apply([
      { v: 1, type: "job.queued", jobId, job: view() },
      { v: 1, type: "job.claimed", jobId, nodeId: "n", attempt: 1 },
      {
        v: 1,
        type: "job.progress",
        jobId,
        index: 1,
        step: "remove-background",
        fraction: 0.5,
        overall: 0.75,
      },
    ]);
    // A list taken before the claim must not move the job back to queued.
    const stale = jobsReducer(live, { type: "listed", jobs: [view()] });
    expect(stale.byId[jobId]!.status).toBe("running");
    expect(stale.byId[jobId]!.progress).toBe(0.75);
    // After a reconnect the list knows the job finished while this tab was away.
    const fresh = jobsReducer(live, {
      type: "listed",
      jobs: [view({ status: "succeeded", progress: 1, outputs: [output], nodeId: "n" })],
    });
    expect(fresh.byId[jobId]).toMatchObject({ status: "succeeded", outputs: [output] });
    expect(fresh.listed).toBe(true);
  });

  it("ignores events of jobs it has not seen and of other kinds, and sorts newest first", () => {
    const untouched = apply([
      { v: 1, type: "job.cancelled", jobId },
      { v: 1, type: "stream.ready" },
    ]);
    expect(untouched).toBe(initialJobsState);
    const older = view({ id: "older", createdAt: "2025-01-01T09:00:00.000Z" });
    const state = jobsReducer(initialJobsState, { type: "listed", jobs: [older, view()] });
    expect(sortedJobs(state).map((j) => j.id)).toEqual([jobId, "older"]);
  });

  it("drops a job deleted by anyone, keeps it out of later lists, and brings it back on undo", () => {
    let state = jobsReducer(initialJobsState, { type: "listed", jobs: [view()] });
    state = jobsReducer(state, {
      type: "event",
      event: { v: 1, type: "job.deleted", jobId, undoUntil: "2026-01-01T00:00:10Z" },
    });
    expect(sortedJobs(state)).toEqual([]);
    state = jobsReducer(state, { type: "listed", jobs: [view()] });
    expect(sortedJobs(state)).toEqual([]);
    state = jobsReducer(state, { type: "event", event: { v: 1, type: "job.restored", jobId, job: view() } });
    expect(sortedJobs(state).map((j) => j.id)).toEqual([jobId]);
  });
});

describe("review decisions", () => {
  it("replaces a held output with the approved one a reviewer's decision carries, link included", () => {
    const held = { ...output, url: null, moderation: { ...output.moderation, status: "held" as const } };
    const state = apply([
      { v: 1, type: "job.queued", jobId, job: view({}) },
      { v: 1, type: "job.succeeded", jobId, outputs: [held] },
    ]);
    expect(state.byId[jobId]?.outputs[0]?.url).toBeNull();
    const decision = {
      decision: "approved" as const,
      reason: "fine",
      decidedBy: "u",
      decidedAt: "2026-01-01T00:00:00Z",
    };
    const after = apply([{ v: 1, type: "output.reviewed", jobId, output, decision }], state);
    expect(after.byId[jobId]?.outputs[0]).toEqual(output);
  });
});

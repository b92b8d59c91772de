import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * This process's metrics, served on `/metrics` by the server and by every GPU node. One registry per
 * process: apps record into the metrics below, and parts that know a current value (queue depths,
 * a node's VRAM) add a sampler that runs when Prometheus scrapes.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "atelier_process_" });

const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export const httpRequestSeconds = new Histogram({
  name: "atelier_http_request_duration_seconds",
  help: "HTTP requests by route family (trpc, storage, static, probe, metrics), method and status.",
  labelNames: ["route", "method", "status"] as const,
  buckets: seconds,
  registers: [registry],
});

export const procedureSeconds = new Histogram({
  name: "atelier_trpc_procedure_duration_seconds",
  help: "tRPC procedure calls by path, type and outcome (ok or the error code).",
  labelNames: ["procedure", "type", "outcome"] as const,
  buckets: seconds,
  registers: [registry],
});

export const wsConnections = new Gauge({
  name: "atelier_ws_connections",
  help: "Open WebSocket connections on this server.",
  registers: [registry],
});

export const wsSubscribers = new Gauge({
  name: "atelier_ws_subscribers",
  help: "Live project event subscriptions on this server.",
  registers: [registry],
});

export const eventLagSeconds = new Histogram({
  name: "atelier_event_lag_seconds",
  help: "From a project event's append to the bus until this server starts handing it to its subscribers (once per event).",
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: "atelier_queue_depth",
  help: "Jobs waiting on the bus, by priority class and VRAM tier (sampled at scrape).",
  labelNames: ["class", "tier"] as const,
  registers: [registry],
});

export const claimLatencySeconds = new Histogram({
  name: "atelier_claim_latency_seconds",
  help: "From a job's publication on the bus until a node claimed it.",
  buckets: seconds,
  registers: [registry],
});

export const stepSeconds = new Histogram({
  name: "atelier_step_duration_seconds",
  help: "Pipeline step durations on a node, by step and preferred execution provider.",
  labelNames: ["step", "provider"] as const,
  buckets: seconds,
  registers: [registry],
});

export const nodeVramFreeMb = new Gauge({
  name: "atelier_node_vram_free_mb",
  help: "VRAM a node can still give to jobs, in MiB (sampled at scrape).",
  labelNames: ["node"] as const,
  registers: [registry],
});

export const nodeVramReservedMb = new Gauge({
  name: "atelier_node_vram_reserved_mb",
  help: "VRAM reserved by a node's running jobs, in MiB (sampled at scrape).",
  labelNames: ["node"] as const,
  registers: [registry],
});

export const jobAttempts = new Counter({
  name: "atelier_job_attempts_total",
  help: "Job attempts a node finished, by outcome (succeeded, failed, cancelled, handed_back).",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

export const creditsHeld = new Gauge({
  name: "atelier_credits",
  help: "Credits of every organization together: available to spend, and reserved by jobs that have not ended.",
  labelNames: ["state"] as const,
  registers: [registry],
});

type Sampler = () => Promise<void> | void;
const samplers = new Set<Sampler>();

/** Runs `sample` before every scrape (to set gauges from live state); returns its removal. */
export function sampleOnScrape(sample: Sampler): () => void {
  samplers.add(sample);
  return () => samplers.delete(sample);
}

/** The exposition text for `/metrics`, after every sampler ran (a failing one leaves its gauges as they were). */
export async function metricsText(): Promise<string> {
  await Promise.allSettled([...samplers].map(async (sample) => sample()));
  return registry.metrics();
}

export const metricsContentType = registry.contentType;

/** Milliseconds since a Redis stream id's time part ("1733050000000-0"); undefined for other ids. */
export function msSinceStreamId(id: string, now = Date.now()): number | undefined {
  const match = /^(\d{10,})-\d+$/.exec(id);
  return match ? Math.max(0, now - Number(match[1])) : undefined;
}

import { AppError } from "@atelier/shared";
import { z } from "zod";

/** The prediction object of Replicate's HTTP API (the fields this client reads). */
const predictionSchema = z.object({
  id: z.string(),
  status: z.enum(["starting", "processing", "succeeded", "failed", "canceled"]),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
  logs: z.string().nullable().optional(),
  urls: z.object({ get: z.string(), cancel: z.string().optional() }),
  metrics: z.record(z.string(), z.unknown()).optional(),
});
export type Prediction = z.infer<typeof predictionSchema>;

export interface ReplicateOptions {
  token: string;
  /** Default https://api.replicate.com */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Seconds the create call may hold the connection (Prefer: wait=n, 1..60); 0 means plain async. Default 30. */
  waitSeconds?: number;
  /** Delay between polls of urls.get. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Give up (and cancel) after this long. Default 10 minutes. */
  timeoutMs?: number;
}

export interface PredictionRequest {
  /** "owner/name" of an official model (POST /v1/models/{owner}/{name}/predictions) ... */
  model?: string;
  /** ... or a version id (POST /v1/predictions). */
  version?: string;
  input: Record<string, unknown>;
}

const terminal = new Set(["succeeded", "failed", "canceled"]);

/**
 * Runs one prediction to the end: create (holding the connection with `Prefer: wait` when
 * asked), then follow `urls.get` until a terminal status. Cancels upstream when the signal
 * aborts or the time runs out.
 */
export async function runPrediction(
  request: PredictionRequest,
  opts: ReplicateOptions,
  signal: AbortSignal,
  onStatus?: (p: Prediction) => void,
): Promise<Prediction> {
  const doFetch = opts.fetch ?? fetch;
  const base = (opts.baseUrl ?? "https://api.replicate.com").replace(/\/+$/, "");
  const headers: Record<string, string> = {
    Authorization: `Bearer ${opts.token}`,
    "Content-Type": "application/json",
  };
  const wait = opts.waitSeconds ?? 30;
  if (wait > 0) headers.Prefer = `wait=${Math.min(60, Math.max(1, Math.round(wait)))}`;

  let url: string;
  let body: Record<string, unknown>;
  if (request.version) {
    url = `${base}/v1/predictions`;
    body = { version: request.version, input: request.input };
  } else if (request.model && /^[\w.-]+\/[\w.-]+$/.test(request.model)) {
    url = `${base}/v1/models/${request.model}/predictions`;
    body = { input: request.input };
  } else {
    throw new AppError("VALIDATION_ERROR", 'Give a model as "owner/name" or a version id.', {
      path: ["model"],
    });
  }

  let prediction = await call(doFetch, url, { method: "POST", headers, body: JSON.stringify(body), signal });
  onStatus?.(prediction);
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const pollHeaders = { Authorization: headers.Authorization! };
  try {
    while (!terminal.has(prediction.status)) {
      if (Date.now() > deadline) {
        throw new AppError("TIMEOUT", "The generation provider did not finish in time.", {
          id: prediction.id,
        });
      }
      await sleep(opts.pollIntervalMs ?? 1000, signal);
      prediction = await call(doFetch, prediction.urls.get, { headers: pollHeaders, signal });
      onStatus?.(prediction);
    }
  } catch (err) {
    if (prediction.urls.cancel) {
      await doFetch(prediction.urls.cancel, { method: "POST", headers: pollHeaders }).catch(() => undefined);
    }
    if (signal.aborted) throw new AppError("CANCELLED", "The work was cancelled.", { id: prediction.id });
    throw err;
  }
  if (prediction.status === "failed") {
    throw new AppError("UPSTREAM_ERROR", "The generation model failed.", {
      id: prediction.id,
      error: String(prediction.error ?? ""),
    });
  }
  if (prediction.status === "canceled") {
    throw new AppError("CANCELLED", "The prediction was cancelled at the provider.", { id: prediction.id });
  }
  return prediction;
}

async function call(doFetch: typeof fetch, url: string, init: RequestInit): Promise<Prediction> {
  let response: Response;
  try {
    response = await doFetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw new AppError("CANCELLED", "The work was cancelled.", {});
    throw new AppError(
      "UPSTREAM_ERROR",
      "Could not reach the generation provider.",
      { reason: (err as Error).message },
      { cause: err },
    );
  }
  const text = await response.text();
  const json = safeJson(text);
  if (!response.ok) {
    const detail = typeof json?.detail === "string" ? json.detail : text.slice(0, 300);
    const details = { status: response.status, detail };
    if (response.status === 401 || response.status === 403) {
      throw new AppError(
        "CONFIG_ERROR",
        "The generation provider refused the operator's API token.",
        details,
      );
    }
    if (response.status === 404)
      throw new AppError("NOT_FOUND", "The generation model was not found at the provider.", details);
    if (response.status === 422 || response.status === 400) {
      throw new AppError("VALIDATION_ERROR", `The generation model rejected the input: ${detail}`, details);
    }
    if (response.status === 429)
      throw new AppError(
        "RATE_LIMITED",
        "The generation provider is rate limiting us; try again soon.",
        details,
      );
    throw new AppError("UPSTREAM_ERROR", "The generation provider had an error.", details);
  }
  const parsed = predictionSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError("UPSTREAM_ERROR", "The generation provider answered with an unexpected shape.", {
      body: text.slice(0, 300),
    });
  }
  return parsed.data;
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AppError("CANCELLED", "The work was cancelled.", {}));
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AppError("CANCELLED", "The work was cancelled.", {}));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Output URLs (or data: URIs) of a finished prediction, whatever shape the model returns. */
export function outputUrls(output: unknown): string[] {
  if (typeof output === "string") return /^(https?:|data:)/.test(output) ? [output] : [];
  if (Array.isArray(output)) return output.flatMap(outputUrls);
  if (output && typeof output === "object") return Object.values(output).flatMap(outputUrls);
  return [];
}

/** Downloads one output, refusing anything bigger than maxBytes. */
export async function fetchOutput(
  url: string,
  maxBytes: number,
  signal: AbortSignal,
  doFetch: typeof fetch = fetch,
): Promise<Buffer> {
  if (url.startsWith("data:")) {
    const comma = url.indexOf(",");
    const meta = url.slice(5, comma);
    const payload = url.slice(comma + 1);
    return meta.endsWith(";base64")
      ? Buffer.from(payload, "base64")
      : Buffer.from(decodeURIComponent(payload));
  }
  const response = await doFetch(url, { signal }).catch((err: Error) => {
    throw new AppError("UPSTREAM_ERROR", "Could not download the generated image.", {
      url,
      reason: err.message,
    });
  });
  if (!response.ok)
    throw new AppError("UPSTREAM_ERROR", "Could not download the generated image.", {
      url,
      status: response.status,
    });
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxBytes)
    throw new AppError("FILE_TOO_LARGE", "The generated file is larger than allowed.", {
      bytes: bytes.length,
    });
  return bytes;
}

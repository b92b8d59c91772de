import type { AppRouter } from "@atelier/server/router";
import type { AssetView, ErrorCode, JobOutputView, JobView } from "@atelier/shared";
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  wsLink,
} from "@trpc/client";
import { AtelierError, httpError, toAtelierError, whileUnreachable } from "./errors.ts";
import type { Platform, UploadSource } from "./platform.ts";
import { type AssetRef, attachToJob, type RunHandle, type RunOptions, startRun } from "./run.ts";

export interface AtelierOptions {
  /** The server's address, as people open it: `https://atelier.example.com` or `http://localhost:3000`. */
  url: string;
  /** An API key (`atl_…`, from Settings → API keys or `auth.createApiKey`). */
  apiKey: string;
  /** The project `upload()` puts files in when none is named; by default one called "SDK" in your first organization. */
  projectId?: string;
  /** A fetch to use for API calls instead of the global one (a proxy, a test). */
  fetch?: typeof globalThis.fetch;
}

export interface UploadOptions {
  projectId?: string;
  /** The name the asset gets (default: the file's own, or `upload.<ext>` for bytes). */
  filename?: string;
  /** Called with 0..1 as the bytes leave. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  /** Replace a file that is already there (default: refuse with CONFLICT). */
  overwrite?: boolean;
}

/** What `createAtelier` adds to the typed router. */
export interface AtelierHelpers {
  /**
   * Uploads an image (a path in Node, a File/Blob, or bytes) through a signed URL, with progress, and
   * waits until the server has checked it: answers the ready asset, or throws the refusal's code
   * (`CORRUPT_IMAGE`, `FILE_TOO_LARGE`, `UNSUPPORTED_MEDIA`...).
   */
  upload(source: UploadSource, options?: UploadOptions): Promise<AssetView>;
  /**
   * Runs a preset on assets (as `upload()` answered them, or ids with `options.projectId`). The handle
   * is an async iterator of the job's typed events, resumed without loss across reconnects.
   */
  run(
    preset: string,
    assets: AssetRef | readonly AssetRef[],
    params?: Record<string, unknown>,
    options?: RunOptions,
  ): RunHandle;
  /** Follows a job that is already queued or running (or tells how it ended). */
  watch(jobId: string): RunHandle;
  /** Saves an output into a folder (named `output.fileName`) or to a file path (Node). Answers the path. */
  download(output: JobOutputView, dest: string, options?: DownloadOptions): Promise<string>;
  /** An output's bytes as a Blob (anywhere). */
  fetchOutput(output: JobOutputView): Promise<Blob>;
  /** The project `upload()` uses when none is named (see `AtelierOptions.projectId`). */
  defaultProjectId(): Promise<string>;
  /** Closes the WebSocket; HTTP calls hold nothing open. */
  close(): void;
}

export type AtelierClient = TRPCClient<AppRouter>;
export type Atelier = AtelierClient & AtelierHelpers;

const DEFAULT_PROJECT_NAME = "SDK";

/** The client, given how this platform opens sockets, reads files and saves downloads. */
export function createAtelierWith(options: AtelierOptions, platform: Platform): Atelier {
  const base = options.url.replace(/\/+$/, "");
  if (!/^https?:\/\//.test(base))
    throw new AtelierError(
      "VALIDATION_ERROR",
      `The server URL must start with http:// or https://, not "${options.url}".`,
    );
  if (!options.apiKey) throw new AtelierError("UNAUTHORIZED", "Give an API key (apiKey).");
  const authorization = `Bearer ${options.apiKey}`;
  const wsClient = createWSClient({
    url: `${base.replace(/^http/, "ws")}/trpc`,
    WebSocket: platform.webSocket(options.apiKey),
    // Opened with the first subscription, closed a second after the last one ends.
    lazy: { enabled: true, closeMs: 1_000 },
    keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
    // Back within seconds after a server restart (tRPC's default grows to 30 s).
    retryDelayMs: (attempt) => (attempt === 0 ? 0 : Math.min(250 * 2 ** attempt, 2_000)),
  });
  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({
          url: `${base}/trpc`,
          // The server refuses batches over 50 calls.
          maxItems: 25,
          headers: () => ({ authorization }),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      }),
    ],
  });

  let defaultProject: Promise<string> | null = null;
  const defaultProjectId = (): Promise<string> => {
    if (options.projectId) return Promise.resolve(options.projectId);
    defaultProject ??= findOrCreateDefaultProject(trpc).catch((err: unknown) => {
      defaultProject = null;
      throw toAtelierError(err);
    });
    return defaultProject;
  };

  const fetchOutputResponse = async (output: JobOutputView): Promise<Response> => {
    if (!output.url) {
      throw new AtelierError(
        "HELD_FOR_REVIEW",
        `${output.fileName} is held for review (or was rejected), so it cannot be downloaded yet.`,
        { outputId: output.id },
      );
    }
    const url = output.url;
    const res = await whileUnreachable(() => fetch(url));
    if (!res.ok) throw await httpError(res, `Downloading ${output.fileName}`);
    return res;
  };

  const helpers: AtelierHelpers = {
    async upload(source, uploadOptions = {}) {
      try {
        const read = await platform.readSource(source, uploadOptions.filename);
        const projectId = uploadOptions.projectId ?? (await defaultProjectId());
        const { asset, upload } = await trpc.assets.createUpload.mutate({
          projectId,
          filename: read.filename,
          contentType: read.contentType,
          bytes: read.bytes,
        });
        await platform.put(upload, read, uploadOptions.onProgress ?? (() => {}), uploadOptions.signal);
        const done = await trpc.assets.completeUpload.mutate({ assetId: asset.id });
        if (done.status !== "ready") {
          const rejection = done.rejection ?? {
            code: "CORRUPT_IMAGE",
            message: "The server refused this file.",
          };
          throw new AtelierError(rejection.code as ErrorCode, rejection.message, { asset: done });
        }
        return done;
      } catch (err) {
        throw toAtelierError(err);
      }
    },
    run: (preset, assets, params = {}, runOptions = {}) =>
      startRun(trpc, {
        preset,
        assets: Array.isArray(assets) ? assets : [assets as AssetRef],
        params,
        options: runOptions,
        download: helpers.download,
      }),
    watch: (jobId) => attachToJob(trpc, jobId, helpers.download),
    async download(output, dest, downloadOptions = {}) {
      try {
        const res = await fetchOutputResponse(output);
        return await platform.save(res, output.fileName, dest, {
          overwrite: downloadOptions.overwrite ?? false,
        });
      } catch (err) {
        throw toAtelierError(err);
      }
    },
    async fetchOutput(output) {
      try {
        return await (await fetchOutputResponse(output)).blob();
      } catch (err) {
        throw toAtelierError(err);
      }
    },
    defaultProjectId,
    close: () => wsClient.close(),
  };

  // The router's namespaces (auth, projects, jobs, ...) and the helpers on one object.
  return new Proxy(helpers as Atelier, {
    get(target, prop) {
      if (Object.hasOwn(target, prop)) return Reflect.get(target, prop);
      return Reflect.get(trpc, prop);
    },
  });
}

async function findOrCreateDefaultProject(trpc: AtelierClient): Promise<string> {
  const [org] = await trpc.orgs.list.query();
  if (!org) {
    throw new AtelierError(
      "NOT_FOUND",
      "This API key's account belongs to no organization; create one in the web app, or pass projectId.",
    );
  }
  const projects = await trpc.projects.list.query({ orgId: org.id });
  const found = projects.find((p) => p.name === DEFAULT_PROJECT_NAME);
  if (found) return found.id;
  return (await trpc.projects.create.mutate({ orgId: org.id, name: DEFAULT_PROJECT_NAME })).id;
}

export type { JobView };

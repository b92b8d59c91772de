import { mkdir, readFile, stat } from "node:fs/promises";
import { basename, extname, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  catalogue,
  checkPlannedSteps,
  describePresets,
  getPreset,
  outputFileNamesOf,
  type PipelineEnv,
  type PipelineSpec,
  parsePipelineSpec,
  presetSpec,
  presets,
  releaseSessions,
  runPipeline,
} from "@atelier/pipeline";
import type { Artifact } from "@atelier/pipeline";
import { AppError, createLogger, toAppError } from "@atelier/shared";
import { readCliEnv } from "./env.ts";
import { parseParams } from "./parseParams.ts";
import { presetList } from "./presetList.ts";
import { createProgressView, type ProgressView } from "./progressView.ts";
import type { CliIo } from "./cliIo.ts";
import { asAppError, listJobs, login, runOnServer, watchJob } from "./serverMode.ts";
import { writeOutputs } from "./writeOutputs.ts";

const usage = `Usage: atelier run <preset> <files...> --out <dir> [--param key=value ...] [--force]
       atelier presets
       atelier login --server <url> [--key <api key>]
       atelier run <preset> <files...> --server [<url>] [--out <dir>] [--param ...] [--force] [--json]
       atelier jobs [--server <url>] [--project <id>] [--json]
       atelier watch <job id> [--server <url>] [--out <dir>] [--json]

Runs a preset on local files with no server, or with --server on an Atelier server (log in first; the
key is kept in $XDG_CONFIG_HOME/atelier/config.json, mode 0600). Presets: ${[...presets.keys()].join(", ")}
(\`atelier presets\` lists their parameters). Outputs are named <input>.<role>.<ext>; an input is never
overwritten, an existing file only with --force. With --server, outputs go beside the inputs unless --out.
Environment (the server's names): MAX_INPUT_PIXELS, EXECUTION_PROVIDERS, ATELIER_MODELS_DIR,
REPLICATE_API_TOKEN, REPLICATE_BASE_URL.`;

export type { CliIo } from "./cliIo.ts";

/** Exit codes: 0 all done, 1 some input failed, 2 the command itself is wrong. */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  const fail = (message: string, code = 2) => {
    io.stderr.write(`atelier: ${message}\n`);
    return code;
  };
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(withBareServerFlag(argv));
  } catch (err) {
    return fail(`${(err as Error).message.split("\n")[0]} (see atelier --help)`);
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    io.stdout.write(`${usage}\n`);
    return command || parsed.values.help ? 0 : 2;
  }
  let env: PipelineEnv;
  try {
    const cliEnv = readCliEnv(io.env);
    for (const { from, to } of cliEnv.renamed)
      io.stderr.write(`atelier: ${from} is not read any more; set ${to} instead.\n`);
    // One process, a few images: model sessions give their memory back after each run.
    // No leases or sockets to keep: inference threads always get their normal share of the CPU.
    env = { ...cliEnv.pipeline, leanMemory: true, inference: { ...cliEnv.pipeline.inference, nice: 0 } };
  } catch (err) {
    return fail(toAppError(err).message);
  }
  if (command === "presets") {
    io.stdout.write(`${presetList(describePresets(env, catalogue))}\n`);
    return 0;
  }
  const server = parsed.values.server;
  const json = parsed.values.json ?? false;
  if (command === "login" || command === "jobs" || command === "watch") {
    try {
      if (command === "login") return await login(io, server ?? "", parsed.values.key);
      if (command === "jobs") return await listJobs(io, server ?? "", parsed.values.project, json);
      const [jobId] = rest;
      if (!jobId) throw new AppError("VALIDATION_ERROR", "name the job to watch: atelier watch <job id>");
      return await watchJob(io, {
        server: server ?? "",
        jobId,
        json,
        outDir: parsed.values.out,
        force: parsed.values.force ?? false,
      });
    } catch (err) {
      const error = asAppError(err);
      return fail(error.message, commandLineCodes.has(error.code) ? 2 : 1);
    }
  }
  if (command !== "run") return fail(`unknown command "${command}" (see atelier --help)`);

  const [presetName, ...files] = rest;
  try {
    if (!presetName)
      throw new AppError(
        "VALIDATION_ERROR",
        "name a preset: atelier run <preset> <files...> --out <dir>",
        {},
      );
    const preset = getPreset(presetName);
    const params = parseParams(parsed.values.param ?? []);
    const spec = presetSpec(presetName, params);
    if (server !== undefined) {
      // The server says which steps it can run; names and params are checked here, before any upload.
      if (files.length === 0) throw new AppError("VALIDATION_ERROR", "give at least one input file", {});
      for (const file of files) await checkReadable(file);
      const code = await runOnServer(io, {
        server,
        preset: presetName,
        params,
        batches: preset.outputs === "combined" ? [files] : files.map((f) => [f]),
        outDir: parsed.values.out,
        force: parsed.values.force ?? false,
        json,
        projectId: parsed.values.project,
      }).catch((err: unknown) => {
        const error = asAppError(err);
        return fail(error.message, commandLineCodes.has(error.code) ? 2 : 1);
      });
      return code;
    }
    // Bad names and unavailable steps stop here, before any file is read.
    checkPlannedSteps(parsePipelineSpec(spec, catalogue), env);
    if (files.length === 0) throw new AppError("VALIDATION_ERROR", "give at least one input file", {});
    if (!parsed.values.out)
      throw new AppError("VALIDATION_ERROR", "give an output folder with --out <dir>", {});
    for (const file of files) await checkReadable(file);
    const outDir = resolve(parsed.values.out);
    await mkdir(outDir, { recursive: true });

    const view = createProgressView(io.stderr);
    const batches = preset.outputs === "combined" ? [files] : files.map((f) => [f]);
    let failures = 0;
    for (const batch of batches) {
      const label = batch.length === 1 ? basename(batch[0]!) : `${batch.length} files`;
      const ok = await runBatch(batch, label, {
        spec,
        env,
        view,
        outDir,
        force: parsed.values.force ?? false,
      });
      if (!ok) failures++;
    }
    return failures === 0 ? 0 : 1;
  } catch (err) {
    const error = toAppError(err);
    return fail(error.message);
  } finally {
    // The model sessions' worker threads end with the command.
    await releaseSessions();
  }
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      param: { type: "string", short: "p", multiple: true },
      force: { type: "boolean", short: "f" },
      help: { type: "boolean", short: "h" },
      /** Run on a server; alone (no URL after it), the one `atelier login` stored. */
      server: { type: "string" },
      key: { type: "string" },
      project: { type: "string" },
      json: { type: "boolean" },
    },
  });
}

/** Codes that mean the command line (or the login it needs) is wrong: exit 2, as for a bad flag. */
const commandLineCodes: ReadonlySet<string> = new Set(["VALIDATION_ERROR", "CONFIG_ERROR"]);

/** `--server` with no URL after it means the logged-in server: give parseArgs an empty value for it. */
function withBareServerFlag(argv: string[]): string[] {
  return argv.flatMap((arg, i) => {
    if (arg !== "--server") return [arg];
    const next = argv[i + 1];
    const hasValue =
      next !== undefined && !next.startsWith("-") && /^(https?:\/\/|localhost|[\w.-]+:\d+)/i.test(next);
    return hasValue ? [arg] : ["--server="];
  });
}

async function checkReadable(file: string): Promise<void> {
  const info = await stat(file).catch(() => null);
  if (!info) throw new AppError("NOT_FOUND", `no such file: ${file}`, { file });
  if (!info.isFile()) throw new AppError("VALIDATION_ERROR", `not a file: ${file}`, { file });
}

interface BatchOptions {
  spec: PipelineSpec;
  env: PipelineEnv;
  view: ProgressView;
  outDir: string;
  force: boolean;
}

async function runBatch(batch: string[], label: string, opts: BatchOptions): Promise<boolean> {
  const { view } = opts;
  const started = performance.now();
  view.fileStarted(label);
  try {
    const inputs: Artifact[] = await Promise.all(
      batch.map(async (file) => ({
        name: basename(file, extname(file)),
        mediaType: "application/octet-stream",
        data: await readFile(file),
      })),
    );
    const result = await runPipeline(opts.spec, inputs, {
      env: opts.env,
      log: createLogger("atelier-cli", "silent"),
      events: {
        stepStarted: (e) => view.stepStarted(label, e.step, e.index, e.total),
        progress: (e) => view.progress(label, e.fraction, e.note),
      },
    });
    // Images and side files (masks, atlas JSON) alike, named as the web app and the server name them.
    const outputs = [...result.images, ...result.files];
    const names = outputFileNamesOf(outputs, opts.spec.steps.at(-1)!.step);
    const written = await writeOutputs(
      opts.outDir,
      outputs.map((artifact, i) => ({ fileName: names[i]!, data: artifact.data })),
      batch,
      opts.force,
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    view.fileFinished(
      label,
      `${written.length} file${written.length === 1 ? "" : "s"} in ${seconds} s: ${written.join(", ")}`,
    );
    return true;
  } catch (err) {
    const error = toAppError(err);
    view.fileFailed(label, `${error.message} [${error.code}]`);
    return false;
  }
}

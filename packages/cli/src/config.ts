import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { AppError } from "@atelier/shared";
import { z } from "zod";

/** What `atelier login` keeps: an API key per server, and which server `--server` alone means. */
const configSchema = z.object({
  defaultServer: z.string().optional(),
  servers: z.record(z.string(), z.object({ apiKey: z.string().min(1) })).default({}),
});
export type CliConfig = z.infer<typeof configSchema>;

/** `$XDG_CONFIG_HOME/atelier/config.json`, or `~/.config/atelier/config.json`. */
export function configPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "atelier", "config.json");
}

export async function readConfig(env: NodeJS.ProcessEnv): Promise<CliConfig> {
  const path = configPath(env);
  const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (text === null) return configSchema.parse({});
  try {
    return configSchema.parse(JSON.parse(text));
  } catch {
    throw new AppError(
      "CONFIG_ERROR",
      `${path} is not a configuration this CLI wrote; log in again to replace it.`,
      {
        path,
      },
    );
  }
}

/**
 * Stores a key for a server (and makes it the default), readable by its owner only: the folder 0700,
 * the file 0600, written beside and renamed so a crash never leaves half a file.
 */
export async function saveServerKey(env: NodeJS.ProcessEnv, server: string, apiKey: string): Promise<string> {
  const path = configPath(env);
  const config = await readConfig(env).catch(() => configSchema.parse({}));
  config.servers[server] = { apiKey };
  config.defaultServer = server;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  return path;
}

/** A server URL as people type it (`localhost:3000`, `https://atelier.example.com/`) in one spelling. */
export function normalizeServerUrl(raw: string): string {
  const withScheme = /^https?:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new AppError(
      "VALIDATION_ERROR",
      `"${raw}" is not a server URL (like https://atelier.example.com).`,
    );
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * The server and key a command talks to: `--server URL` (or the logged-in default for `--server`
 * alone), with `ATELIER_SERVER` / `ATELIER_API_KEY` taking the place of the stored ones.
 */
export async function resolveServer(
  env: NodeJS.ProcessEnv,
  requested: string,
): Promise<{ url: string; apiKey: string }> {
  const config = await readConfig(env);
  const named = requested || env.ATELIER_SERVER || config.defaultServer;
  if (!named) {
    throw new AppError(
      "VALIDATION_ERROR",
      "no server to talk to: run `atelier login --server URL` first, or give --server URL",
    );
  }
  const url = normalizeServerUrl(named);
  const apiKey = env.ATELIER_API_KEY || config.servers[url]?.apiKey;
  if (!apiKey) {
    throw new AppError(
      "VALIDATION_ERROR",
      `not logged in to ${url}: run \`atelier login --server ${url}\` first`,
    );
  }
  return { url, apiKey };
}

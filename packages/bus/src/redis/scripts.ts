import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { RedisClient } from "./connections.ts";

/**
 * A Lua script from ./lua, run by SHA with a fallback to EVAL after a Redis restart emptied the
 * script cache. The file name ends in the number of keys the script takes; `run` checks it.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;
  readonly numberOfKeys: number;

  constructor(readonly fileName: string) {
    this.source = readFileSync(new URL(`./lua/${fileName}`, import.meta.url), "utf8");
    this.sha = createHash("sha1").update(this.source).digest("hex");
    const match = /-(\d+)\.lua$/.exec(fileName);
    if (!match) throw new Error(`Lua file ${fileName} must end in -<number of keys>.lua`);
    this.numberOfKeys = Number(match[1]);
  }

  async run(redis: RedisClient, keys: string[], args: Array<string | number>): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) {
      throw new Error(`${this.fileName} takes ${this.numberOfKeys} keys, got ${keys.length}`);
    }
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

export const scripts = {
  publish: new LuaScript("publish-3.lua"),
  claim: new LuaScript("claim-35.lua"),
  ack: new LuaScript("ack-1.lua"),
  extendLease: new LuaScript("extendLease-1.lua"),
  retryLater: new LuaScript("retryLater-2.lua"),
  deadLetter: new LuaScript("deadLetter-2.lua"),
  requeue: new LuaScript("requeue-4.lua"),
  stats: new LuaScript("stats-34.lua"),
  heartbeat: new LuaScript("heartbeat-2.lua"),
};

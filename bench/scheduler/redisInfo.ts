import type { Redis } from "ioredis";

/** What the simulation reads from INFO, summed over a cluster's masters (and kept per master). */
export interface RedisSnapshot {
  calls: Map<string, number>;
  /** Microseconds Redis spent in each command (a script's time is its EVALSHA's, commands inside included). */
  usec: Map<string, number>;
  totalCalls: number;
  perMasterCalls: number[];
  usedMemory: number;
  perMasterMemory: number[];
  cpuSeconds: number;
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const at = line.indexOf(":");
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

/** INFO commandstats counts every command, those a Lua script runs included. */
export async function snapshot(masters: Redis[]): Promise<RedisSnapshot> {
  const calls = new Map<string, number>();
  const usec = new Map<string, number>();
  const perMasterCalls: number[] = [];
  const perMasterMemory: number[] = [];
  let cpuSeconds = 0;
  for (const master of masters) {
    const info = parseInfo(await master.info("all"));
    let masterCalls = 0;
    for (const [key, value] of info) {
      if (!key.startsWith("cmdstat_")) continue;
      const n = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
      const us = Number(/usec=(\d+)/.exec(value)?.[1] ?? 0);
      const name = key.slice("cmdstat_".length);
      if (name === "info") continue;
      calls.set(name, (calls.get(name) ?? 0) + n);
      usec.set(name, (usec.get(name) ?? 0) + us);
      masterCalls += n;
    }
    perMasterCalls.push(masterCalls);
    perMasterMemory.push(Number(info.get("used_memory") ?? 0));
    cpuSeconds += Number(info.get("used_cpu_user") ?? 0) + Number(info.get("used_cpu_sys") ?? 0);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    calls,
    usec,
    totalCalls: sum(perMasterCalls),
    perMasterCalls,
    usedMemory: sum(perMasterMemory),
    perMasterMemory,
    cpuSeconds,
  };
}

export function delta(before: RedisSnapshot, after: RedisSnapshot) {
  const calls = new Map<string, number>();
  for (const [name, n] of after.calls) {
    const d = n - (before.calls.get(name) ?? 0);
    if (d > 0) calls.set(name, d);
  }
  const usec = new Map<string, number>();
  for (const [name, n] of after.usec) usec.set(name, n - (before.usec.get(name) ?? 0));
  return {
    calls,
    usec,
    totalCalls: after.totalCalls - before.totalCalls,
    perMasterCalls: after.perMasterCalls.map((n, i) => n - (before.perMasterCalls[i] ?? 0)),
    memory: after.usedMemory - before.usedMemory,
    cpuSeconds: after.cpuSeconds - before.cpuSeconds,
  };
}

import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/**
 * CPU time (user + system, in microseconds) used so far by every process in the process group
 * `pgid` (a server started detached: tsx and the node process it runs). Linux only.
 */
export function groupCpuMicros(pgid: number): number {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name (which may hold spaces) start at state: 3 state, 5 pgrp, 14 utime, 15 stime.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1_000_000) / TICKS_PER_SECOND;
}

/** CPU time (user + system, in microseconds) used so far by one process. Linux only. */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
}

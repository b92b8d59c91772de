import type { UsageRow } from "@atelier/shared";

export type UsageGrouping = "preset" | "member";

export interface UsageSeries {
  /** Every day of the range, both ends included, so a day without jobs shows as zero. */
  days: string[];
  /** One series per preset (or member), the largest total first; `credits[i]` is for `days[i]`. */
  series: { name: string; credits: number[]; total: number }[];
  total: number;
}

const DAY_MS = 86_400_000;

export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** The usage rows as one stacked series per preset or per member, over every day of the range. */
export function usageSeries(
  usage: { from: string; to: string; rows: UsageRow[] },
  groupBy: UsageGrouping,
): UsageSeries {
  const days = daysBetween(usage.from, usage.to);
  const index = new Map(days.map((d, i) => [d, i]));
  const byName = new Map<string, number[]>();
  for (const row of usage.rows) {
    const i = index.get(row.day);
    if (i === undefined) continue;
    const name = row[groupBy];
    let credits = byName.get(name);
    if (!credits) {
      credits = days.map(() => 0);
      byName.set(name, credits);
    }
    credits[i]! += row.credits;
  }
  const series = [...byName]
    .map(([name, credits]) => ({ name, credits, total: credits.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
  return { days, series, total: series.reduce((sum, s) => sum + s.total, 0) };
}

/** "1 second", "40 seconds", "1 minute", "15 minutes": how long to wait, as a person says it. */
export function waitOf(seconds: number): string {
  const [n, unit] = seconds < 60 ? [seconds, "second"] : [Math.ceil(seconds / 60), "minute"];
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

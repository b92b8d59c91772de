import type { Chart } from "chart.js";
import { useEffect, useRef } from "react";
import type { UsageSeries } from "./usageSeries.ts";

// Distinct in light and dark themes; a ninth series and on reuse them.
const palette = ["#4f6bed", "#e8743b", "#19a979", "#ed4a7b", "#945ecf", "#13a4b4", "#d6a21e", "#6c8893"];

/**
 * Credits per day as stacked bars, one colour per preset or member, drawn by Chart.js on a canvas.
 * Chart.js loads with the page that shows it, not with the app.
 */
export function UsageChart({ data, label }: { data: UsageSeries; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<"bar"> | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const { Chart } = await import("./chartJs.ts");
      if (cancelled || !canvas.current) return;
      const styles = getComputedStyle(document.documentElement);
      const text = styles.getPropertyValue("--muted").trim() || "#666";
      const grid = styles.getPropertyValue("--border").trim() || "#ddd";
      const datasets = data.series.map((s, i) => ({
        label: s.name,
        data: s.credits,
        backgroundColor: palette[i % palette.length],
        stack: "credits",
      }));
      const labels = data.days.map((d) => d.slice(5));
      if (chart.current) {
        chart.current.data = { labels, datasets };
        chart.current.update();
        return;
      }
      chart.current = new Chart(canvas.current, {
        type: "bar",
        data: { labels, datasets },
        options: {
          maintainAspectRatio: false,
          animation: matchMedia("(prefers-reduced-motion: reduce)").matches ? false : { duration: 200 },
          scales: {
            x: { stacked: true, ticks: { color: text }, grid: { display: false } },
            y: {
              stacked: true,
              beginAtZero: true,
              ticks: { color: text, precision: 0 },
              grid: { color: grid },
              title: { display: true, text: "credits", color: text },
            },
          },
          plugins: { legend: { position: "bottom", labels: { color: text } } },
        },
      });
    })();
    return () => {
      cancelled = true;
    };
  }, [data]);

  useEffect(
    () => () => {
      chart.current?.destroy();
      chart.current = null;
    },
    [],
  );

  return (
    <div className="usage-chart">
      <canvas ref={canvas} role="img" aria-label={label} data-testid="usage-chart" />
    </div>
  );
}

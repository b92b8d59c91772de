import { useEffect, useState } from "react";

interface PrintReport {
  ok: boolean;
  triangles: number;
  boundingBoxMm: { size: [number, number, number] };
  volumeMm3: number;
  material: { densityGPerCm3: number; weightG: number };
  nozzleMm: number;
  minWallMm: number;
  checks: Array<{ name: string; ok: boolean; detail: string; where?: Array<[number, number, number]> }>;
  repairs: string[];
}

const mm = (v: number) => `${v.toFixed(1)} mm`;

/** The figurine's print report beside its viewer: each check, where it failed, and what was repaired. */
export function PrintReportPanel({ url }: { url: string }) {
  const [report, setReport] = useState<PrintReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetch(url, { credentials: "include" })
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`HTTP ${res.status}`))))
      .then((json: PrintReport) => live && setReport(json))
      .catch((err: Error) => live && setError(`The print report could not be read (${err.message}).`));
    return () => {
      live = false;
    };
  }, [url]);
  if (error) return <p className="form-error">{error}</p>;
  if (!report) return <p className="muted">Reading the print report…</p>;
  const [w, d, h] = report.boundingBoxMm.size;
  return (
    <section className="print-report" aria-label="Print report">
      <h4>{report.ok ? "Ready to print" : "Needs attention before printing"}</h4>
      <dl>
        <dt>Size</dt>
        <dd>
          {mm(w)} × {mm(d)} × {mm(h)}
        </dd>
        <dt>Volume</dt>
        <dd>{(report.volumeMm3 / 1000).toFixed(1)} cm³</dd>
        <dt>Weight</dt>
        <dd>
          {report.material.weightG} g at {report.material.densityGPerCm3} g/cm³
        </dd>
        <dt>Thinnest wall</dt>
        <dd>
          {mm(report.minWallMm)} (nozzle {report.nozzleMm} mm)
        </dd>
        <dt>Triangles</dt>
        <dd>{report.triangles.toLocaleString()}</dd>
      </dl>
      <ul className="print-checks">
        {report.checks.map((c) => (
          <li key={c.name} data-ok={c.ok}>
            {c.ok ? "✓" : "✗"} {c.name}: {c.detail}
            {c.where && c.where.length > 0 && ` at ${c.where.map((p) => `(${p.join(", ")})`).join(", ")} mm`}
          </li>
        ))}
      </ul>
      {report.repairs.length > 0 && (
        <ul className="print-repairs" aria-label="Repairs">
          {report.repairs.map((r) => (
            <li key={r}>Repaired: {r}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

import { useId, useMemo, useState } from "react";
import { useResource } from "../api/useResource.ts";
import { FormError } from "../components/FormError.tsx";
import { Link } from "../router/Link.tsx";
import { pathOf } from "../router/routes.ts";
import { useOrgs } from "../session/OrgsContext.tsx";
import { useApi } from "../session/SessionContext.tsx";
import { UsageChart } from "./UsageChart.tsx";
import { type UsageGrouping, usageSeries } from "./usageSeries.ts";
import "../admin/admin.css";
import "./billing.css";

const ranges = [7, 30, 90, 365] as const;
const groupings: Record<UsageGrouping, string> = { preset: "By preset", member: "By member" };

/**
 * Credits the organization's jobs used per day over a chosen range, stacked by preset or by member,
 * as a chart and a table. The ledger meters every job, so this works with billing off too.
 */
export function UsagePage({ orgId }: { orgId: string }) {
  const client = useApi();
  const org = useOrgs().orgs.find((o) => o.id === orgId);
  const [days, setDays] = useState<number>(30);
  const [groupBy, setGroupBy] = useState<UsageGrouping>("preset");
  const rangeId = useId();
  const usage = useResource(() => client.billing.usage.query({ orgId, days }), `${orgId}:${days}`);
  const data = useMemo(() => (usage.data ? usageSeries(usage.data, groupBy) : null), [usage.data, groupBy]);
  const usedDays = data ? data.days.filter((_, i) => data.series.some((s) => s.credits[i]! > 0)) : [];

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={pathOf({ name: "org", orgId })}>{org?.name ?? "Organization"}</Link>
        <span aria-hidden="true"> / </span>
        <Link to={pathOf({ name: "orgBilling", orgId })}>Billing</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">Usage</span>
      </nav>
      <h1>Usage</h1>
      <FormError message={usage.error} />
      <div className="usage-controls">
        <div className="field">
          <label htmlFor={rangeId}>Range</label>
          <select id={rangeId} value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {ranges.map((n) => (
              <option key={n} value={n}>
                Last {n} days
              </option>
            ))}
          </select>
        </div>
        <fieldset className="usage-grouping">
          <legend>Group credits</legend>
          <div className="style-sets">
            {(Object.keys(groupings) as UsageGrouping[]).map((g) => (
              <button
                key={g}
                type="button"
                className="button"
                aria-pressed={g === groupBy}
                onClick={() => setGroupBy(g)}
              >
                {groupings[g]}
              </button>
            ))}
          </div>
        </fieldset>
      </div>
      <section className="panel" aria-labelledby="usage-chart-heading">
        <h2 id="usage-chart-heading">
          Credits per day
          {data && `: ${data.total.toLocaleString()} from ${usage.data?.from} to ${usage.data?.to}`}
        </h2>
        {data && data.total === 0 && <p className="empty">No job used credits in this range.</p>}
        {data && data.total > 0 && (
          <UsageChart
            data={data}
            label={`Credits per day ${groupBy === "preset" ? "by preset" : "by member"}, ${data.total} in all`}
          />
        )}
      </section>
      {data && data.total > 0 && (
        <section className="panel" aria-labelledby="usage-table-heading">
          <h2 id="usage-table-heading">{groupings[groupBy]}</h2>
          <table className="admin-table" aria-label="Credits per day">
            <thead>
              <tr>
                <th scope="col">Day</th>
                {data.series.map((s) => (
                  <th key={s.name} scope="col">
                    {s.name}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {usedDays.map((day) => {
                const i = data.days.indexOf(day);
                return (
                  <tr key={day}>
                    <th scope="row">{day}</th>
                    {data.series.map((s) => (
                      <td key={s.name}>{s.credits[i] || ""}</td>
                    ))}
                    <td>{data.series.reduce((sum, s) => sum + s.credits[i]!, 0)}</td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                {data.series.map((s) => (
                  <td key={s.name}>{s.total}</td>
                ))}
                <td>{data.total}</td>
              </tr>
            </tfoot>
          </table>
        </section>
      )}
    </>
  );
}

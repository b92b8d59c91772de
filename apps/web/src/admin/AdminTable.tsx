import type { ReactNode } from "react";

interface AdminTableProps<Row> {
  /** The table's accessible name. */
  label: string;
  /** The column headers, in order. */
  columns: readonly string[];
  /** Adds a last column for each row's buttons, its header read by screen readers only. */
  rowActions?: boolean;
  /** Undefined while loading, when nothing is shown. */
  rows: readonly Row[] | undefined;
  /** What is shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** One <tr> (with its key) for a row. */
  renderRow(row: Row): ReactNode;
}

/** A list of records as an admin page shows it: a table, or a sentence saying there are none yet. */
export function AdminTable<Row>({
  label,
  columns,
  rowActions,
  rows,
  empty,
  renderRow,
}: AdminTableProps<Row>) {
  if (!rows) return null;
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <table className="admin-table" aria-label={label}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
          {rowActions && (
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{rows.map(renderRow)}</tbody>
    </table>
  );
}

/**
 * The rows of a raw `db.execute(sql…)`: postgres.js answers an array of rows, PGlite an object
 * with `rows`. Code that reads what a raw statement returned takes them through this.
 */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? (rows as T[]) : [];
}

import type { Database } from "./createDatabase.ts";

const byDatabase = new WeakMap<Database, Map<string, unknown>>();

/**
 * A query built once per database and reused: drizzle otherwise rebuilds the SQL of every call,
 * which on the paths every request takes (session, access checks) costs more than the query.
 * `build` must use `sql.placeholder` for everything that varies and call `.prepare(name)`.
 */
export function prepared<Q>(db: Database, name: string, build: (db: Database) => Q): Q {
  let queries = byDatabase.get(db);
  if (!queries) {
    queries = new Map();
    byDatabase.set(db, queries);
  }
  let query = queries.get(name) as Q | undefined;
  if (!query) {
    query = build(db);
    queries.set(name, query);
  }
  return query;
}

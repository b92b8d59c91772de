import type { SQL } from "drizzle-orm";
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

interface SessionInternals {
  _: {
    session: {
      prepareQuery(
        query: unknown,
        fields: undefined,
        name: string,
        arrayMode: boolean,
      ): { execute(): Promise<unknown> };
    };
  };
  dialect: { sqlToQuery(query: SQL): unknown };
}

/**
 * `db.execute` for a raw statement that runs on every request: kept prepared on each connection
 * (Postgres parses and plans it once per connection, not per call). The statement's text must not
 * vary with its values, which go in as parameters; PGlite runs it as `execute` would.
 */
export function executePrepared(db: Database, query: SQL): Promise<unknown> {
  const internals = db as unknown as SessionInternals;
  return internals._.session
    .prepareQuery(internals.dialect.sqlToQuery(query), undefined, "prepared", false)
    .execute();
}

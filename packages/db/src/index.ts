export { createDatabase } from "./createDatabase.ts";
export type { Database, DatabaseHandle, DatabaseOptions, Executor, Schema } from "./createDatabase.ts";
export { lockDataDir } from "./dataDirLock.ts";
export { executePrepared, prepared } from "./prepared.ts";
export { rowsOf } from "./rowsOf.ts";
export * as schema from "./schema/index.ts";
export {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  or,
  sql,
  sum,
} from "drizzle-orm";
export type { SQL } from "drizzle-orm";
export {
  type MigrationPolicy,
  migrateDatabase,
  type SchemaState,
  schemaStateOf,
} from "./migrations.ts";

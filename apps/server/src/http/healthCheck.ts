/**
 * Whether the server can serve, answered from the last database check. A probe never waits in
 * the database's queue (PGlite runs one query at a time, so a busy server would answer late) and
 * a flood of probes costs one check a second; a check that stopped answering turns the answer
 * false after `staleMs`.
 */
export function cachedHealth(
  check: () => Promise<unknown>,
  options: { refreshMs?: number; staleMs?: number } = {},
): () => Promise<boolean> {
  const refreshMs = options.refreshMs ?? 1_000;
  const staleMs = options.staleMs ?? 5_000;
  let lastOkAt = 0;
  let checkedAt = 0;
  let running: Promise<void> | null = null;
  const refresh = () => {
    checkedAt = Date.now();
    running ??= check()
      .then(() => {
        lastOkAt = Date.now();
      })
      .catch(() => {
        lastOkAt = 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  return async () => {
    if (checkedAt === 0) await refresh();
    else if (Date.now() - checkedAt >= refreshMs) void refresh();
    return lastOkAt > 0 && Date.now() - lastOkAt < staleMs;
  };
}

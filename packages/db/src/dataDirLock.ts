import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "@atelier/shared";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite takes no lock of its own and two processes on one folder corrupt it, so embedded mode
 * holds `atelier.lock` (our pid) for as long as the database is open. A lock left by a dead process is taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "atelier.lock");
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number.parseInt(readFileSync(path, "utf8"), 10);
      if (Number.isFinite(owner) && owner !== process.pid && isAlive(owner)) {
        throw new AppError(
          "CONFIG_ERROR",
          `The data folder ${dir} is in use by another Atelier process (pid ${owner}). Stop it, or set ATELIER_DATA_DIR to another folder.`,
          { dir, pid: owner },
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError("CONFIG_ERROR", `Could not lock the data folder ${dir}.`, { dir });
}

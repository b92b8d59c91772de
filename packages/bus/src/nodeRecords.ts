import { AppError } from "@atelier/shared";
import { z } from "zod";
import { type NodeHeartbeat, nodeHeartbeatSchema } from "./message.ts";

export function parseHeartbeat(input: NodeHeartbeat, ttlMs: number): NodeHeartbeat {
  if (!Number.isInteger(ttlMs) || ttlMs < 1) {
    throw new AppError(
      "VALIDATION_ERROR",
      "The heartbeat TTL must be a whole number of milliseconds, 1 or more.",
      {
        ttlMs,
      },
    );
  }
  const result = nodeHeartbeatSchema.safeParse(input);
  if (!result.success) {
    throw new AppError("VALIDATION_ERROR", "The node heartbeat is not valid.", {
      issues: z.treeifyError(result.error),
    });
  }
  return result.data;
}

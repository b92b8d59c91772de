import type { BusKeys } from "../keys.ts";
import { type NodeHeartbeat, type NodeInfo, nodeHeartbeatSchema } from "../message.ts";
import { parseHeartbeat } from "../nodeRecords.ts";
import type { RedisClient } from "./connections.ts";
import { scripts } from "./scripts.ts";

/** GPU nodes as hashes that expire unless heartbeats keep them, plus a sorted-set index for listing. */
export class RedisNodeRegistry {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: BusKeys,
  ) {}

  async heartbeat(input: NodeHeartbeat, ttlMs: number): Promise<void> {
    const node = parseHeartbeat(input, ttlMs);
    await scripts.heartbeat.run(
      this.redis,
      [this.keys.node(node.id), this.keys.nodeIndex],
      [
        ttlMs,
        node.id,
        "id",
        node.id,
        "totalVramMb",
        node.totalVramMb,
        "freeVramMb",
        node.freeVramMb,
        "reservedVramMb",
        node.reservedVramMb,
        "providers",
        JSON.stringify(node.providers),
        "models",
        JSON.stringify(node.models),
        "runningJobs",
        JSON.stringify(node.runningJobs),
      ],
    );
  }

  async listNodes(): Promise<NodeInfo[]> {
    const ids = await this.redis.zrange(this.keys.nodeIndex, "0", "-1");
    const hashes = await Promise.all(ids.map((id) => this.redis.hgetall(this.keys.node(id))));
    const nodes: NodeInfo[] = [];
    const gone: string[] = [];
    ids.forEach((id, i) => {
      const node = toNode(hashes[i] ?? {});
      if (node) nodes.push(node);
      else gone.push(id);
    });
    if (gone.length > 0) await this.redis.zrem(this.keys.nodeIndex, ...gone);
    return nodes.sort((a, b) => a.id.localeCompare(b.id));
  }

  async removeNode(id: string): Promise<void> {
    await this.redis.multi().del(this.keys.node(id)).zrem(this.keys.nodeIndex, id).exec();
  }
}

function toNode(hash: Record<string, string>): NodeInfo | undefined {
  if (!hash.id) return undefined;
  const list = (value: string | undefined): unknown => {
    try {
      return JSON.parse(value ?? "[]");
    } catch {
      return [];
    }
  };
  const result = nodeHeartbeatSchema.safeParse({
    id: hash.id,
    totalVramMb: Number(hash.totalVramMb),
    freeVramMb: Number(hash.freeVramMb),
    reservedVramMb: Number(hash.reservedVramMb),
    providers: list(hash.providers),
    models: list(hash.models),
    runningJobs: list(hash.runningJobs),
  });
  return result.success ? { ...result.data, lastSeenAt: Number(hash.lastSeenAt) } : undefined;
}

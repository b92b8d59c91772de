import type { NodeHeartbeat, NodeInfo } from "../message.ts";
import { parseHeartbeat } from "../nodeRecords.ts";

/** Node heartbeats in memory; an entry is gone once its TTL has passed, as with a Redis key TTL. */
export class MemoryNodeRegistry {
  private readonly nodes = new Map<string, { node: NodeInfo; expiresAt: number }>();

  async heartbeat(input: NodeHeartbeat, ttlMs: number): Promise<void> {
    const node = parseHeartbeat(input, ttlMs);
    const now = Date.now();
    this.nodes.set(node.id, { node: { ...structuredClone(node), lastSeenAt: now }, expiresAt: now + ttlMs });
  }

  async listNodes(): Promise<NodeInfo[]> {
    const now = Date.now();
    const live: NodeInfo[] = [];
    for (const [id, { node, expiresAt }] of this.nodes) {
      if (expiresAt <= now) this.nodes.delete(id);
      else live.push(structuredClone(node));
    }
    return live.sort((a, b) => a.id.localeCompare(b.id));
  }

  async removeNode(id: string): Promise<void> {
    this.nodes.delete(id);
  }
}

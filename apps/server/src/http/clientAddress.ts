import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * Which proxies in front of the server may say who the client is (ATELIER_TRUST_PROXY): none (the
 * socket's peer is the client), a number of hops (the address that many entries from the right of
 * X-Forwarded-For), or the proxies' addresses and CIDR ranges (entries are read from the right,
 * skipping trusted ones, and the first untrusted one is the client).
 */
export type TrustProxy =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "list"; entries: string[] };

/** Parses ATELIER_TRUST_PROXY; null when it is not a hop count or a list of addresses/CIDRs. */
export function parseTrustProxy(value: string): TrustProxy | null {
  const text = value.trim();
  if (text === "" || text === "false" || text === "0") return { kind: "none" };
  if (/^\d+$/.test(text)) return { kind: "hops", hops: Number(text) };
  const entries = text
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  try {
    blockListOf(entries);
  } catch {
    return null;
  }
  return { kind: "list", entries };
}

function blockListOf(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split("/");
    const family = isIP(address ?? "");
    if (family === 0) throw new Error(`not an address: ${entry}`);
    const type = family === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, Number(prefix), type);
  }
  return list;
}

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) as `1.2.3.4`. */
function plain(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function clientAddressResolver(trust: TrustProxy): (req: IncomingMessage) => string {
  const list = trust.kind === "list" ? blockListOf(trust.entries) : null;
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && list!.check(address, family === 6 ? "ipv6" : "ipv4");
  };
  return (req) => {
    const peer = plain(req.socket.remoteAddress ?? "unknown");
    if (trust.kind === "none") return peer;
    const header = req.headers["x-forwarded-for"];
    const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
      .split(",")
      .map((a) => plain(a.trim()))
      .filter(Boolean);
    if (trust.kind === "hops") {
      const chain = [...forwarded, peer];
      return chain[Math.max(0, chain.length - 1 - trust.hops)] ?? peer;
    }
    let client = peer;
    for (let i = forwarded.length - 1; i >= 0 && isTrusted(client); i--) client = forwarded[i]!;
    return client;
  };
}

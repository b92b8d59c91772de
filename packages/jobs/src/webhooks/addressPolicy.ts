import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { AppError } from "@atelier/shared";

/**
 * Where webhooks may go: public addresses only, unless the operator allows private ones
 * (ATELIER_WEBHOOK_ALLOW_PRIVATE=1). Checked on the URL when an endpoint is saved, and again on
 * the address actually connected to (a DNS answer can change after the check: rebinding).
 */

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
  ["64:ff9b::", 96], // NAT64 reaches IPv4 inside
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

/** True for loopback, link-local, private, shared, multicast and reserved addresses (IPv4-mapped too). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = address.toLowerCase().match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return blocked.check(mapped[1]!, "ipv4");
  return blocked.check(address, "ipv6");
}

export interface AddressPolicy {
  allowPrivate: boolean;
}

function refusedTarget(host: string, address: string): AppError {
  return new AppError(
    "VALIDATION_ERROR",
    `Webhooks are only sent to public addresses: ${host} is ${address === host ? "" : `at ${address}, `}a loopback, link-local or private address. Use a public URL (an operator can allow private targets with ATELIER_WEBHOOK_ALLOW_PRIVATE=1).`,
    { host, address },
  );
}

/** The URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

/**
 * Checks a webhook URL when it is saved: every address its host resolves to must be public.
 * VALIDATION_ERROR, with a sentence saying why, when not (or when the host does not resolve).
 */
export async function checkWebhookUrl(raw: string, policy: AddressPolicy): Promise<void> {
  const url = new URL(raw);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new AppError("VALIDATION_ERROR", "Give the webhook an http:// or https:// URL.");
  if (policy.allowPrivate) return;
  const host = hostOf(url);
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw refusedTarget(host, host);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, found) => (err ? reject(err) : resolve(found))),
  ).catch(() => {
    throw new AppError("VALIDATION_ERROR", `The webhook host ${host} does not resolve; check the URL.`, {
      host,
    });
  });
  const inside = addresses.find((a) => isPrivateAddress(a.address));
  if (inside) throw refusedTarget(host, inside.address);
}

/**
 * A `lookup` for http.request that refuses private answers at connect time, so a host that
 * resolved to a public address when saved cannot be re-pointed inside afterwards.
 */
export function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, found) => {
      if (err) return callback(err, "", 0);
      const addresses = found as LookupAddress[];
      if (!policy.allowPrivate) {
        const inside = addresses.find((a) => isPrivateAddress(a.address));
        if (inside) return callback(refusedTarget(hostname, inside.address), "", 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

/** For IP-literal URLs, which never reach a lookup: the same rule, applied before connecting. */
export function checkLiteralTarget(url: URL, policy: AddressPolicy): void {
  const host = hostOf(url);
  if (!policy.allowPrivate && isIP(host) && isPrivateAddress(host)) throw refusedTarget(host, host);
}

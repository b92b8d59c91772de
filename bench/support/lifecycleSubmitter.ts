/**
 * Submitters for bench/lifecycle.ts, in a process of their own (forked with IPC), so that what the
 * benchmark measures never shares an event loop with the load it makes. Atelier's side is a client
 * written from tRPC's HTTP wire format (POST /trpc/jobs.create, keep-alive sockets, the body
 * serialised once): the load generator's own cost stays small beside the server's. BullMQ's side
 * is `queue.add`. Each submission is stamped with this machine's shared clock when it is sent.
 */
import { Agent, request } from "node:http";
import { Queue } from "bullmq";
import { serveCommands, sharedNow } from "./forked.ts";

export type SubmitterCommand =
  | { type: "atelier"; url: string; headers: Record<string, string>; input: unknown }
  | { type: "bullmq"; redisUrl: string; prefix: string }
  | { type: "rate"; rate: number; seconds: number }
  | { type: "sustained"; seconds: number; inFlight: number }
  | { type: "close" };

export type SubmitterReply =
  | { type: "ready" }
  /** Each landed submission's job id and when it was sent; refused or reset ones are counted. */
  | { type: "submitted"; ids: string[]; sentAt: Float64Array; failed: number; cpuMicros: number };

let submit: () => Promise<string> = () => Promise.reject(new Error("no submitter set up"));
let close = async () => {};

function atelier(url: string, headers: Record<string, string>, input: unknown): () => Promise<string> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const body = Buffer.from(JSON.stringify(input));
  const target = new URL(`${url}/trpc/jobs.create`);
  const requestHeaders = { ...headers, "content-type": "application/json", "content-length": body.length };
  close = async () => agent.destroy();
  return () =>
    new Promise<string>((resolve, reject) => {
      const req = request(target, { method: "POST", agent, headers: requestHeaders }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200)
            return reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
          resolve((JSON.parse(text) as { result: { data: { id: string } } }).result.data.id);
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
}

function bullmq(redisUrl: string, prefix: string): () => Promise<string> {
  const url = new URL(redisUrl);
  const queue = new Queue("bench", {
    connection: { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null },
    prefix,
  });
  close = () => queue.close();
  let n = 0;
  return async () => (await queue.add("noop", { n: n++ }, { removeOnComplete: true })).id!;
}

class Submitted {
  readonly ids: string[] = [];
  private sentAt = new Float64Array(1024);
  failed = 0;
  private readonly cpu = process.cpuUsage();

  one(): Promise<void> {
    const at = sharedNow();
    return submit().then(
      (id) => {
        if (this.ids.length === this.sentAt.length) {
          const grown = new Float64Array(this.sentAt.length * 2);
          grown.set(this.sentAt);
          this.sentAt = grown;
        }
        this.sentAt[this.ids.length] = at;
        this.ids.push(id);
      },
      (err: Error) => {
        if (this.failed++ === 0) console.error(`   first failed submission: ${err.message}`);
      },
    );
  }

  reply(): SubmitterReply {
    const { user, system } = process.cpuUsage(this.cpu);
    return {
      type: "submitted",
      ids: this.ids,
      sentAt: this.sentAt.slice(0, this.ids.length),
      failed: this.failed,
      cpuMicros: user + system,
    };
  }
}

/** A steady rate for `seconds`, open loop: late answers do not slow the schedule. */
async function atRate(rate: number, seconds: number): Promise<SubmitterReply> {
  const submitted = new Submitted();
  const total = rate * seconds;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(submitted.one());
  }
  await Promise.all(pending);
  return submitted.reply();
}

/** `inFlight` submissions always under way for `seconds`, closed loop: as fast as the server answers. */
async function sustained(seconds: number, inFlight: number): Promise<SubmitterReply> {
  const submitted = new Submitted();
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < until) await submitted.one();
    }),
  );
  return submitted.reply();
}

serveCommands<SubmitterCommand, SubmitterReply>(async (command) => {
  switch (command.type) {
    case "atelier":
      submit = atelier(command.url, command.headers, command.input);
      return { type: "ready" };
    case "bullmq":
      submit = bullmq(command.redisUrl, command.prefix);
      return { type: "ready" };
    case "rate":
      return atRate(command.rate, command.seconds);
    case "sustained":
      return sustained(command.seconds, command.inFlight);
    case "close":
      await close();
      process.exit(0);
  }
});

import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";

/** Every forked bench process answers a command it could not carry out with this, never silence. */
export interface FailedReply {
  type: "failed";
  message: string;
}

/**
 * A bench party in a process of its own (subscribers, submitters, a node), driven over IPC: `ask`
 * sends a command and waits for the reply of the named type; a `failed` reply throws.
 */
export class ForkedProcess<C extends { type: string }, R extends { type: string }> {
  private readonly child: ChildProcess;
  private readonly replies: Array<R | FailedReply> = [];
  private waiting: (() => void) | undefined;

  constructor(
    file: string,
    private readonly name: string,
  ) {
    this.child = fork(file, [], {
      execArgv: ["--import", "tsx"],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (reply: R | FailedReply) => {
      this.replies.push(reply);
      this.waiting?.();
    });
    this.child.on("exit", () => this.waiting?.());
  }

  get pid(): number {
    return this.child.pid!;
  }

  async ask<T extends R["type"]>(command: C, answer: T): Promise<Extract<R, { type: T }>> {
    this.child.send(command);
    for (;;) {
      const failed = this.replies.find((r) => r.type === "failed") as FailedReply | undefined;
      if (failed) throw new Error(`${this.name} failed: ${failed.message}`);
      const at = this.replies.findIndex((r) => r.type === answer);
      if (at >= 0) return this.replies.splice(at, 1)[0] as Extract<R, { type: T }>;
      if (this.child.exitCode !== null)
        throw new Error(`${this.name} exited with code ${this.child.exitCode}`);
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, "exit");
    this.child.send({ type: "close" });
    await exited;
  }
}

/** The child's side: runs each command's handler and replies with its answer or `failed`. */
export function serveCommands<C extends { type: string }, R extends { type: string }>(
  handle: (command: C) => Promise<R | undefined>,
): void {
  process.on("message", async (command: C) => {
    try {
      const reply = await handle(command);
      if (reply) process.send!(reply);
    } catch (err) {
      process.send!({ type: "failed", message: (err as Error).message } satisfies FailedReply);
    }
  });
}

/** This machine's clock, shared by its processes (sub-millisecond), for latencies across processes. */
export const sharedNow = (): number => performance.timeOrigin + performance.now();

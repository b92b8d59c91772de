import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger("test", "info", stream), text: () => lines.join("") };
}

const argon2 = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA";
const apiKey = `atl_${"k".repeat(43)}`;
const sessionToken = "abcdefghijklmnopqrstuvwxyz234567";

describe("the logger", () => {
  it("never writes query values, credential fields, hashes, keys or session cookies", () => {
    const { log, text } = capture();
    const cause = Object.assign(new Error("duplicate key"), { parameters: ["ada@example.com", argon2] });
    const err = Object.assign(new Error("Failed query: insert into users"), {
      query: "insert into users (email, password_hash) values ($1, $2)",
      params: ["ada@example.com", argon2],
      cause,
    });
    log.error({ err }, "procedure failed");
    log.warn({ password: "correct horse battery", user: { passwordHash: argon2 } }, "sign-in");
    log.info({
      req: { headers: { cookie: `atelier_session=${sessionToken}`, authorization: `Bearer ${apiKey}` } },
    });
    log.info(`a message quoting ${apiKey} and ${argon2} and atelier_session=${sessionToken}`);
    const written = text();
    expect(written).toContain("procedure failed");
    expect(written).toContain("insert into users");
    for (const secret of [argon2, "$argon2id", apiKey, sessionToken, "correct horse battery"]) {
      expect(written).not.toContain(secret);
    }
  });
});

import { readdir } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalDiskStorage } from "./LocalDiskStorage.ts";
import { startLocalStore, type TestStore } from "./testStores.ts";

const WEB_ORIGIN = "http://app.example.test";
let clockMs = Date.UTC(2026, 0, 1);
let store: TestStore<LocalDiskStorage>;
let counter = 0;
const freshKey = (name: string) => `orgs/o1/uploads/${counter++}/${name}`;

beforeAll(async () => {
  store = await startLocalStore({ now: () => clockMs, allowedOrigins: [WEB_ORIGIN] });
});
afterAll(() => store?.close());

async function errorOf(res: Response): Promise<{ code: string; message: string; details: unknown }> {
  expect(res.headers.get("content-type")).toContain("application/json");
  const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
  expect(typeof body.error.message).toBe("string");
  return body.error;
}

const uploadUrl = (key: string, contentLength: number, contentType = "image/png") =>
  store.storage.createUploadUrl(key, { contentType, contentLength, expiresInSec: 60 });

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

/** Sends the body chunked (no Content-Length), as a streaming client would. */
function chunkedBody(...chunks: Buffer[]): { body: ReadableStream<Uint8Array>; duplex: "half" } {
  return {
    body: new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    }),
    duplex: "half",
  };
}

/** A raw request, so the path reaches the server exactly as written (fetch would normalize `..`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(store.baseUrl);
    const req = request({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject).end();
  });
}

async function expectNoTempFiles(): Promise<void> {
  const tmp = await readdir(join(store.dir, "tmp")).catch(() => []);
  expect(tmp).toEqual([]);
}

describe("signed PUT", () => {
  it("stores the body at the key with the signed type", async () => {
    const key = freshKey("a.png");
    const body = Buffer.from("fake png bytes");
    const target = await uploadUrl(key, body.length);
    const res = await fetch(target.url, { method: "PUT", headers: target.headers, body });
    expect(res.status).toBe(200);
    expect(await store.storage.head(key)).toEqual({ bytes: body.length, contentType: "image/png" });
  });

  it("is single-use: a second PUT to the same URL is refused and the first bytes stay", async () => {
    const key = freshKey("once.png");
    const first = Buffer.from("checked bytes!");
    const target = await uploadUrl(key, first.length);
    expect((await fetch(target.url, { method: "PUT", headers: target.headers, body: first })).status).toBe(
      200,
    );
    const swap = Buffer.from("swapped bytes!");
    const again = await fetch(target.url, { method: "PUT", headers: target.headers, body: swap });
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("CONFLICT");
    const racing = await Promise.all(
      [Buffer.from("racer one  :)"), Buffer.from("racer two  :)")].map(async (body) => {
        const raceKey = `${key}-race`;
        const raceTarget = await uploadUrl(raceKey, body.length);
        return (await fetch(raceTarget.url, { method: "PUT", headers: raceTarget.headers, body })).status;
      }),
    );
    expect(racing.sort()).toEqual([200, 409]);
    expect((await store.storage.get(key)).toString()).toBe("checked bytes!");
    await expectNoTempFiles();
  });

  it("refuses a tampered signature, length, type or expiry with BAD_SIGNATURE and stores nothing", async () => {
    const key = freshKey("tampered.png");
    const body = Buffer.from("0123456789");
    const target = await uploadUrl(key, body.length);
    const sig = new URL(target.url).searchParams.get("sig")!;
    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    const tampered = [
      withParam(target.url, "sig", flipped),
      withParam(target.url, "sig", ""),
      withParam(target.url, "len", "11"),
      withParam(target.url, "ct", "text/html"),
      withParam(target.url, "exp", String(Math.floor(clockMs / 1000) + 999_999)),
      target.url.replace(key, freshKey("other.png")),
    ];
    for (const url of tampered) {
      const contentType = new URL(url).searchParams.get("ct")!;
      const res = await fetch(url, { method: "PUT", headers: { "Content-Type": contentType }, body });
      expect(res.status, url).toBe(403);
      expect((await errorOf(res)).code).toBe("BAD_SIGNATURE");
    }
    expect(await store.storage.head(key)).toBeNull();
  });

  it("refuses an expired upload URL with URL_EXPIRED", async () => {
    const key = freshKey("late.png");
    const target = await uploadUrl(key, 3);
    clockMs += 61_000;
    const res = await fetch(target.url, { method: "PUT", headers: target.headers, body: Buffer.from("abc") });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("URL_EXPIRED");
    expect(await store.storage.head(key)).toBeNull();
  });

  it("answers 413 FILE_TOO_LARGE for a body over the signed length and keeps the old bytes", async () => {
    const key = freshKey("big.png");
    await store.storage.put(key, Buffer.from("previous"), "image/png");
    const target = await uploadUrl(key, 10);
    const res = await fetch(target.url, { method: "PUT", headers: target.headers, body: Buffer.alloc(11) });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe("FILE_TOO_LARGE");
    expect((await store.storage.get(key)).toString()).toBe("previous");
  });

  it("stops a chunked body as soon as it passes the signed length and stores nothing", async () => {
    const key = freshKey("chunked.png");
    const target = await uploadUrl(key, 100_000);
    const res = await fetch(target.url, {
      method: "PUT",
      headers: target.headers,
      ...chunkedBody(Buffer.alloc(60_000, 1), Buffer.alloc(60_000, 2), Buffer.alloc(60_000, 3)),
    } as RequestInit);
    expect(await errorOf(res)).toMatchObject({ code: "FILE_TOO_LARGE" });
    expect(res.status).toBe(413);
    expect(await store.storage.head(key)).toBeNull();
    await expectNoTempFiles();
  });

  it("accepts a chunked body of exactly the signed length", async () => {
    const key = freshKey("chunked-ok.png");
    const target = await uploadUrl(key, 6);
    const res = await fetch(target.url, {
      method: "PUT",
      headers: target.headers,
      ...chunkedBody(Buffer.from("abc"), Buffer.from("def")),
    } as RequestInit);
    expect(res.status).toBe(200);
    expect((await store.storage.get(key)).toString()).toBe("abcdef");
  });

  it("refuses a body shorter than signed, chunked or not, and stores nothing", async () => {
    const key = freshKey("short.png");
    const target = await uploadUrl(key, 10);
    const plain = await fetch(target.url, { method: "PUT", headers: target.headers, body: Buffer.alloc(9) });
    expect(plain.status).toBe(400);
    expect((await errorOf(plain)).code).toBe("VALIDATION_ERROR");
    const chunked = await fetch(target.url, {
      method: "PUT",
      headers: target.headers,
      ...chunkedBody(Buffer.alloc(4), Buffer.alloc(5)),
    } as RequestInit);
    expect(chunked.status).toBe(400);
    expect((await errorOf(chunked)).code).toBe("VALIDATION_ERROR");
    expect(await store.storage.head(key)).toBeNull();
    await expectNoTempFiles();
  });

  it("refuses a Content-Type other than the signed one", async () => {
    const key = freshKey("typed.png");
    const body = Buffer.from("<script>alert(1)</script>");
    const target = await uploadUrl(key, body.length);
    const res = await fetch(target.url, { method: "PUT", headers: { "Content-Type": "text/html" }, body });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.details).toEqual({ expected: "image/png", received: "text/html" });
    expect(await store.storage.head(key)).toBeNull();
  });

  it("stores nothing when the client disconnects mid-upload", async () => {
    const key = freshKey("aborted.png");
    const target = await uploadUrl(key, 200_000);
    await new Promise<void>((resolve) => {
      const req = request(target.url, {
        method: "PUT",
        headers: { ...target.headers, "Content-Length": "200000" },
      });
      req.on("error", () => resolve());
      req.write(Buffer.alloc(50_000), () => setTimeout(() => req.destroy(), 50));
      req.on("close", () => resolve());
    });
    await expect.poll(() => readdir(join(store.dir, "tmp")), { timeout: 5000 }).toEqual([]);
    expect(await store.storage.head(key)).toBeNull();
  });
});

describe("signed GET", () => {
  it("serves bytes with type, length, private caching and the download name", async () => {
    const key = freshKey("out.png");
    await store.storage.put(key, Buffer.from("png!"), "image/png");
    const url = await store.storage.createDownloadUrl(key, {
      expiresInSec: 120,
      filename: 'résumé "final".png',
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-length")).toBe("4");
    expect(res.headers.get("cache-control")).toBe("private, max-age=120");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_ _final_.png"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.png`,
    );
    expect(await res.text()).toBe("png!");

    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("4");
  });

  it("refuses a tampered filename, an upload URL used for download, and an expired link", async () => {
    const key = freshKey("guarded.png");
    await store.storage.put(key, Buffer.from("x"), "image/png");
    const url = await store.storage.createDownloadUrl(key, { expiresInSec: 60, filename: "a.png" });
    const renamed = await fetch(withParam(url, "fn", "b.html"));
    expect((await errorOf(renamed)).code).toBe("BAD_SIGNATURE");
    const putUrl = (await uploadUrl(key, 1)).url;
    expect((await errorOf(await fetch(putUrl))).code).toBe("BAD_SIGNATURE");
    expect((await errorOf(await fetch(url.split("?")[0]!))).code).toBe("BAD_SIGNATURE");

    clockMs += 61_000;
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect((await errorOf(expired)).code).toBe("URL_EXPIRED");
  });

  it("answers NOT_FOUND as JSON for a deleted file", async () => {
    const key = freshKey("deleted.png");
    await store.storage.put(key, Buffer.from("x"), "image/png");
    const url = await store.storage.createDownloadUrl(key, { expiresInSec: 60 });
    await store.storage.delete(key);
    const res = await fetch(url);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("NOT_FOUND");
  });
});

describe("routing and paths", () => {
  it("rejects traversal and malformed keys in the path with VALIDATION_ERROR", async () => {
    for (const path of [
      "/storage/../../etc/passwd",
      "/storage/%2e%2e/%2e%2e/etc/passwd",
      "/storage/a/..%2f..%2fsecret",
      "/storage//etc/passwd",
      "/storage/%E0%A4%A",
      "/storage/",
    ]) {
      const res = await rawGet(`${path}?exp=9999999999&sig=x`);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe("VALIDATION_ERROR");
    }
  });

  it("leaves other paths to the next handler", async () => {
    const res = await rawGet("/api/trpc/health");
    expect(res).toEqual({ status: 404, body: "not a storage path" });
  });

  it("answers 405 for methods other than GET, HEAD, PUT and OPTIONS", async () => {
    const res = await fetch(`${store.baseUrl}/storage/a.png`, { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, PUT, OPTIONS");
    expect((await errorOf(res)).code).toBe("VALIDATION_ERROR");
  });
});

describe("CORS", () => {
  it("answers the preflight for a PUT from the web app's origin only", async () => {
    const preflight = (origin: string) =>
      fetch(`${store.baseUrl}/storage/${freshKey("x.png")}?exp=1&sig=x`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "PUT",
          "Access-Control-Request-Headers": "content-type",
        },
      });
    const allowed = await preflight(WEB_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    expect(allowed.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("content-type");

    const other = await preflight("http://evil.example.test");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets the web app read the answer to its PUT, including errors", async () => {
    const key = freshKey("cors.png");
    const target = await uploadUrl(key, 3);
    const ok = await fetch(target.url, {
      method: "PUT",
      headers: { ...target.headers, Origin: WEB_ORIGIN },
      body: Buffer.from("abc"),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    const tooBig = await fetch(target.url, {
      method: "PUT",
      headers: { ...target.headers, Origin: WEB_ORIGIN },
      body: Buffer.from("abcd"),
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("access-control-allow-origin")).toBe(WEB_ORIGIN);
    await tooBig.arrayBuffer();
  });
});

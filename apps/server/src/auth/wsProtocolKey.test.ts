import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { signUpWithProject } from "../testing/fixtures.ts";
import { startTestApp, type TestApp } from "../testing/testApp.ts";

/**
 * A browser cannot set Authorization on a WebSocket upgrade, so the browser SDK offers its key as a
 * subprotocol beside plain "atelier"; the server accepts the key and answers with "atelier" only.
 */
describe("an API key offered as a WebSocket subprotocol", () => {
  let app: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    const owner = app.client();
    await signUpWithProject(owner);
    ({ key: apiKey } = await owner.trpc.auth.createApiKey.mutate({ name: "browser", scopes: ["read"] }));
  });
  afterAll(() => app?.close());

  const open = (protocols: string[]) => {
    const socket = new WebSocket(`${app.url.replace(/^http/, "ws")}/trpc`, protocols);
    return new Promise<{ opened: boolean; protocol: string; status: number | null }>((resolve) => {
      socket.once("open", () => {
        resolve({ opened: true, protocol: socket.protocol, status: null });
        socket.close();
      });
      socket.once("unexpected-response", (_req, res) =>
        resolve({ opened: false, protocol: "", status: res.statusCode ?? null }),
      );
      socket.once("error", () => resolve({ opened: false, protocol: "", status: null }));
    });
  };

  it("opens with a valid key and never echoes the key back", async () => {
    expect(await open(["atelier", `atelier.bearer.${apiKey}`])).toEqual({
      opened: true,
      protocol: "atelier",
      status: null,
    });
  });

  it("refuses an unknown key or none with 401", async () => {
    expect(await open(["atelier", "atelier.bearer.atl_not-a-key"])).toMatchObject({
      opened: false,
      status: 401,
    });
    expect(await open(["atelier"])).toMatchObject({ opened: false, status: 401 });
  });

  it("answers calls over that socket for the key's organization, never with more than admin", async () => {
    const socket = new WebSocket(`${app.url.replace(/^http/, "ws")}/trpc`, [
      "atelier",
      `atelier.bearer.${apiKey}`,
    ]);
    await once(socket, "open");
    socket.send(JSON.stringify({ id: 1, method: "query", params: { path: "orgs.list", input: undefined } }));
    const [message] = (await once(socket, "message")) as [Buffer];
    socket.close();
    const answer = JSON.parse(message.toString()) as { result?: { data: Array<{ role: string }> } };
    // The key's maker owns the organization; a key acts at most as an admin there.
    expect(answer.result?.data.map((o) => o.role)).toEqual(["admin"]);
  });
});

import type { AppRouter } from "@atelier/server/router";
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  wsLink,
} from "@trpc/client";

export type ApiClient = TRPCClient<AppRouter>;

export interface ApiConnection {
  client: ApiClient;
  /** Closes the WebSocket; the HTTP side holds nothing open. */
  close(): void;
}

/**
 * One client per signed-in session: the WebSocket carries the session cookie only from
 * its upgrade, so after signing in or out a fresh connection must replace the old one.
 * Subscriptions go over the WebSocket; everything else over HTTP, where `auth.signIn`
 * can set the httpOnly cookie.
 */
export function createApiConnection(origin: string = window.location.origin): ApiConnection {
  const wsClient = createWSClient({
    url: `${origin.replace(/^http/, "ws")}/trpc`,
    // Opened on the first subscription and closed when the last one ends.
    lazy: { enabled: true, closeMs: 5_000 },
    keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
    // tRPC's default backoff grows to 30 s; someone watching a project should be back within seconds.
    // The jitter spreads the reconnects of many tabs after a server restart.
    retryDelayMs: (attempt) =>
      attempt === 0 ? 0 : Math.min(500 * 2 ** attempt, 4_000) + Math.random() * 500,
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({
          url: `${origin}/trpc`,
          // The server refuses batches of more than 50 calls (REQUEST_TOO_LARGE).
          maxItems: 25,
          fetch: (url, opts) => fetch(url, { ...(opts as RequestInit), credentials: "include" }),
        }),
      }),
    ],
  });
  return { client, close: () => wsClient.close() };
}

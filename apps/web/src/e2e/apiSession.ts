import type { AppRouter } from "@atelier/server/router";
import { createTRPCClient, httpLink, type TRPCClient } from "@trpc/client";

export interface ApiSession {
  client: TRPCClient<AppRouter>;
}

/**
 * A tRPC client for test set-up over plain HTTP, keeping the session cookie the server sets
 * (Node's fetch has no cookie jar). The browser still signs in through the UI.
 */
export function createApiSession(baseUrl: string): ApiSession {
  let cookie = "";
  const client = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/trpc`,
        fetch: async (url, init) => {
          const headers = new Headers(init?.headers as HeadersInit | undefined);
          if (cookie) headers.set("cookie", cookie);
          const res = await fetch(url, { ...(init as RequestInit), headers });
          const set = res.headers.getSetCookie();
          if (set.length) cookie = set.map((c) => c.split(";")[0]).join("; ");
          return res;
        },
      }),
    ],
  });
  return { client };
}

import type { IncomingMessage } from "node:http";
import type { Database } from "@atelier/db";
import type { UserView } from "@atelier/shared";
import { type ApiKeyScope, validateApiKey } from "./apiKeys.ts";
import { readCookie, SESSION_COOKIE } from "./cookies.ts";
import { type Session, validateSessionToken } from "./sessions.ts";

export type Principal =
  | { kind: "session"; user: UserView; session: Session; scopes: ReadonlySet<ApiKeyScope> }
  | {
      kind: "apiKey";
      /** Who made the key; the key acts with at most their current role, and only in `orgId`. */
      user: UserView;
      apiKeyId: string;
      /** The one organization the key reaches: every other answers NOT_FOUND. */
      orgId: string;
      scopes: ReadonlySet<ApiKeyScope>;
      expiresAt: Date | null;
    };

/** What a request presents: a session cookie, or `Authorization: Bearer <api key>`. */
export type Credential = { kind: "session"; token: string } | { kind: "apiKey"; key: string };

export const ALL_SCOPES: ReadonlySet<ApiKeyScope> = new Set(["read", "write", "admin"]);

/**
 * Browsers cannot set headers on a WebSocket upgrade, so the SDK there offers the key as a subprotocol
 * (`atelier.bearer.<key>`, beside plain `atelier`, which is the one the server answers with).
 */
export const WS_PROTOCOL = "atelier";
const WS_BEARER_PREFIX = `${WS_PROTOCOL}.bearer.`;

/** The credential a request carries; a bearer header wins over the cookie (SDK and CLI calls). */
export function credentialOf(req: Pick<IncomingMessage, "headers">): Credential | null {
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) return { kind: "apiKey", key: bearer };
  const offered = req.headers["sec-websocket-protocol"];
  const protocolKey = offered
    ?.split(",")
    .map((p) => p.trim())
    .find((p) => p.startsWith(WS_BEARER_PREFIX))
    ?.slice(WS_BEARER_PREFIX.length);
  if (protocolKey) return { kind: "apiKey", key: protocolKey };
  const token = readCookie(req, SESSION_COOKIE);
  return token ? { kind: "session", token } : null;
}

/**
 * Who holds a credential, from the database: null when the session ended or the key was revoked;
 * an expired key throws API_KEY_EXPIRED.
 */
export async function lookupPrincipal(db: Database, credential: Credential): Promise<Principal | null> {
  if (credential.kind === "apiKey") {
    const found = await validateApiKey(db, credential.key);
    return found
      ? {
          kind: "apiKey",
          user: found.user,
          apiKeyId: found.apiKeyId,
          orgId: found.orgId,
          scopes: new Set(found.scopes),
          expiresAt: found.expiresAt,
        }
      : null;
  }
  const found = await validateSessionToken(db, credential.token);
  return found ? { kind: "session", user: found.user, session: found.session, scopes: ALL_SCOPES } : null;
}

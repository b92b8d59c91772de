import type { IncomingMessage } from "node:http";
import type { Database } from "@atelier/db";
import type { UserView } from "@atelier/shared";
import { type ApiKeyScope, validateApiKey } from "./apiKeys.ts";
import { readCookie, SESSION_COOKIE } from "./cookies.ts";
import { type Session, validateSessionToken } from "./sessions.ts";

export type Principal =
  | { kind: "session"; user: UserView; session: Session; scopes: ReadonlySet<ApiKeyScope> }
  | { kind: "apiKey"; user: UserView; apiKeyId: string; scopes: ReadonlySet<ApiKeyScope> };

const ALL_SCOPES: ReadonlySet<ApiKeyScope> = new Set(["read", "write", "admin"]);

/** Who sent this request: a session cookie, or `Authorization: Bearer <api key>`. */
export async function authenticate(
  db: Database,
  req: Pick<IncomingMessage, "headers">,
): Promise<Principal | null> {
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const found = await validateApiKey(db, bearer);
    return found
      ? { kind: "apiKey", user: found.user, apiKeyId: found.apiKeyId, scopes: new Set(found.scopes) }
      : null;
  }
  const token = readCookie(req, SESSION_COOKIE);
  if (!token) return null;
  const found = await validateSessionToken(db, token);
  return found ? { kind: "session", user: found.user, session: found.session, scopes: ALL_SCOPES } : null;
}

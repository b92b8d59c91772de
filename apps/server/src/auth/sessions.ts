import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { type Database, eq, prepared, schema, sql } from "@atelier/db";
import type { UserView } from "@atelier/shared";

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 30 * DAY;
/** A session used with less than this left is extended to a full TTL (sliding expiry). */
const RENEW_BELOW_MS = 15 * DAY;

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
}

/** 20 random bytes, base32 in the cookie; only hex(sha256(token)) is stored, so a leaked table holds no live tokens. */
export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(db: Database, token: string, userId: string): Promise<Session> {
  const session = { id: hashToken(token), userId, expiresAt: new Date(Date.now() + SESSION_TTL_MS) };
  await db.insert(schema.sessions).values(session);
  return session;
}

/** The session and its user, or null; expired sessions are deleted, nearly-expired ones extended. */
export async function validateSessionToken(
  db: Database,
  token: string,
): Promise<{ session: Session; user: UserView } | null> {
  const id = hashToken(token);
  const [row] = await prepared(db, "validateSession", (d) =>
    d
      .select({
        session: schema.sessions,
        user: {
          id: schema.users.id,
          email: schema.users.email,
          name: schema.users.name,
          isOperator: schema.users.isOperator,
        },
      })
      .from(schema.sessions)
      .innerJoin(schema.users, eq(schema.sessions.userId, schema.users.id))
      .where(eq(schema.sessions.id, sql.placeholder("id")))
      .prepare("validate_session"),
  ).execute({ id });
  if (!row) return null;
  const session: Session = { id, userId: row.session.userId, expiresAt: row.session.expiresAt };
  if (Date.now() >= session.expiresAt.getTime()) {
    await db.delete(schema.sessions).where(eq(schema.sessions.id, id));
    return null;
  }
  if (Date.now() >= session.expiresAt.getTime() - RENEW_BELOW_MS) {
    session.expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await db.update(schema.sessions).set({ expiresAt: session.expiresAt }).where(eq(schema.sessions.id, id));
  }
  return {
    session,
    user: { id: row.user.id, email: row.user.email, name: row.user.name, isOperator: row.user.isOperator },
  };
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(schema.sessions).where(eq(schema.sessions.id, sessionId));
}

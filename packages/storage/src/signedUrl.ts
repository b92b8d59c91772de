import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@atelier/shared";

export interface UploadClaims {
  method: "PUT";
  key: string;
  /** Unix seconds after which the URL stops working. */
  exp: number;
  contentType: string;
  contentLength: number;
}

export interface DownloadClaims {
  method: "GET";
  key: string;
  exp: number;
  filename?: string;
  contentType?: string;
}

export type SignedClaims = UploadClaims | DownloadClaims;

// A JSON array keeps fields unambiguous even when a filename contains separators.
function canonical(claims: SignedClaims): string {
  return claims.method === "PUT"
    ? JSON.stringify([
        "atelier-storage-v1",
        "PUT",
        claims.key,
        claims.exp,
        claims.contentType,
        claims.contentLength,
      ])
    : JSON.stringify([
        "atelier-storage-v1",
        "GET",
        claims.key,
        claims.exp,
        claims.filename ?? null,
        claims.contentType ?? null,
      ]);
}

function mac(secret: string, claims: SignedClaims): Buffer {
  return createHmac("sha256", secret).update(canonical(claims)).digest();
}

/** The query string (without `?`) that authorizes exactly these claims. */
export function signClaims(secret: string, claims: SignedClaims): string {
  const query = new URLSearchParams({ exp: String(claims.exp) });
  if (claims.method === "PUT") {
    query.set("ct", claims.contentType);
    query.set("len", String(claims.contentLength));
  } else {
    if (claims.filename !== undefined) query.set("fn", claims.filename);
    if (claims.contentType !== undefined) query.set("ct", claims.contentType);
  }
  query.set("sig", mac(secret, claims).toString("base64url"));
  return query.toString();
}

const badSignature = (key: string) =>
  new AppError("BAD_SIGNATURE", "This storage link is not valid. Ask the app for a new one.", { key });

function parseNonNegativeInt(raw: string | null): number | null {
  if (raw === null || !/^\d{1,15}$/.test(raw)) return null;
  return Number(raw);
}

/**
 * Checks the signature before the expiry, so a tampered `exp` reads as BAD_SIGNATURE
 * and only a genuine but stale link reads as URL_EXPIRED.
 */
export function verifyClaims(
  secret: string,
  method: "GET" | "PUT",
  key: string,
  query: URLSearchParams,
  nowSec: number,
): SignedClaims {
  const exp = parseNonNegativeInt(query.get("exp"));
  const sig = query.get("sig");
  if (exp === null || sig === null) throw badSignature(key);

  let claims: SignedClaims;
  if (method === "PUT") {
    const contentType = query.get("ct");
    const contentLength = parseNonNegativeInt(query.get("len"));
    if (contentType === null || contentLength === null) throw badSignature(key);
    claims = { method, key, exp, contentType, contentLength };
  } else {
    claims = { method, key, exp };
    const filename = query.get("fn");
    const contentType = query.get("ct");
    if (filename !== null) claims.filename = filename;
    if (contentType !== null) claims.contentType = contentType;
  }

  const given = Buffer.from(sig, "base64url");
  const expected = mac(secret, claims);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw badSignature(key);
  if (nowSec > exp) {
    throw new AppError("URL_EXPIRED", "This storage link has expired. Ask the app for a new one.", {
      key,
      expiredAt: new Date(exp * 1000).toISOString(),
    });
  }
  return claims;
}

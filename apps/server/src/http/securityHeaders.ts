/**
 * Headers every response of the server carries. The web app is built by Vite into external
 * scripts and stylesheets, so the policy allows no inline script at all; images and uploads may
 * also reach the object store's origins (S3 presigned URLs), and edit previews arrive as data: URLs.
 * `frame-ancestors 'none'` keeps the app out of other sites' frames (clickjacking).
 */
export function securityHeaders(options: { storageOrigins: readonly string[] }): Record<string, string> {
  const storage = options.storageOrigins.join(" ");
  const extra = storage ? ` ${storage}` : "";
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${extra}`,
    `connect-src 'self'${extra}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-security-policy": policy,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
  };
}

/** Where browsers fetch and PUT objects when storage is S3: the public endpoint (or AWS's) and its bucket host. */
export function s3Origins(s3: {
  bucket: string;
  region: string;
  endpoint?: string;
  publicEndpoint?: string;
  forcePathStyle: boolean;
}): string[] {
  const endpoint = s3.publicEndpoint ?? s3.endpoint;
  if (!endpoint) {
    return [`https://${s3.bucket}.s3.${s3.region}.amazonaws.com`, `https://s3.${s3.region}.amazonaws.com`];
  }
  const url = new URL(endpoint);
  if (s3.forcePathStyle) return [url.origin];
  return [url.origin, `${url.protocol}//${s3.bucket}.${url.host}`];
}

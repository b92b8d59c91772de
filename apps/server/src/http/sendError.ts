import type { ServerResponse } from "node:http";
import { type AppError, httpStatusOf } from "@atelier/shared";

/** Plain HTTP endpoints answer `{ "error": { code, message, details } }`. */
export function sendError(res: ServerResponse, error: AppError): void {
  if (res.headersSent) return void res.end();
  res.writeHead(httpStatusOf[error.code], { "content-type": "application/json" });
  res.end(JSON.stringify({ error: error.toJSON() }));
}

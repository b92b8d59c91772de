import { TRPCClientError } from "@trpc/client";

const unreachable = "Cannot reach the Atelier server. Check your connection and try again.";

/** The sentence to show a person for any failure of an API call. */
export function errorMessage(err: unknown): string {
  if (err instanceof TRPCClientError) {
    if (isNetworkFailure(err.cause ?? err)) return unreachable;
    return readableMessage(err.message);
  }
  if (isNetworkFailure(err)) return unreachable;
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong. Try again.";
}

/** Our AppError code (`data.appCode`) when the server sent one. */
export function errorCode(err: unknown): string | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data: unknown = err.data;
  if (data && typeof data === "object") {
    const record = data as Record<string, unknown>;
    if (typeof record.appCode === "string") return record.appCode;
    if (typeof record.code === "string") return record.code;
  }
  return undefined;
}

function isNetworkFailure(err: unknown): boolean {
  return err instanceof TypeError && /fetch|network/i.test(err.message);
}

// An input rejected by a zod schema the server did not wrap arrives as the JSON of its issues.
function readableMessage(message: string): string {
  if (!message.startsWith("[")) return message;
  try {
    const issues: unknown = JSON.parse(message);
    if (Array.isArray(issues)) {
      const texts = issues
        .map((issue) =>
          issue && typeof issue === "object" ? (issue as { message?: unknown }).message : null,
        )
        .filter((text): text is string => typeof text === "string");
      if (texts.length > 0) return texts.join(" ");
    }
  } catch {
    // Not JSON after all: show it as it came.
  }
  return message;
}

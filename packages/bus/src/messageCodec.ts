import { AppError } from "@atelier/shared";
import { z } from "zod";
import type { ClaimOptions, RequeueOptions, RetryOptions } from "./JobBus.ts";
import { type AttemptError, attemptErrorSchema, type BusMessage, busMessageSchema } from "./message.ts";

/** Validation and message rewrites both buses share, so they cannot drift apart. */

export function parseMessage(input: unknown): BusMessage {
  const result = busMessageSchema.safeParse(input);
  if (!result.success) {
    throw new AppError("VALIDATION_ERROR", "The job message is not valid.", {
      issues: z.treeifyError(result.error),
    });
  }
  return result.data;
}

/** Reads a message stored by the bus; undefined when the stored text is not a valid message. */
export function decodeMessage(json: string): BusMessage | undefined {
  try {
    const result = busMessageSchema.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

export function decodeErrors(json: string | undefined): AttemptError[] {
  if (!json) return [];
  try {
    const result = z.array(attemptErrorSchema).safeParse(JSON.parse(json));
    return result.success ? result.data : [];
  } catch {
    return [];
  }
}

const claimOptionsSchema = z.object({
  consumer: z.string().min(1).max(200),
  freeVramMb: z.number().min(0),
  max: z.number().int().min(0),
  blockMs: z.number().int().min(0),
});

export function parseClaimOptions(options: ClaimOptions): ClaimOptions {
  const result = claimOptionsSchema.safeParse(options);
  if (!result.success) {
    throw new AppError("VALIDATION_ERROR", "The claim options are not valid.", {
      issues: z.treeifyError(result.error),
    });
  }
  return result.data;
}

export function parseErrors(errors: AttemptError[]): AttemptError[] {
  const result = z.array(attemptErrorSchema).safeParse(errors);
  if (!result.success) {
    throw new AppError("VALIDATION_ERROR", "The dead-letter errors are not valid.", {
      issues: z.treeifyError(result.error),
    });
  }
  return result.data;
}

/** The message of the next attempt, with the failed attempt's error added to its history. */
export function retryMessage(message: BusMessage, options: RetryOptions): BusMessage {
  if (!Number.isInteger(options.delayMs) || options.delayMs < 0) {
    throw new AppError("VALIDATION_ERROR", "delayMs must be a whole number of milliseconds, 0 or more.", {
      delayMs: options.delayMs,
    });
  }
  const errors = options.error
    ? [
        ...(message.errors ?? []),
        {
          attempt: message.attempt,
          code: options.error.code,
          message: options.error.message,
          at: options.error.at ?? Date.now(),
        },
      ]
    : message.errors;
  return parseMessage({ ...message, attempt: options.attempt, ...(errors ? { errors } : {}) });
}

export function requeuedMessage(message: BusMessage, options: RequeueOptions): BusMessage {
  if (options.resetAttempt) {
    const { errors: _dropped, ...rest } = message;
    return { ...rest, attempt: 1 };
  }
  return parseMessage({ ...message, attempt: options.attempt ?? message.attempt + 1 });
}

import { z } from "zod";
import { id } from "./ids.ts";

/** Ids of plans and packs: short slugs (`free`, `pro`, `small`). */
export const planIdSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9-]+$/, "Use lowercase letters, digits and dashes.");

export const ledgerPageInput = z.object({
  orgId: id,
  /** The id of the last entry of the previous page; newest first. */
  before: z.number().int().positive().nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** A UTC calendar day, `2026-12-01`. */
export const isoDaySchema = z
  .string()
  .max(10, "Give a day as YYYY-MM-DD.")
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Give a day as YYYY-MM-DD.")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "That day does not exist.");

const DAY_MS = 86_400_000;

/**
 * Usage over whole UTC days, both ends included: `from`..`to`, or the last `days` days up to `to`
 * (today when left out). At most 366 days, so one answer stays small.
 */
export const usageInput = z
  .object({
    orgId: id,
    days: z.number().int().min(1).max(366).default(30),
    from: isoDaySchema.optional(),
    to: isoDaySchema.optional(),
  })
  .refine((u) => !u.from || !u.to || u.from <= u.to, {
    message: "The range starts after it ends; swap from and to.",
    path: ["from"],
  })
  .refine((u) => !u.from || !u.to || Date.parse(u.to) - Date.parse(u.from) < 366 * DAY_MS, {
    message: "Ask for at most 366 days at once.",
    path: ["to"],
  });

/** The first and last day (both included) a usage query covers, as `usageInput` defines them. */
export function usageRange(
  input: { days: number; from?: string | undefined; to?: string | undefined },
  now = new Date(),
): { from: string; to: string } {
  const to = input.to ?? now.toISOString().slice(0, 10);
  const from = input.from ?? new Date(Date.parse(to) - (input.days - 1) * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

/** Credits charged on one day for one preset by one member. */
export interface UsageRow {
  day: string;
  preset: string;
  member: string;
  credits: number;
}

export const grantInput = z.object({
  orgId: id,
  /** Positive grants, negative takes back (an adjustment). */
  credits: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((n) => n !== 0, "Grant a number of credits other than zero."),
  reason: z.string().trim().min(1, "Say why, for the ledger.").max(200),
});

export const planUpdateInput = z.object({
  id: planIdSchema,
  name: z.string().trim().min(1).max(60),
  monthlyCredits: z.number().int().min(0).max(100_000_000),
  priority: z.enum(["standard", "pro", "interactive"]),
  maxLiveJobs: z.number().int().min(1).max(100_000),
  maxOutputMegapixels: z.number().int().min(1).max(10_000),
  seats: z.number().int().min(1).max(100_000),
  priceCents: z.number().int().min(0).max(100_000_000),
  stripePriceId: z.string().max(100).nullish(),
});

export const packUpdateInput = z.object({
  id: planIdSchema,
  name: z.string().trim().min(1).max(60),
  credits: z.number().int().min(1).max(100_000_000),
  priceCents: z.number().int().min(1).max(100_000_000),
  active: z.boolean().default(true),
});

export const setPlanInput = z.object({ orgId: id, planId: planIdSchema });

export const checkoutInput = z
  .object({
    orgId: id,
    packId: planIdSchema.optional(),
    planId: planIdSchema.optional(),
  })
  .refine((c) => (c.packId === undefined) !== (c.planId === undefined), {
    message: "Choose either a credit pack or a plan.",
    path: ["packId"],
  });

export interface PlanView {
  id: string;
  name: string;
  monthlyCredits: number;
  priority: "standard" | "pro" | "interactive";
  maxLiveJobs: number;
  maxOutputMegapixels: number;
  seats: number;
  priceCents: number;
  stripePriceId: string | null;
}

export interface PackView {
  id: string;
  name: string;
  credits: number;
  priceCents: number;
  currency: string;
  active: boolean;
}

export interface LedgerEntryView {
  id: number;
  kind: string;
  amount: number;
  held: number;
  jobId: string | null;
  reason: string | null;
  userId: string | null;
  preset: string | null;
  paymentId: string | null;
  createdAt: string;
}

import { PRIORITY_CLASSES, type PriorityClass } from "@atelier/shared";
import { tiersFitting, type VramTier } from "./tiers.ts";

/**
 * The aging rule, shared by both buses. Each consumer counts its claim rounds (one per `claim`
 * call). A round is normally read highest class first: interactive, pro, standard, batch.
 * Every `agingEvery`-th round is an aging round: it starts with one lower class, cycling
 * batch, standard, pro, and then reads the others highest first. So while interactive work
 * keeps every slot busy, batch still gets the first pick in one round out of 3 × agingEvery,
 * and standard and pro likewise; an aging round whose class is empty falls through to the
 * normal order, so no slot idles.
 */
const AGED_STARTS: PriorityClass[] = ["batch", "standard", "pro"];

export function classOrderForRound(round: number, agingEvery: number): PriorityClass[] {
  if (agingEvery <= 0 || round % agingEvery !== 0) return [...PRIORITY_CLASSES];
  const agingRound = round / agingEvery;
  const first = AGED_STARTS[(agingRound - 1) % AGED_STARTS.length]!;
  return [first, ...PRIORITY_CLASSES.filter((c) => c !== first)];
}

/** The (class, tier) pairs a consumer reads this round, in order: class by the rule, then tier largest first. */
export function readOrder(
  round: number,
  agingEvery: number,
  freeVramMb: number,
): Array<{ priority: PriorityClass; tier: VramTier }> {
  const tiers = tiersFitting(freeVramMb);
  return classOrderForRound(round, agingEvery).flatMap((priority) =>
    tiers.map((tier) => ({ priority, tier })),
  );
}

/** Per-consumer round counters. */
export class RoundCounter {
  private readonly rounds = new Map<string, number>();

  next(consumer: string): number {
    const round = (this.rounds.get(consumer) ?? 0) + 1;
    this.rounds.set(consumer, round);
    return round;
  }
}

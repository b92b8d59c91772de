/**
 * The waiting jobs in front of one in-memory job stream: a list per organization and a ring of the
 * organizations that have any. `take` gives one job per organization in turn, as claim-35.lua does.
 */
export class FairQueue {
  private readonly waiting = new Map<string, { items: string[]; head: number }>();
  private ring: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get organizations(): number {
    return this.ring.length;
  }

  push(org: string, json: string): void {
    let list = this.waiting.get(org);
    if (!list) {
      list = { items: [], head: 0 };
      this.waiting.set(org, list);
      this.ring.push(org);
    }
    list.items.push(json);
    this.count += 1;
  }

  take(max: number): string[] {
    const out: string[] = [];
    while (out.length < max && this.ring.length > 0) {
      const org = this.ring.shift()!;
      const list = this.waiting.get(org)!;
      out.push(list.items[list.head++]!);
      this.count -= 1;
      if (list.head < list.items.length) {
        this.ring.push(org);
        if (list.head > 1024 && list.head * 2 > list.items.length) {
          list.items = list.items.slice(list.head);
          list.head = 0;
        }
      } else {
        this.waiting.delete(org);
      }
    }
    return out;
  }
}

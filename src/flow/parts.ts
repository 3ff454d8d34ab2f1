import type { CompiledModel } from "../model/compile.js";
import type { ItemTable } from "./items.js";
import type { Ring } from "./ring.js";

/**
 * Allocation at a stage: the rules for a stage whose servers are split into parts by `dedicated`
 * (compile.ts numbers the parts; each has its own queue per rank). The simulation asks two
 * questions, and starts the service itself: which server an arriving item takes, and which item a
 * freed server takes. Both answers are deterministic: no random number is spent on a choice.
 */
export class Parts {
  /** Servers busy in each part (all stages' parts, as numbered by compile.ts). */
  readonly busy: Float64Array;

  constructor(
    private readonly m: CompiledModel,
    private readonly queues: Ring[],
    private readonly items: ItemTable,
  ) {
    this.busy = new Float64Array(m.partServers.length);
  }

  /**
   * The part whose server an item arriving at stage s takes, counted busy (and the item's `part`
   * set); -1: it waits, and is in its own part's queue. An idle server of its own part first;
   * with borrow, else an idle server of another part, parts in order (the shared part, then the
   * dedicated ones as the model lists them).
   */
  enter(id: number, s: number): number {
    const m = this.m;
    const it = this.items;
    const own = m.streamPart[it.stream[id] * m.stageIds.length + s];
    let p = this.busy[own] < m.partServers[own] ? own : -1;
    if (p < 0 && m.borrow[s]) {
      const first = m.partStart[s];
      for (let o = first; o < first + m.partCount[s] && p < 0; o++) if (this.busy[o] < m.partServers[o]) p = o;
    }
    if (p < 0) {
      this.queues[m.partQueue[own] + (m.priorityPolicy[s] ? m.priorityRank[it.stream[id]] : 0)].push(id);
      return -1;
    }
    this.busy[p]++;
    it.part[id] = p;
    return p;
  }

  /**
   * The item a freed server of part p at stage s takes (out of its queue, its `part` set), or -1:
   * the server goes idle (counted so). Its own part's next item (highest rank first, oldest first
   * within a rank); with borrow, when its own part has none waiting, the item that has waited
   * longest at the stage among the other parts' next items (on equal waits, the earlier part).
   */
  next(s: number, p: number): number {
    const m = this.m;
    let q = this.nextIn(p);
    if (q === null && m.borrow[s]) {
      const entered = this.items.entered;
      const first = m.partStart[s];
      for (let o = first; o < first + m.partCount[s]; o++) {
        if (o === p) continue;
        const r = this.nextIn(o);
        if (r !== null && (q === null || entered[r.at(0)] < entered[q.at(0)])) q = r;
      }
    }
    if (q === null) {
      this.busy[p]--;
      return -1;
    }
    const id = q.shift();
    this.items.part[id] = p;
    return id;
  }

  /** Items waiting in the queues of stage s's parts. */
  waiting(s: number): number {
    const m = this.m;
    let n = 0;
    for (let p = m.partStart[s]; p < m.partStart[s] + m.partCount[s]; p++) {
      for (let r = 0; r < m.ranks; r++) n += this.queues[m.partQueue[p] + r].length;
    }
    return n;
  }

  /** The queue holding part p's next item (its highest non-empty rank), or null: none waiting. */
  private nextIn(p: number): Ring | null {
    const base = this.m.partQueue[p];
    for (let r = 0; r < this.m.ranks; r++) if (this.queues[base + r].length > 0) return this.queues[base + r];
    return null;
  }
}

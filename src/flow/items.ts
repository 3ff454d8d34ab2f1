/**
 * Work items in flight, as columns of typed arrays indexed by item id. Ids are recycled through
 * a free list, so memory follows the items in flight, not the length of the run.
 */
export class ItemTable {
  stream: Int32Array;
  route: Int32Array;
  pos: Int32Array;
  /** Bit b set: the item needs its stream's optional step b (drawn once, at arrival). */
  needs: Int32Array;
  parent: Int32Array; // -1 for an item; the parent item for a parallel branch
  pending: Int32Array; // branches still running while an item waits at a join
  arrived: Float64Array; // arrival in the system (a branch: when it forked)
  entered: Float64Array; // when it reached its current stage (gate or queue)
  touch: Float64Array; // process time received so far
  branchTouch: Float64Array; // longest branch's touch time at the current fork
  stage: Int32Array;
  /** The part of its stage whose server is serving the item (stages with dedicated servers only). */
  part: Int32Array;
  // The repeat pass an item is on (money: rework effort and its payroll): the stage whose rework
  // decision started it (-1: a first pass), the step whose completion ends it, and the share of a
  // drawn process time a repeat takes. `outer*`: the pass it was on when a nested one started.
  cause: Int32Array;
  causeStep: Int32Array;
  effort: Float64Array;
  outerCause: Int32Array;
  outerStep: Int32Array;
  outerEffort: Float64Array;

  // Keyed draws (engine/keyed.ts, flow/draws.ts): the item's key (a branch: its item's), and its
  // pass: how many rework decisions have sent it back (a branch starts on its item's; a join
  // takes the most any branch reached, so no step ever runs twice on one pass).
  key: Int32Array;
  pass: Int32Array;
  /** The keyed draw of the service an item waits for in a stage's queue, kept by the loop written
   * out per model (flow/specialize.ts: `drawWhenQueued`). */
  draw: Int32Array;

  private free: Int32Array;
  private nFree = 0;
  private next = 0;

  constructor(capacity = 1024) {
    this.key = new Int32Array(capacity);
    this.pass = new Int32Array(capacity);
    this.draw = new Int32Array(capacity);
    this.stream = new Int32Array(capacity);
    this.route = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
    this.needs = new Int32Array(capacity);
    this.parent = new Int32Array(capacity);
    this.pending = new Int32Array(capacity);
    this.arrived = new Float64Array(capacity);
    this.entered = new Float64Array(capacity);
    this.touch = new Float64Array(capacity);
    this.branchTouch = new Float64Array(capacity);
    this.stage = new Int32Array(capacity);
    this.part = new Int32Array(capacity);
    this.cause = new Int32Array(capacity);
    this.causeStep = new Int32Array(capacity);
    this.effort = new Float64Array(capacity);
    this.outerCause = new Int32Array(capacity);
    this.outerStep = new Int32Array(capacity);
    this.outerEffort = new Float64Array(capacity);
    this.free = new Int32Array(capacity);
  }

  alloc(): number {
    if (this.nFree > 0) return this.free[--this.nFree];
    if (this.next === this.stream.length) this.grow();
    return this.next++;
  }

  release(id: number): void {
    this.free[this.nFree++] = id;
  }

  /** The ids in use now, in increasing order (a scan, for bookkeeping outside the event loop). */
  liveIds(): number[] {
    const free = new Uint8Array(this.next);
    for (let i = 0; i < this.nFree; i++) free[this.free[i]] = 1;
    const live: number[] = [];
    for (let id = 0; id < this.next; id++) if (free[id] === 0) live.push(id);
    return live;
  }

  private grow(): void {
    const c = this.stream.length * 2;
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(c);
      b.set(a);
      return b;
    };
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    this.stream = g32(this.stream);
    this.route = g32(this.route);
    this.pos = g32(this.pos);
    this.needs = g32(this.needs);
    this.parent = g32(this.parent);
    this.pending = g32(this.pending);
    this.stage = g32(this.stage);
    this.part = g32(this.part);
    this.cause = g32(this.cause);
    this.causeStep = g32(this.causeStep);
    this.outerCause = g32(this.outerCause);
    this.outerStep = g32(this.outerStep);
    this.effort = g64(this.effort);
    this.outerEffort = g64(this.outerEffort);
    this.free = g32(this.free);
    this.key = g32(this.key);
    this.pass = g32(this.pass);
    this.draw = g32(this.draw);
    this.arrived = g64(this.arrived);
    this.entered = g64(this.entered);
    this.touch = g64(this.touch);
    this.branchTouch = g64(this.branchTouch);
  }
}

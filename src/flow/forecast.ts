import type { CompiledModel } from "../model/compile.js";
import { Simulation, type SimulationOptions } from "./simulation.js";

/**
 * A replication that answers "when is today's work done?": the items in progress at time 0 (the
 * model's wip, a backlog among them) are tracked, and the replication stops when the last of them
 * leaves. New work keeps arriving meanwhile and competes for the same servers.
 */
export class ForecastSimulation extends Simulation {
  private readonly tracked = new Set<number>();
  /** When the last tracked item was done; NaN if it was not by the model's end (or the run went unstable). */
  doneAt = NaN;

  constructor(m: CompiledModel, seed: number, replication: number, options: SimulationOptions = {}) {
    super(m, seed, replication, { ...options, loop: "general" });
  }

  protected override begin(): void {
    super.begin();
    // Only today's work is in the system before the first event.
    for (const id of this.items.liveIds()) if (this.items.parent[id] < 0) this.tracked.add(id);
  }

  protected override finish(id: number): void {
    if (this.items.parent[id] < 0 && this.tracked.delete(id) && this.tracked.size === 0) {
      this.doneAt = this.now;
      // The loop's one way out after an event: stop here (result() is not read for a forecast).
      this.unstable = { stage: "", time: this.now, wip: 0, waiting: 0 };
    }
    super.finish(id);
  }

  /** Runs the replication; the time the tracked work was done (NaN: not by the end). */
  forecast(): number {
    if (this.m.wip.stream.length === 0) return 0;
    this.run();
    return this.doneAt;
  }
}

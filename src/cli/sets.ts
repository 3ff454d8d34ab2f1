import type { SetApplied } from "../index.js";
import { safeText } from "../report/format.js";

/**
 * What each `--set` of a comparison changed, one line each: it changes the base too, and a stage
 * only some models have is set only there, so the user is told rather than left to guess.
 * `sources[0]` is the base, the others the scenarios.
 */
export function setLines(sets: readonly SetApplied[], sources: readonly string[]): string[] {
  const name = (i: number) => (i === 0 ? `base (${sources[0]})` : sources[i]);
  const list = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);
  return sets.map(({ assignment, models, target }) => {
    const scenarios = models.filter((i) => i > 0).length;
    let where: string;
    if (models.length === sources.length) {
      where = `on base (${sources[0]}) and ${scenarios} scenario${scenarios === 1 ? "" : "s"}`;
    } else {
      const off = sources.map((_, i) => i).filter((i) => !models.includes(i));
      const lacks = target ? ` ${off.length === 1 ? "has" : "have"} no ${target.kind} "${target.id}"` : " do not have it";
      where = `on ${list(models.map(name))} only: ${list(off.map(name))}${lacks}`;
    }
    return safeText(`set ${assignment} ${where}`);
  });
}

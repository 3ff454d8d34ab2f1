/**
 * The points no other point beats on both criteria (lower is better on each): j beats i when it is
 * no worse on both and better on one. A point with a criterion that is not a number is never on the
 * front and beats nothing. O(n^2), fine for the few hundred points a sweep runs.
 */
export function paretoFront(points: readonly { cost: number; leadTime: number }[]): boolean[] {
  const ok = (p: { cost: number; leadTime: number }) => Number.isFinite(p.cost) && Number.isFinite(p.leadTime);
  return points.map((p, i) => {
    if (!ok(p)) return false;
    return !points.some((q, j) => j !== i && ok(q) && q.cost <= p.cost && q.leadTime <= p.leadTime && (q.cost < p.cost || q.leadTime < p.leadTime));
  });
}

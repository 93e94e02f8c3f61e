/**
 * At most `maxPoints` entries, evenly spaced, always keeping the first and
 * the last. A figure stores every point twice in a notebook (Plotly JSON and
 * HTML), so a 10,000-step run is worth thinning before it is plotted.
 */
export function thinHistory<E>(history: readonly E[], maxPoints: number): E[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new Error(`thinHistory: maxPoints must be a whole number of at least 2, got ${maxPoints}`);
  if (history.length <= maxPoints) return [...history];
  const last = history.length - 1;
  const picked = new Set<number>();
  for (let i = 0; i < maxPoints; i++) picked.add(Math.round((i * last) / (maxPoints - 1)));
  return [...picked].sort((a, b) => a - b).map((index) => history[index] as E);
}

/** node:path for the browser bundle: only join, for the fast path's thread script name (never loaded in the page). */
export function join(...parts: string[]): string {
  return parts.join("/");
}

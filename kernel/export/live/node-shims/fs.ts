/** node:fs for the browser bundle: the engine only asks whether its thread script exists, which the page never needs. */
export function existsSync(): boolean {
  return false;
}

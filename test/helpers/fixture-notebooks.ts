import { cpSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";

/** The small notebooks the runner and harness tests execute on real kernels. */
export const FIXTURE_NOTEBOOKS = resolve(__dirname, "../fixtures/notebooks");

/**
 * A fresh copy of the fixture notebooks inside the repository (not /tmp): the
 * kernel starts in the notebook's folder and must find the project's
 * node_modules above it. The `.runner-` prefix is git-ignored; the caller
 * removes the folder.
 */
export function copyFixtureNotebooks(label: string): string {
  const work = mkdtempSync(join(FIXTURE_NOTEBOOKS, "..", `.runner-${label}-`));
  cpSync(FIXTURE_NOTEBOOKS, work, { recursive: true });
  return work;
}

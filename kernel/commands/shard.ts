import { relative } from "node:path";
import { UsageError } from "./args";

/** The i-th of n shares of a list of notebooks (1-based, as vitest and Playwright number them). */
export interface Shard {
  index: number;
  count: number;
}

/** `--shard 2/3` read strictly: whole numbers, 1 <= i <= n; anything else is one line naming the flag. */
export function parseShard(text: string | undefined, flag = "--shard"): Shard | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} wants i/n (the i-th of n shares, e.g. 1/4), got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new UsageError(`${flag} ${text}: n must be at least 1`);
  if (index < 1 || index > count) throw new UsageError(`${flag} ${text}: i must be between 1 and ${count}`);
  return { index, count };
}

/**
 * The notebooks of one share: all of them sorted by path (relative to the
 * working folder, so every machine of a CI matrix sorts alike), then cut into
 * n runs as even as can be (sizes differ by at most one, as Playwright cuts
 * them). Every notebook is in exactly one share; with more shares than
 * notebooks, some shares are empty.
 */
export function shareOf(files: string[], shard: Shard, cwd = process.cwd()): string[] {
  const sorted = [...files].sort((a, b) => compare(relative(cwd, a), relative(cwd, b)));
  const start = Math.floor(((shard.index - 1) * sorted.length) / shard.count);
  const end = Math.floor((shard.index * sorted.length) / shard.count);
  return sorted.slice(start, end);
}

/** By code unit, not by locale: the same order on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The line a sharded command prints, so a CI log says which part of the course it checked. */
export function describeShare(shard: Shard, share: string[], total: number): string {
  const where = `shard ${shard.index}/${shard.count}`;
  if (share.length === 0) return `${where}: no notebooks in this share (${total} notebooks over ${shard.count} shares), nothing to do`;
  return `${where}: ${share.length} of ${total} notebooks (${share.map((file) => relative(process.cwd(), file) || file).join(", ")})`;
}

/**
 * What `run` and `test` do with `--shard`: the notebooks of the share (all of
 * them without the flag), its line printed. An empty share is no error: a
 * matrix wider than the course still passes.
 */
export function chooseShare(files: string[], shard: Shard | undefined): string[] {
  if (!shard) return files;
  const share = shareOf(files, shard);
  console.log(describeShare(shard, share, files.length));
  return share;
}

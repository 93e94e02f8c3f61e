import { promises as fs } from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";

/** Sizes of a built site, measured on disk after it is written. */
export interface SiteMeasure {
  totalBytes: number;
  fileCount: number;
  largestPage: { file: string; bytes: number };
  /** Files (relative paths) that contain a copy of plotly.js's code. */
  plotlyCopies: string[];
  /** What the live cells add, shared by every page: their scripts' bytes on disk and gzipped (as a server or a zip sends them). */
  live: { files: string[]; bytes: number; gzippedBytes: number };
}

/** The live cells' scripts (assets.ts writes them). */
const LIVE_SCRIPT = /^assets\/live-[^/]+\.js$/;

/** Every file under `dir` (symlinks included, folders walked), as sorted paths relative to `base`. */
export async function walk(dir: string, base = dir): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name), base) : Promise.resolve([path.relative(base, path.join(dir, e.name))]))),
  );
  return nested.flat().sort();
}

/** Walks the site: total size, the largest HTML page, and every file holding `plotlySignature`. */
export async function measureSite(site: string, plotlySignature: string): Promise<SiteMeasure> {
  const files = await walk(site);
  let totalBytes = 0;
  let largestPage = { file: "", bytes: -1 };
  const plotlyCopies: string[] = [];
  const live = { files: [] as string[], bytes: 0, gzippedBytes: 0 };
  for (const file of files) {
    const content = await fs.readFile(path.join(site, file));
    totalBytes += content.length;
    if (LIVE_SCRIPT.test(file.split(path.sep).join("/"))) {
      live.files.push(file);
      live.bytes += content.length;
      live.gzippedBytes += gzipSync(content, { level: 9 }).length;
    }
    if (file.endsWith(".html") && content.length > largestPage.bytes) largestPage = { file, bytes: content.length };
    if (/\.(html|js)$/.test(file) && content.includes(plotlySignature)) plotlyCopies.push(file);
  }
  return { totalBytes, fileCount: files.length, largestPage, plotlyCopies, live };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

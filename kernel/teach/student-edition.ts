import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { describeSite, exportSite, type ExportOptions, type SiteReport } from "../export/site";
import { readNotebook, writeNotebook } from "../notebook/nbformat";
import { findLeaks, type Leak } from "./leaks";
import { secretLines, studentNotebook } from "./solutions";

/**
 * `gradient-lab export --student`: the course without its answers, as
 * notebooks (DIR/notebooks, to run) and as a site (DIR/site, to read).
 * Before it reports success it reads back every file it wrote and looks for
 * every solution line; a leak removes the edition and fails the export.
 */

export interface StudentEditionOptions extends Pick<ExportOptions, "code" | "title" | "intro"> {
  /** The teacher's notebooks, with solutions and stored outputs. */
  notebooks: string[];
  out: string;
}

export interface StudentEdition {
  out: string;
  notebooks: string[];
  site: SiteReport;
  /** Solution lines searched for (and not found) in every file written. */
  secretCount: number;
}

const EDITION_MARKER = ".gradient-lab-student";

/** Only an empty folder or an earlier edition is replaced, never someone's files. */
async function clearEdition(out: string): Promise<void> {
  const existing = await readdir(out).catch(() => [] as string[]);
  if (existing.length > 0 && !existing.includes(EDITION_MARKER)) {
    throw new Error(`${out} already exists and is not a student edition (no ${EDITION_MARKER}); choose another --out or empty it`);
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, "notebooks"), { recursive: true });
  await writeFile(join(out, EDITION_MARKER), "Made by `gradient-lab export --student`; the next export replaces this folder.\n");
}

export class SolutionLeakError extends Error {
  constructor(readonly leaks: Leak[]) {
    super(`a solution line reached the student edition: ${leaks[0]!.file} holds "${leaks[0]!.line}"${leaks.length > 1 ? ` (and ${leaks.length - 1} more)` : ""}; nothing was kept`);
  }
}

export async function exportStudentEdition(options: StudentEditionOptions): Promise<StudentEdition> {
  const out = resolve(options.out);
  // Every notebook is read and checked before anything is written: a bad marker costs nothing.
  const editions = [];
  const secrets = new Set<string>();
  for (const file of options.notebooks) {
    const teacher = await readNotebook(file);
    editions.push({ name: basename(file), notebook: studentNotebook(teacher, file) });
    for (const line of secretLines(teacher, file)) secrets.add(line);
  }
  await clearEdition(out);
  const written: string[] = [];
  for (const { name, notebook } of editions) {
    const target = join(out, "notebooks", name);
    await writeNotebook(target, notebook);
    written.push(target);
  }
  const site = await exportSite({ from: join(out, "notebooks"), out: join(out, "site"), code: options.code, title: options.title ?? "gradient-lab course (student edition)", intro: options.intro });
  const leaks = await findLeaks(out, [...secrets]);
  if (leaks.length > 0) {
    await rm(out, { recursive: true, force: true });
    throw new SolutionLeakError(leaks);
  }
  return { out, notebooks: written, site, secretCount: secrets.size };
}

/** The lines the export command prints. */
export function describeStudentEdition(edition: StudentEdition): string {
  return [
    `student edition: ${edition.out} (${edition.notebooks.length} notebooks in notebooks/, their site in site/)`,
    describeSite(edition.site),
    `no solution text in any file (${edition.secretCount} solution lines searched for)`,
  ].join("\n");
}

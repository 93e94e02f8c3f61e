import { readFile } from "node:fs/promises";
import { cacheFolder } from "../cache/cache-folder";
import { PageCache } from "../cache/page-cache";
import { SiteCache } from "../cache/site-cache";
import type { CodeMode } from "../export/site";
import { listNotebooks } from "../notebook/nbformat";

const USAGE = `usage: gradient-lab export --html [--out site/] [--from build/notebooks] [--hide-code|--fold-code] [--title TEXT] [--intro FILE.md] [--trust-marked] [--force]
       gradient-lab export --nbconvert NOTEBOOK.ipynb [--out DIR] [--classic]
       gradient-lab export --student [--out student/] [--from notebooks/] [--hide-code|--fold-code] [--title TEXT] [--intro FILE.md]

--html          a static course site from the executed notebooks (works from file://)
--intro         a Markdown file shown above the chapter list on the site's index (npm start uses notebooks/README.md)
--trust-marked  do not sanitize notebooks whose metadata has "gradient-lab": {"trusted": true}
--force         rebuild the site even when its inputs are unchanged since the last export (which is then skipped)
--nbconvert     jupyter nbconvert --to html with plotly.js inlined once, so the plots work offline
--student       the course without its solutions: DIR/notebooks (each solution a "not done yet" error) and DIR/site`;

interface Parsed {
  mode?: "html" | "nbconvert" | "student";
  notebook?: string;
  out?: string;
  from?: string;
  code: CodeMode;
  title?: string;
  /** A Markdown file shown at the top of the site's index. */
  intro?: string;
  trustMarked: boolean;
  classic: boolean;
  force: boolean;
}

function parse(argv: string[]): Parsed {
  const parsed: Parsed = { code: "show", trustMarked: false, classic: false, force: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case "--html": parsed.mode = "html"; break;
      case "--student": parsed.mode = "student"; break;
      case "--nbconvert": parsed.mode = "nbconvert"; parsed.notebook = value(i++, arg); break;
      case "--out": parsed.out = value(i++, arg); break;
      case "--from": parsed.from = value(i++, arg); break;
      case "--title": parsed.title = value(i++, arg); break;
      case "--intro": parsed.intro = value(i++, arg); break;
      case "--hide-code": parsed.code = "hide"; break;
      case "--fold-code": parsed.code = "fold"; break;
      case "--trust-marked": parsed.trustMarked = true; break;
      case "--classic": parsed.classic = true; break;
      case "--force": parsed.force = true; break;
      default: throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return parsed;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  let args: Parsed;
  try {
    args = parse(argv);
    if (!args.mode) throw new Error("say what to export: --html, --student or --nbconvert NOTEBOOK");
  } catch (err) {
    console.error(`gradient-lab export: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    // Each mode loads its renderers only when chosen: an unchanged site is skipped without loading KaTeX and friends.
    if (args.mode === "nbconvert") {
      const { exportNbconvert } = await import("../export/nbconvert");
      const html = await exportNbconvert({ notebook: args.notebook!, outDir: args.out, template: args.classic ? "classic" : "lab" });
      console.log(`wrote ${html} (plotly.js inlined once)`);
      return 0;
    }
    if (args.mode === "student") {
      const { describeStudentEdition, exportStudentEdition } = await import("../teach/student-edition");
      const intro = args.intro === undefined ? undefined : await readIntro(args.intro);
      const edition = await exportStudentEdition({ notebooks: await listNotebooks(args.from ?? "notebooks"), out: args.out ?? "student", code: args.code, title: args.title, intro });
      console.log(describeStudentEdition(edition));
      return 0;
    }
    const intro = args.intro === undefined ? undefined : await readIntro(args.intro);
    const request = { from: args.from ?? "build/notebooks", out: args.out ?? "site", code: args.code, title: args.title, intro, trustMarked: args.trustMarked };
    const cache = new SiteCache({ folder: cacheFolder() });
    const key = await cache.keyFor(request);
    const previous = key && !args.force ? await cache.unchanged(key, request.out) : undefined;
    if (previous !== undefined) {
      console.log(`${previous}\nsite unchanged: same executed notebooks, options and export build as the last export; not rebuilt (--force rebuilds)`);
      return 0;
    }
    const { describeSite, exportSite } = await import("../export/site");
    const report = await exportSite({ ...request, pageCache: args.force ? undefined : new PageCache({ folder: cacheFolder() }) });
    const summary = describeSite(report);
    console.log(summary);
    for (const problem of report.skipped) console.error(`gradient-lab export: skipped ${problem}`);
    if (report.skipped.length > 0) return 1;
    if (key) await cache.store(key, request.out, summary);
    return 0;
  } catch (err) {
    console.error(`gradient-lab export: ${(err as Error).message}`);
    return 1;
  }
}

/** The index page's introduction, or an error that names the file. */
async function readIntro(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new Error(`--intro ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
}

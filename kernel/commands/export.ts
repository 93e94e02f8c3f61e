import { exportNbconvert } from "../export/nbconvert";
import { describeSite, exportSite, type CodeMode } from "../export/site";
import { listNotebooks } from "../runner";
import { describeStudentEdition, exportStudentEdition } from "../teach/student-edition";

const USAGE = `usage: gradient-lab export --html [--out site/] [--from build/notebooks] [--hide-code|--fold-code] [--title TEXT] [--trust-marked]
       gradient-lab export --nbconvert NOTEBOOK.ipynb [--out DIR] [--classic]
       gradient-lab export --student [--out student/] [--from notebooks/] [--hide-code|--fold-code] [--title TEXT]

--html          a static course site from the executed notebooks (works from file://)
--trust-marked  do not sanitize notebooks whose metadata has "gradient-lab": {"trusted": true}
--nbconvert     jupyter nbconvert --to html with plotly.js inlined once, so the plots work offline
--student       the course without its solutions: DIR/notebooks (each solution a "not done yet" error) and DIR/site`;

interface Parsed {
  mode?: "html" | "nbconvert" | "student";
  notebook?: string;
  out?: string;
  from?: string;
  code: CodeMode;
  title?: string;
  trustMarked: boolean;
  classic: boolean;
}

function parse(argv: string[]): Parsed {
  const parsed: Parsed = { code: "show", trustMarked: false, classic: false };
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
      case "--hide-code": parsed.code = "hide"; break;
      case "--fold-code": parsed.code = "fold"; break;
      case "--trust-marked": parsed.trustMarked = true; break;
      case "--classic": parsed.classic = true; break;
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
    if (args.mode === "nbconvert") {
      const html = await exportNbconvert({ notebook: args.notebook!, outDir: args.out, template: args.classic ? "classic" : "lab" });
      console.log(`wrote ${html} (plotly.js inlined once)`);
      return 0;
    }
    if (args.mode === "student") {
      const edition = await exportStudentEdition({ notebooks: await listNotebooks(args.from ?? "notebooks"), out: args.out ?? "student", code: args.code, title: args.title });
      console.log(describeStudentEdition(edition));
      return 0;
    }
    const report = await exportSite({ from: args.from ?? "build/notebooks", out: args.out ?? "site", code: args.code, title: args.title, trustMarked: args.trustMarked });
    console.log(describeSite(report));
    return 0;
  } catch (err) {
    console.error(`gradient-lab export: ${(err as Error).message}`);
    return 1;
  }
}

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * README.md's first example is what a reader copies first, so it must
 * type-check and print what the worked 2-2-1 example says (H3 = 0.5, loss
 * 0.25, W53 -> 0.995, exactly 199/200). The test runs the block exactly as
 * the README shows it, against the built package (dist/, as `npm test` builds
 * it first).
 */
const repo = resolve(__dirname, "..", "..");
const README = join(repo, "README.md");

/** The ```ts block that imports from "gradient-lab" and prints (the runnable example), and the README line its code starts on. */
function readmeExample(): { code: string; firstLine: number } {
  const readme = readFileSync(README, "utf8");
  const blocks = [...readme.matchAll(/^```ts[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm)].map((match) => ({
    code: match[1]!,
    firstLine: readme.slice(0, match.index).split("\n").length + 1,
  }));
  const examples = blocks.filter(({ code }) => /^import\s[^;]*\sfrom\s+"gradient-lab";/m.test(code) && /\bconsole\.log\(/.test(code));
  if (examples.length !== 1) {
    throw new Error(
      `README.md must have exactly one \`\`\`ts block that imports from "gradient-lab" and prints with console.log (the first example); found ${examples.length}`,
    );
  }
  return examples[0]!;
}

/** What the README's example prints for the seed network, input (1, 0), target 2, learning rate 0.01. */
const EXPECTED_OUTPUT = [
  String.raw`Z_{3} = X_{1} \cdot W_{31} + X_{2} \cdot W_{32} + b_{3} = (1 \cdot 0.5) + (0 \cdot 0.5) + 0 = 0.5`,
  "0.25",
  "| parameter | old | learning rate | gradient | new |",
  "| --- | --- | --- | --- | --- |",
  "| W31 | 0.5 | 0.01 | 1 | 0.49 |",
  "| W32 | 0.5 | 0.01 | 0 | 0.5 |",
  "| b3 | 0 | 0.01 | 1 | -0.01 |",
  "| W41 | 1 | 0.01 | 1 | 0.99 |",
  "| W42 | 1 | 0.01 | 0 | 1 |",
  "| b4 | 0.5 | 0.01 | 1 | 0.49 |",
  "| W53 | 1 | 0.01 | 0.5 | 0.995 |",
  "| W54 | 1 | 0.01 | 1.5 | 0.985 |",
  "| b5 | 0.5 | 0.01 | 1 | 0.49 |",
  "199/200",
];

/** Inside the repository, so that `gradient-lab` resolves to this package (node_modules/gradient-lab -> ..). */
let dir: string | undefined;
let firstLine = 1;
let tsFile = "";
let jsFile = "";

beforeAll(() => {
  const { code: source, firstLine: line } = readmeExample();
  firstLine = line;
  dir = mkdtempSync(join(__dirname, "..", "fixtures", ".readme-"));
  tsFile = join(dir, "example.ts");
  jsFile = join(dir, "example.js");
  writeFileSync(tsFile, source);
  const { outputText } = ts.transpileModule(source, {
    fileName: tsFile,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  writeFileSync(jsFile, outputText);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("README.md's first example", () => {
  it("runs on the built package and prints the worked example's numbers", () => {
    const result = spawnSync(process.execPath, [jsFile], { cwd: repo, encoding: "utf8", timeout: 60_000 });
    expect(result.error, "starting node").toBeUndefined();
    expect(result.stderr, "the example's stderr").toBe("");
    expect(result.status, "the example's exit status").toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines, "what README.md's example prints").toEqual(EXPECTED_OUTPUT);
    // The numbers the README's prose and comments promise, named, so a failure says which one moved.
    expect(lines[0]).toMatch(/= 0\.5$/); // Z3, and H3 = 0.5
    expect(lines[1]).toBe("0.25"); // loss
    expect(lines).toContain("| W53 | 1 | 0.01 | 0.5 | 0.995 |"); // W53 -> 0.995
    expect(lines.at(-1)).toBe("199/200"); // W53 exactly
  });

  it("type-checks under the project's strict options, with no diagnostics", () => {
    // tsconfig.json itself, so the example is held to whatever the project compiles with; only the emit is off.
    const config = ts.readConfigFile(join(repo, "tsconfig.json"), ts.sys.readFile);
    expect(config.error, "tsconfig.json").toBeUndefined();
    const { options, errors } = ts.parseJsonConfigFileContent(config.config, ts.sys, repo, { noEmit: true, incremental: false, tsBuildInfoFile: undefined });
    expect(options.strict, "tsconfig.json's strict").toBe(true);
    expect(errors, "compiler options").toEqual([]);
    const program = ts.createProgram([tsFile], options);
    // The example must type against the package's own declarations, not some other copy.
    const resolved = program.getSourceFiles().map((file) => file.fileName);
    expect(resolved).toContain(join(repo, "dist", "src", "index.d.ts"));
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const messages = diagnostics.map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${text}`;
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const where = diagnostic.file.fileName === tsFile ? `README.md:${firstLine + line}:${character + 1}` : `${diagnostic.file.fileName}:${line + 1}:${character + 1}`;
      return `${where}: TS${diagnostic.code}: ${text}`;
    });
    expect(messages, "TypeScript's diagnostics").toEqual([]);
  });
});

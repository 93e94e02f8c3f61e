import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kernel } from "../kernel/kernel";
import { kernelSpec } from "../kernel/kernelspec";
import { buildKernelSnapshot, usableSnapshot } from "../kernel/tslab/kernel-snapshot";
import { restoredTypescript } from "../kernel/tslab/snapshot-entry";
import type { JupyterMessage } from "../kernel/wire/message";

/**
 * The kernel's start-up snapshot (kernel/tslab/kernel-snapshot.ts,
 * snapshot-entry.ts): built from dist/ (npm run build first), a kernel
 * restored from it compiles and type-checks cells as one started the usual
 * way, a declaration changed after the build is read anew, and a missing or
 * partial blob is never named by a kernelspec.
 */
const TIMEOUT_MS = 300_000;
const ROOT = resolve(__dirname, "..");
const folders: string[] = [];
const temporaryFolder = (name: string) => {
  const folder = mkdtempSync(join(tmpdir(), `gradient-lab-snapshot-${name}-`));
  folders.push(folder);
  return folder;
};

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Runs cells on a kernel started from `blob` in `cwd`; returns each cell's reply and text, and the kernel's logged start stages. */
async function runCells(blob: string, cwd: string, cells: string[]): Promise<{ replies: { status: unknown; ename?: unknown; evalue?: unknown; traceback?: string[]; text: string }[]; stages: string }> {
  const timing = join(temporaryFolder("timing"), "stages.txt");
  const spec = kernelSpec({ snapshot: blob });
  expect(spec.argv.slice(1, 3)).toEqual(["--snapshot-blob", blob]);
  const kernel = await Kernel.start({ spec, cwd, env: { ...process.env, GRADIENT_LAB_KERNEL_TIMING: timing } });
  try {
    const replies = [];
    for (const code of cells) {
      const text: string[] = [];
      const onOutput = (message: JupyterMessage) => {
        const content = message.content as { text?: string; data?: Record<string, string> };
        if (message.header.msg_type === "stream") text.push(content.text ?? "");
        if (message.header.msg_type === "execute_result") text.push(content.data?.["text/plain"] ?? "");
      };
      const reply = await kernel.execute(code, onOutput, TIMEOUT_MS);
      const content = reply.content as { status: unknown; ename?: unknown; evalue?: unknown; traceback?: string[] };
      replies.push({ status: content.status, ename: content.ename, evalue: content.evalue, traceback: content.traceback, text: text.join("") });
    }
    return { replies, stages: readFileSync(timing, "utf8") };
  } finally {
    await kernel.shutdown();
  }
}

describe("the kernel's start-up snapshot", () => {
  /** One blob for the course's notebooks/, built once (seconds of CPU) for the tests that do not change what it is built from. */
  let courseBlob: string;
  beforeAll(async () => {
    courseBlob = await buildKernelSnapshot({ cache: temporaryFolder("cache") });
  }, TIMEOUT_MS);

  it("restores a kernel that imports the engine, runs cells and still reports type errors", async () => {
    const blob = courseBlob;
    expect(usableSnapshot({ cache: join(blob, "..") })).toBe(blob);
    const { replies, stages } = await runCells(blob, join(ROOT, "notebooks"), [
      'import { seedNetwork, traceStep } from "gradient-lab";\nconsole.log(traceStep(seedNetwork(), { input: [1, 0], target: [2], learningRate: 0.01 }).loss.value);',
      'const wrong: number = "text";',
      "wrong",
      'const layers = 3;\nthrow new RangeError(`no layer ${layers + 1}`);',
      'function deeper(depth: number): number {\n  if (depth === 0) throw new RangeError("at the bottom");\n  return deeper(depth - 1);\n}\ndeeper(3);',
    ]);
    expect(stages).toMatch(/typescript restored from the snapshot \(\d+ declaration files parsed\)/);
    // The first program's declarations came parsed from the snapshot (the standard library and @types/node: well over 100 files);
    // parsed anew: only the file of the cells' own declarations, which changes with every cell.
    const [, fromSnapshot, parsedAnew] = /standard library checked \((\d+) declaration files from the snapshot, (\d+) parsed anew\)/.exec(stages) ?? [];
    expect(Number(fromSnapshot)).toBeGreaterThan(100);
    expect(Number(parsedAnew)).toBeLessThan(Number(fromSnapshot) / 10);
    expect(replies[0]).toMatchObject({ status: "ok", text: "0.25\n" });
    expect(replies[1]).toMatchObject({ status: "error", ename: "TSError", evalue: "TS2322: Type 'string' is not assignable to type 'number'." });
    // The type error stopped the cell before it ran: nothing was declared.
    expect(replies[2]).toMatchObject({ status: "error", ename: "TSError", evalue: "TS2304: Cannot find name 'wrong'." });
    // A restored kernel's errors have stacks (Node drops Error.stackTraceLimit while it builds a snapshot), so the traceback names the cell's line.
    expect(replies[3]).toMatchObject({ status: "error", ename: "RangeError", evalue: "no layer 4" });
    expect(replies[3]?.traceback?.join("\n")).toMatch(/Cell In\[\d+\], line 2\n {6}1 const layers = 3;\n----> 2 throw new RangeError/);
    // An error deep in a call: every frame named by its cell line, the call first, the throw last.
    const deep = replies[4]?.traceback?.join("\n") ?? "";
    expect(replies[4]).toMatchObject({ status: "error", ename: "RangeError", evalue: "at the bottom" });
    expect(deep).toMatch(/Cell In\[\d+\], line 5\n/);
    expect(deep).toMatch(/Cell In\[\d+\], line 2, in deeper\n/);
    expect(deep.indexOf("line 5")).toBeLessThan(deep.lastIndexOf("line 2, in deeper"));
  }, TIMEOUT_MS);

  it("reads a declaration changed after the snapshot was built anew, never the parsed copy", async () => {
    // A project of its own whose "gradient-lab" is a one-line package, so its declaration can be edited.
    const project = temporaryFolder("project");
    const library = join(project, "node_modules", "gradient-lab");
    mkdirSync(library, { recursive: true });
    writeFileSync(join(project, "package.json"), '{ "name": "snapshot-test", "private": true }\n');
    writeFileSync(join(library, "package.json"), '{ "name": "gradient-lab", "main": "index.js", "types": "index.d.ts" }\n');
    writeFileSync(join(library, "index.d.ts"), "export declare const answer: number;\n");
    writeFileSync(join(library, "index.js"), "exports.answer = 42;\n");
    const blob = await buildKernelSnapshot({ folder: project, cache: temporaryFolder("cache") });
    const cell = 'import { answer } from "gradient-lab";\nconst shown: string = answer;\nshown';

    const before = await runCells(blob, project, [cell]);
    expect(before.replies[0]).toMatchObject({ status: "error", ename: "TSError", evalue: "TS2322: Type 'number' is not assignable to type 'string'." });

    writeFileSync(join(library, "index.d.ts"), "export declare const answer: string;\n");
    writeFileSync(join(library, "index.js"), 'exports.answer = "forty-two";\n');
    const after = await runCells(blob, project, [cell]);
    expect(after.replies[0]).toMatchObject({ status: "ok", text: "'forty-two'" });
  }, TIMEOUT_MS);

  it("names no blob that is missing, cut short or without its note: the kernel then starts the usual way", async () => {
    const cache = temporaryFolder("cache");
    expect(usableSnapshot({ cache })).toBeUndefined();
    const blob = join(cache, basename(courseBlob));
    copyFileSync(courseBlob, blob);
    copyFileSync(`${courseBlob}.json`, `${blob}.json`);
    expect(usableSnapshot({ cache })).toBe(blob);
    const whole = readFileSync(blob).length;
    truncateSync(blob, whole - 1);
    expect(usableSnapshot({ cache })).toBeUndefined();
    writeFileSync(blob, "not a snapshot");
    expect(usableSnapshot({ cache })).toBeUndefined();
    // A damaged blob is built again whole, in its place.
    expect(await buildKernelSnapshot({ cache })).toBe(blob);
    expect(usableSnapshot({ cache })).toBe(blob);
    unlinkSync(`${blob}.json`);
    expect(usableSnapshot({ cache })).toBeUndefined();
    expect(kernelSpec({ snapshot: usableSnapshot({ cache }) ?? false }).argv[1]).toBe("-e");
  }, TIMEOUT_MS);

  it("hands its TypeScript only to a kernel whose tslab resolves the same typescript.js, unchanged", () => {
    const file = join(temporaryFolder("typescript"), "typescript.js");
    writeFileSync(file, "// TypeScript\n");
    const { size, mtimeMs } = statSync(file);
    const global = globalThis as Record<symbol, unknown>;
    const restored = { typescriptPath: file, typescriptStamp: `${size}:${mtimeMs}`, typescript: {}, parsedFiles: () => ({ held: 0, used: 0, missed: [] }) };
    global[Symbol.for("gradient-lab.kernel-snapshot")] = restored;
    try {
      expect(restoredTypescript(file)).toBe(restored);
      expect(restoredTypescript(join(ROOT, "typescript.js"))).toBeUndefined();
      writeFileSync(file, "// another TypeScript, a different size\n");
      expect(restoredTypescript(file)).toBeUndefined();
    } finally {
      delete global[Symbol.for("gradient-lab.kernel-snapshot")];
    }
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheFolder } from "../kernel/cache/cache-folder";
import { main as runCommand } from "../kernel/commands/run";
import { main as testCommand } from "../kernel/commands/test";
import { joinText, parseNotebook, type Notebook } from "../kernel/notebook/nbformat";
import { captured } from "./helpers/captured";

/**
 * The execution cache of `gradient-lab run`, on real kernels, in a scratch
 * course of its own: a tiny notebook and a fake `gradient-lab` engine package
 * in the course's node_modules, so nothing in the repository is read as the
 * engine or written. Whether a notebook really executed is read from a file
 * its first cell appends to, never from the progress text alone.
 */

/** The scratch course sits inside the repository so tslab finds @types/node above it (the prefix is git-ignored). */
let course: string;
let notebook: string;
const home = process.cwd();

/** How many times the probe notebook's first cell has run, over the whole file. */
const executions = (): number => (existsSync(join(course, "executions.log")) ? readFileSync(join(course, "executions.log"), "utf8").length : 0);

function writeEngine(answer: number): void {
  const engine = join(course, "node_modules", "gradient-lab");
  mkdirSync(join(engine, "dist", "src"), { recursive: true });
  writeFileSync(join(engine, "package.json"), JSON.stringify({ name: "gradient-lab", version: "0.0.1", main: "dist/src/index.js", types: "dist/src/index.d.ts" }));
  writeFileSync(join(engine, "dist", "src", "index.js"), `"use strict";\nexports.answer = ${answer};\n`);
  writeFileSync(join(engine, "dist", "src", "index.d.ts"), "export declare const answer: number;\n");
}

const markdown = (text: string) => ({ cell_type: "markdown", metadata: {}, source: text });
const code = (text: string, tags: string[] = []) => ({ cell_type: "code", metadata: tags.length > 0 ? { tags } : {}, source: text, outputs: [], execution_count: null });

function probeNotebook(options: { title?: string; rate?: string } = {}): object {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "gradient-lab", display_name: "TypeScript (gradient-lab)", language: "typescript" } },
    cells: [
      markdown(options.title ?? "# Probe"),
      code(`// parameters\nconst rate = ${options.rate ?? "0.5"}; // a rate`, ["parameters"]),
      code('import { appendFileSync } from "fs";\nimport { answer } from "gradient-lab";\nappendFileSync("executions.log", "x");\nconsole.log(`answer ${answer}, rate ${rate}`);'),
    ],
  };
}

function writeProbe(options: { title?: string; rate?: string } = {}): void {
  writeFileSync(notebook, JSON.stringify(probeNotebook(options)));
}

/** The probe as first written, run once: stored in the cache whatever the tests before did (each test may run alone). */
async function cachedBaseline(): Promise<number> {
  writeProbe();
  writeEngine(41);
  await run();
  return executions();
}

async function run(...argv: string[]) {
  const outcome = await captured(() => runCommand(["--out", join(course, "out"), ...argv, notebook]));
  expect(outcome.result, [...outcome.errors, outcome.stderr].join("\n")).toBe(0);
  return outcome;
}

function written(): Notebook {
  return parseNotebook(readFileSync(join(course, "out", "probe.ipynb"), "utf8"), "out/probe.ipynb");
}

const printed = (nb: Notebook): string => nb.cells.flatMap((cell) => (cell.cell_type === "code" ? cell.outputs : [])).map((output) => (output.output_type === "stream" ? joinText(output.text) : "")).join("");

beforeAll(async () => {
  course = mkdtempSync(resolve(__dirname, "fixtures", ".runner-cache-"));
  // A package.json of its own: without it, Node's self-reference would resolve `gradient-lab` to the repository.
  writeFileSync(join(course, "package.json"), JSON.stringify({ name: "scratch-course", private: true }));
  writeEngine(41);
  notebook = join(course, "probe.ipynb");
  writeProbe();
  // `run` finds its cache from the working folder, as `npm start` in a course does.
  process.chdir(course);
});

afterAll(() => {
  process.chdir(home);
  rmSync(course, { recursive: true, force: true });
});

describe("gradient-lab run's execution cache", () => {
  it("lives in the course's node_modules/.cache/gradient-lab", () => {
    expect(cacheFolder(course, {})).toBe(join(course, "node_modules", ".cache", "gradient-lab"));
  });

  it("executes a new notebook, then reuses its outputs without starting a kernel", async () => {
    const first = await run();
    expect(executions()).toBe(1);
    expect(first.stderr).toContain("kernel started");
    expect(printed(written())).toBe("answer 41, rate 0.5\n");
    expect(readdirSync(join(course, "node_modules", ".cache", "gradient-lab", "executed"))).toHaveLength(1);

    const second = await run();
    expect(executions()).toBe(1);
    expect(second.stderr).not.toContain("kernel started");
    expect(second.stderr).toContain("probe.ipynb: cached, not executed");
    expect(second.logs).toContain("1 notebooks: 0 executed, 1 cached, 0 failed");
    expect(printed(written())).toBe("answer 41, rate 0.5\n");
  });

  it("does not execute after a Markdown-only edit, and the copy carries the new Markdown (--in-place too)", async () => {
    const before = await cachedBaseline();
    writeProbe({ title: "# Probe, retitled" });
    await run();
    expect(executions()).toBe(before);
    expect(joinText(written().cells[0]!.source)).toBe("# Probe, retitled");
    expect(printed(written())).toBe("answer 41, rate 0.5\n");

    writeProbe({ title: "# Probe, in place" });
    await captured(() => runCommand(["--in-place", notebook]));
    expect(executions()).toBe(before);
    const inPlace = parseNotebook(readFileSync(notebook, "utf8"), notebook);
    expect(joinText(inPlace.cells[0]!.source)).toBe("# Probe, in place");
    expect(printed(inPlace)).toBe("answer 41, rate 0.5\n");
  });

  it("executes again after a one-character change to a code cell", async () => {
    const before = await cachedBaseline();
    writeProbe({ rate: "0.6" });
    await run();
    expect(executions()).toBe(before + 1);
    expect(printed(written())).toBe("answer 41, rate 0.6\n");
    writeProbe();
    await run(); // back to 0.5: that entry is still stored
    expect(executions()).toBe(before + 1);
  });

  it("executes again after the engine is rebuilt with a change, not after a rebuild of the same bytes", async () => {
    const before = await cachedBaseline();
    writeEngine(41); // rewritten, same content
    await run();
    expect(executions()).toBe(before);
    writeEngine(42);
    await run();
    expect(executions()).toBe(before + 1);
    expect(printed(written())).toBe("answer 42, rate 0.5\n");
  });

  it("executes again when -p changes a parameter, and reuses that run for the same value", async () => {
    const before = await cachedBaseline();
    await run("-p", "rate", "0.25");
    expect(executions()).toBe(before + 1);
    expect(printed(written())).toBe("answer 41, rate 0.25\n");
    const again = await run("-p", "rate", "0.25");
    expect(executions()).toBe(before + 1);
    expect(again.logs).toContain("1 notebooks: 0 executed, 1 cached, 0 failed");
    expect(printed(written())).toBe("answer 41, rate 0.25\n");
  });

  it("executes everything with --force, and the next run reuses that fresh result", async () => {
    const before = await cachedBaseline();
    await run("--force");
    expect(executions()).toBe(before + 1);
    await run();
    expect(executions()).toBe(before + 1);
  });

  it("treats a corrupt entry as a miss with a one-line warning, and replaces it", async () => {
    const before = await cachedBaseline();
    const folder = join(course, "node_modules", ".cache", "gradient-lab", "executed");
    for (const entry of readdirSync(folder)) writeFileSync(join(folder, entry), '{"nbformat": 4, "cells": [');
    const corrupt = await run();
    expect(executions()).toBe(before + 1);
    expect(corrupt.errors).toHaveLength(1);
    expect(corrupt.errors[0]).toMatch(/^gradient-lab: cache entry .*probe\.[0-9a-f]{8}\.[0-9a-f]{64}\.ipynb is unusable \(not JSON .*\); executing .*probe\.ipynb again$/);
    await run();
    expect(executions()).toBe(before + 1);
  });

  it("never caches a failed run", async () => {
    const failing = join(course, "failing.ipynb");
    const cells = [code('import { appendFileSync, existsSync } from "fs";\nappendFileSync("executions.log", "x");\nif (existsSync("fail-now")) throw new Error("asked to fail");\nconsole.log("passed");')];
    writeFileSync(failing, JSON.stringify({ ...probeNotebook(), cells }));
    writeFileSync(join(course, "fail-now"), "");
    const before = executions();
    const failed = await captured(() => runCommand(["--out", join(course, "out"), failing]));
    expect(failed.result).toBe(1);
    expect(executions()).toBe(before + 1);
    rmSync(join(course, "fail-now"));
    const passed = await captured(() => runCommand(["--out", join(course, "out"), failing]));
    expect(passed.result).toBe(0);
    expect(executions()).toBe(before + 2);
  });

  it("is never used by gradient-lab test, which executes even with a warm cache", async () => {
    // The source notebook stores the outputs `test` compares with; the cache holds this very run.
    await captured(() => runCommand(["--in-place", notebook]));
    await run();
    const before = executions();
    const tested = await captured(() => testCommand([notebook]));
    expect(tested.result, tested.errors.join("\n")).toBe(0);
    expect(tested.logs).toContain("1 passed, 0 failed");
    expect(executions()).toBe(before + 1);
  });
});

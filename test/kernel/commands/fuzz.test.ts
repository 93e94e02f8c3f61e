import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { seedNetwork } from "../../../src/network/seed-network";

/**
 * Hostile input through the command line, as a user's shell would give it:
 * network JSON through `step`, notebooks through `run`, `test` and `export`.
 * Seeded, so a failure repeats; bounded in time, so it fits in `npm test`.
 * Each input ends in one of: success, a clear error (short lines, no stack
 * frames), an unreadable error (nothing said, or a line past 2,000
 * characters), a stack trace, a hang (past HANG_MS), a NaN or null result
 * with exit 0, or a changed source file. Only the first two may happen. `run` and `test` get notebooks that fail before a kernel starts or
 * have no code to run: a kernel costs seconds, the readers are what fuzzing reaches.
 */
const SEED = Number(process.env.GRADIENT_LAB_FUZZ_SEED ?? 20261127);
const BUDGET_MS = 45_000;
const HANG_MS = 15_000;
const CLI = resolve(__dirname, "../../../dist/kernel/cli.js");

/** mulberry32: small, seedable, good enough to pick mutations. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_VALUES: unknown[] = [null, 0, -1, 1e308, -1e308, 5e-324, "", "NaN", "x".repeat(100_000), [], {}, true, [null], { output_type: "display_data" }, "<script>alert(1)</script>", "(a+)+$"];

/** A copy of `value` with one random place replaced, removed or wrapped. */
function mutate(value: unknown, next: () => number): unknown {
  const copy = structuredClone(value);
  const containers: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach((child, index) => (containers.push({ parent: node, key: index }), walk(child)));
    else if (node && typeof node === "object") for (const [key, child] of Object.entries(node)) containers.push({ parent: node as Record<string, unknown>, key }), walk(child);
  };
  walk(copy);
  const target = containers[Math.floor(next() * containers.length)];
  if (!target) return HOSTILE_VALUES[Math.floor(next() * HOSTILE_VALUES.length)];
  const { parent, key } = target;
  const choice = next();
  const slot = parent as Record<string | number, unknown>;
  if (choice < 0.15) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete slot[key];
  } else if (choice < 0.25) {
    slot[key] = [slot[key], slot[key]];
  } else {
    slot[key] = HOSTILE_VALUES[Math.floor(next() * HOSTILE_VALUES.length)];
  }
  return copy;
}

type Outcome = "succeeded" | "clear error" | "unreadable error" | "stack trace" | "hang" | "NaN result" | "changed source";

function runCli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; hung: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, HANG_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, hung });
    });
  });
}

function classify(result: { code: number | null; stdout: string; stderr: string; hung: boolean }, changed: boolean): Outcome {
  if (result.hung) return "hang";
  if (changed) return "changed source";
  if (/^\s+at |\b(TypeError|RangeError|ReferenceError|Maximum call stack)\b|node:internal/m.test(result.stderr)) return "stack trace";
  if (result.code === 0) return /\b(NaN|null|Infinity)\b/.test(result.stdout) ? "NaN result" : "succeeded";
  // A clear error: something said, each line short enough to read.
  return result.stderr.trim() && result.stderr.split("\n").every((line) => line.length <= 2000) ? "clear error" : "unreadable error";
}

const work = mkdtempSync(join(tmpdir(), "gradient-lab-fuzz-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const BASE_NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { "gradient-lab": { sanitize: [{ regex: "took \\d+ ms", replace: "took <t> ms" }] } },
  cells: [
    { cell_type: "markdown", id: "m1", metadata: {}, source: ["# Fuzzed\n", "Some $x^2$ math."] },
    { cell_type: "raw", id: "r1", metadata: {}, source: "raw" },
  ],
};
/** The same notebook with a code cell and stored outputs: for `export` only (run and test would start a kernel). */
const BASE_EXPORTED = {
  ...BASE_NOTEBOOK,
  cells: [
    ...BASE_NOTEBOOK.cells,
    {
      cell_type: "code",
      id: "c1",
      metadata: { tags: [] },
      source: "show(figure)",
      execution_count: 1,
      outputs: [
        { output_type: "stream", name: "stdout", text: ["loss 0.25\n"] },
        { output_type: "display_data", metadata: {}, data: { "application/vnd.plotly.v1+json": { data: [{ type: "scatter", y: [1, 2] }], layout: {} }, "text/plain": "Figure" } },
        { output_type: "error", ename: "Error", evalue: "boom", traceback: [] },
      ],
    },
  ],
};

type Kind = "step" | "run" | "test" | "export";

/** Writes one mutated input for `kind` into `folder` and returns the command line and the input file. */
function nextCase(kind: Kind, folder: string, next: () => number): { args: string[]; source: string } {
  mkdirSync(folder);
  if (kind === "step") {
    const source = join(folder, "net.json");
    writeFileSync(source, JSON.stringify(mutate(seedNetwork(), next)));
    return { source, args: ["step", source, "--input", "1,0", "--target", "2", "--lr", "0.01", "--steps", "3"] };
  }
  if (kind === "export") {
    mkdirSync(join(folder, "notebooks"));
    const source = join(folder, "notebooks", "01-fuzzed.ipynb");
    writeFileSync(source, JSON.stringify(mutate(BASE_EXPORTED, next)));
    return { source, args: ["export", "--html", "--from", join(folder, "notebooks"), "--out", join(folder, "site")] };
  }
  const source = join(folder, "fuzzed.ipynb");
  writeFileSync(source, JSON.stringify(mutate(BASE_NOTEBOOK, next)));
  return { source, args: kind === "run" ? ["run", "--out", join(folder, "out"), source] : ["test", source] };
}

/** Tries mutated inputs round-robin over `kinds` until the budget is spent; prints the counts; returns the bad cases. */
async function fuzz(label: string, kinds: Kind[], seed: number, budgetMs: number): Promise<{ tried: number; bad: string[] }> {
  const next = random(seed);
  const counts: Record<Outcome, number> = { succeeded: 0, "clear error": 0, "unreadable error": 0, "stack trace": 0, hang: 0, "NaN result": 0, "changed source": 0 };
  const bad: string[] = [];
  const started = Date.now();
  let tried = 0;
  while (Date.now() - started < budgetMs) {
    const folder = join(work, `${label}-${tried}`);
    const { args, source } = nextCase(kinds[tried % kinds.length]!, folder, next);
    const before = readFileSync(source, "utf8");
    const result = await runCli(args, folder);
    const outcome = classify(result, readFileSync(source, "utf8") !== before);
    counts[outcome] += 1;
    if (outcome !== "succeeded" && outcome !== "clear error") bad.push(`${outcome}: gradient-lab ${args.join(" ")}\n  input: ${before.slice(0, 300)}\n  stderr: ${result.stderr.slice(0, 600)}\n  stdout: ${result.stdout.slice(0, 300)}`);
    tried += 1;
  }
  console.info(`fuzz ${label} (seed ${seed}): tried ${tried}, succeeded ${counts.succeeded}, clear errors ${counts["clear error"]}, unreadable errors ${counts["unreadable error"]}, stack traces ${counts["stack trace"]}, hangs ${counts.hang}, NaN results ${counts["NaN result"]}, changed sources ${counts["changed source"]}`);
  return { tried, bad };
}

describe("fuzzing the command line with hostile input (seeded, time-bounded)", () => {
  it("notebooks through run, test and export: only successes and clear errors", async () => {
    const { tried, bad } = await fuzz("notebooks", ["run", "test", "export"], SEED, BUDGET_MS / 2);
    expect(tried).toBeGreaterThan(4);
    expect(bad, bad.join("\n\n")).toEqual([]);
  }, BUDGET_MS + HANG_MS + 30_000);

  it("network JSON through step: only successes and clear errors", async () => {
    const { tried, bad } = await fuzz("networks", ["step"], SEED + 1, BUDGET_MS / 2);
    expect(tried).toBeGreaterThan(4);
    expect(bad, bad.join("\n\n")).toEqual([]);
  }, BUDGET_MS + HANG_MS + 30_000);
});

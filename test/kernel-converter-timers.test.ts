import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { runNotebooks } from "../kernel/runner";
import { QueuedTimers, queueConverterTimers, type TimerSystem } from "../kernel/tslab/converter-timers";

/** tslab 1.0.22's fake timer (converter.js): one slot, fired by hand, a second request while it is taken throws. */
function tslabSlot() {
  let pending: { callback: () => void } | null = null;
  return {
    setTimeout: (callback: () => void) => {
      if (pending) throw new Error("Unexpected pending rebuildTimer");
      pending = {
        callback: () => {
          callback();
          pending = null;
        },
      };
      return pending;
    },
    clearTimeout: (handle: unknown) => {
      if (pending !== handle) throw new Error("clearing unexpected tiemr");
      pending = null;
    },
    fire: () => {
      if (!pending) throw new Error("rebuildTimer is not set properly");
      pending.callback();
    },
    get taken() {
      return pending !== null;
    },
  };
}

/** A queue on tslab's slot, and the names of the timers it ran, in order. */
function queuedOnTslabSlot() {
  const slot = tslabSlot();
  return { slot, timers: new QueuedTimers(slot.setTimeout, slot.clearTimeout), ran: [] as string[] };
}

describe("QueuedTimers", () => {
  it("takes a second timer while the first waits, and runs both in order when tslab fires its slot", () => {
    const { slot, timers, ran } = queuedOnTslabSlot();
    timers.setTimeout(() => ran.push("invalidate failed lookups"), 250);
    timers.setTimeout(() => ran.push("update program"), 250);
    expect(ran).toEqual([]);
    slot.fire();
    expect(ran).toEqual(["invalidate failed lookups", "update program"]);
    expect(slot.taken).toBe(false);
  });

  it("runs a timer asked for by a running one in the same firing", () => {
    const { slot, timers, ran } = queuedOnTslabSlot();
    timers.setTimeout(() => {
      ran.push("invalidate failed lookups");
      timers.setTimeout(() => ran.push("update program"), 250);
    }, 250);
    slot.fire();
    expect(ran).toEqual(["invalidate failed lookups", "update program"]);
    expect(slot.taken).toBe(false);
  });

  it("frees tslab's slot when the last queued timer is cleared, and keeps it while others wait", () => {
    const { slot, timers, ran } = queuedOnTslabSlot();
    const first = timers.setTimeout(() => ran.push("first"), 250);
    const second = timers.setTimeout(() => ran.push("second"), 250);
    timers.clearTimeout(first);
    expect(slot.taken).toBe(true);
    timers.clearTimeout(second);
    expect(slot.taken).toBe(false);
    timers.setTimeout(() => ran.push("third"), 250);
    slot.fire();
    expect(ran).toEqual(["third"]);
  });

  it("stays usable after a timer throws: the rest run at tslab's next firing, and a new timer does not hit a taken slot", () => {
    const { slot, timers, ran } = queuedOnTslabSlot();
    timers.setTimeout(() => {
      throw new Error("a TypeScript failure");
    }, 250);
    timers.setTimeout(() => ran.push("update program"), 250);
    expect(() => slot.fire()).toThrow("a TypeScript failure");
    expect(() => timers.setTimeout(() => ran.push("next cell's update"), 250)).not.toThrow();
    slot.fire();
    expect(ran).toEqual(["update program", "next cell's update"]);
    expect(slot.taken).toBe(false);
  });

  it("passes a timer's extra arguments to its callback", () => {
    const slot = tslabSlot();
    const timers = new QueuedTimers(slot.setTimeout, slot.clearTimeout);
    const seen: unknown[] = [];
    timers.setTimeout((...args) => seen.push(...args), 250, "a", 2);
    slot.fire();
    expect(seen).toEqual(["a", 2]);
  });
});

describe("queueConverterTimers", () => {
  it("hands a system derived from ts.sys (as tslab makes one) the queue, and leaves ts.sys's own timers alone", () => {
    const baseSetTimeout = () => "base";
    const sys: TimerSystem = { setTimeout: baseSetTimeout, clearTimeout: () => undefined };
    queueConverterTimers(sys);
    expect(sys.setTimeout).toBe(baseSetTimeout);

    const slot = tslabSlot();
    const derived = Object.create(sys) as TimerSystem;
    derived.setTimeout = slot.setTimeout;
    derived.clearTimeout = slot.clearTimeout;
    expect(Object.hasOwn(derived, "setTimeout")).toBe(false);
    const ran: string[] = [];
    derived.setTimeout!(() => ran.push("invalidate failed lookups"));
    derived.setTimeout!(() => ran.push("update program"));
    slot.fire();
    expect(ran).toEqual(["invalidate failed lookups", "update program"]);
  });
});

/** A temporary folder whose node_modules holds "watched-pkg" (answer = 42), for a compiler or a notebook to import. */
function folderWithWatchedPackage(): string {
  const folder = mkdtempSync(join(tmpdir(), "converter-timers-"));
  const lib = join(folder, "node_modules", "watched-pkg", "lib");
  mkdirSync(lib, { recursive: true });
  writeFileSync(
    join(folder, "node_modules", "watched-pkg", "package.json"),
    JSON.stringify({ name: "watched-pkg", version: "1.0.0", main: "lib/index.js", types: "lib/index.d.ts" }),
  );
  writeFileSync(join(lib, "index.d.ts"), "export declare const answer: number;\n");
  writeFileSync(join(lib, "index.js"), "exports.answer = 42;\n");
  return folder;
}

/**
 * tslab's real compiler, in a child process started in a folder holding a package "watched-pkg":
 * cell 1 imports it, its package.json is touched (as another worktree's `cp -al` does to shared
 * hard links), and cells 2 and 3 are compiled once the compiler's watcher has reported the change.
 */
describe("tslab's cell compiler after a file-system event between cells", () => {
  const driver = join(__dirname, "fixtures", "tslab-converter", "two-cells.cjs");
  let folder: string;
  beforeAll(() => void (folder = folderWithWatchedPackage()));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  async function compileCells(mode: "patched" | "unpatched"): Promise<unknown[]> {
    const { stdout } = await promisify(execFile)(process.execPath, [driver, folder, mode]);
    return stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as unknown);
  }

  it("stops every later cell with tslab's own timer alone (the fault this patch exists for)", async () => {
    expect(await compileCells("unpatched")).toEqual([
      { cell: 1, ok: true },
      { cell: 2, error: "Unexpected pending rebuildTimer" },
      { cell: 3, error: "Unexpected pending rebuildTimer" },
    ]);
  });

  it("compiles every cell with the launcher's queued timers", async () => {
    expect(await compileCells("patched")).toEqual([
      { cell: 1, ok: true },
      { cell: 2, ok: true },
      { cell: 3, ok: true },
    ]);
  });
});

describe("our kernel (the launcher the kernelspec starts) on a notebook whose cell changes a watched file", () => {
  let folder: string;
  beforeAll(() => void (folder = folderWithWatchedPackage()));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("runs the next cell instead of stopping with 'Unexpected pending rebuildTimer'", async () => {
    const notebook = join(folder, "touch-between-cells.ipynb");
    copyFileSync(join(__dirname, "fixtures", "tslab-converter", "touch-between-cells.ipynb"), notebook);
    const [outcome] = await runNotebooks([notebook], { outDir: join(folder, "out") });
    expect(outcome?.problem).toBeUndefined();
    const printed = outcome!.executed!.cells.flatMap((cell) =>
      cell.cell_type === "code" ? cell.outputs.map((output) => ("text" in output ? String(output.text) : "")) : [],
    );
    expect(printed.join("")).toBe("answer = 42\nnext = 43\n");
  }, 600_000);
});

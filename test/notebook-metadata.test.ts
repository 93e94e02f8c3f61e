import { readFileSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kernel } from "../kernel/kernel";
import { kernelSpec, NOTEBOOK_KERNELSPEC } from "../kernel/kernelspec";
import { runNotebooks } from "../kernel/runner";
import { copyFixtureNotebooks, FIXTURE_NOTEBOOKS } from "./helpers/fixture-notebooks";
import { courseNotebookPaths } from "./helpers/stored-notebook";

/**
 * JupyterLab 4 writes two things into a notebook it opens: the kernel's
 * `language_info` (from kernel_info) and `kernelspec` as {name, display_name,
 * language} of the installed spec. Either one different from what the file
 * holds marks the notebook modified at once (05 and 08 were, before any
 * edit), and closing it asks to save. Its setMetadata compares deeply, so a
 * notebook holding exactly these values opens clean.
 */
const KERNEL_TEST_TIMEOUT_MS = 300_000;

let languageInfo: unknown;
let work: string;
beforeAll(async () => {
  const kernel = await Kernel.start({ cwd: FIXTURE_NOTEBOOKS });
  try {
    languageInfo = kernel.info.content.language_info;
  } finally {
    await kernel.shutdown();
  }
  work = copyFixtureNotebooks("metadata");
}, KERNEL_TEST_TIMEOUT_MS);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("notebook metadata as JupyterLab would write it", () => {
  it("is written by the runner: the kernel's language_info, as nbclient writes it", async () => {
    const [outcome] = await runNotebooks([join(work, "arithmetic.ipynb")], { dryRun: true });
    expect(outcome?.problem).toBeUndefined();
    expect(languageInfo).toMatchObject({ name: "typescript", file_extension: ".ts" });
    expect(outcome!.executed!.metadata.language_info).toEqual(languageInfo);
  }, KERNEL_TEST_TIMEOUT_MS);

  it("is what every course notebook holds, so an untouched one opens unmodified", () => {
    const spec = kernelSpec();
    const expected = { kernelspec: { name: NOTEBOOK_KERNELSPEC.name, display_name: spec.display_name, language: spec.language }, language_info: languageInfo };
    for (const file of courseNotebookPaths()) {
      const { metadata } = JSON.parse(readFileSync(file, "utf8")) as { metadata: Record<string, unknown> };
      expect({ kernelspec: metadata.kernelspec, language_info: metadata.language_info }, `${basename(file)} (store it again: gradient-lab test --update ${basename(file)})`).toEqual(expected);
    }
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KERNEL_NAME } from "../kernel/kernelspec";
import { joinText } from "../kernel/notebook/nbformat";
import { skipBrowser } from "./export-chromium";
import { FRONTEND_TEST_TIMEOUT_MS, realJupyter, realJupyterMissing, REPOSITORY, type Frontend } from "./helpers/real-jupyter";
import { courseFolder, loadCourseNotebook, storedFigureCount } from "./helpers/stored-notebook";

/**
 * The course in the real JupyterLab 4.6 and Notebook 7.6 (pinned, from
 * .venv), with what `gradient-lab kernel install` wrote, in Chromium.
 */
const COURSE_NOTEBOOK = "05-training-loop.ipynb";
/** The course notebook whose training runs long enough (about a second) to watch its loss curve grow. */
const LIVE_NOTEBOOK = "08-two-spirals.ipynb";
const VALUE_AND_ERROR = join(REPOSITORY, "test", "fixtures", "frontends", "value-and-error.ipynb");
const LABEXTENSION = "gradient-lab-plotly";
/** A notebook whose Markdown output holds display math: (Y_r - Y_e)^2 = 0.25. */
const MATH_NOTEBOOK = "02-loss.ipynb";
const FRONTENDS: Frontend[] = ["JupyterLab", "Notebook 7"];

const skip = skipBrowser || realJupyterMissing("real JupyterLab and Notebook 7 tests");

describe.skipIf(skip)("the course in the real JupyterLab 4.6 and Notebook 7.6", () => {
  const jupyter = realJupyter();

  it("finds the kernelspec and the labextension that kernel install wrote, through JUPYTER_PATH", async () => {
    const kernelJson = join(jupyter.dataDir, "kernels", KERNEL_NAME, "kernel.json");
    expect(jupyter.installed.join("\n")).toContain(kernelJson);
    const specs = (await (await fetch(`${jupyter.base}/api/kernelspecs`)).json()) as { kernelspecs: Record<string, { spec: unknown }> };
    expect(specs.kernelspecs[KERNEL_NAME]?.spec).toMatchObject(JSON.parse(readFileSync(kernelJson, "utf8")));
    const labextension = join(jupyter.dataDir, "labextensions", LABEXTENSION);
    const build = (JSON.parse(readFileSync(join(labextension, "package.json"), "utf8")) as { jupyterlab: { _build: { load: string } } }).jupyterlab._build;
    for (const app of ["lab", "tree"]) {
      const html = await (await fetch(`${jupyter.base}/${app}`)).text();
      const config = JSON.parse(/<script id="jupyter-config-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? "{}") as { federated_extensions?: { name: string; load: string }[] };
      expect(config.federated_extensions, `/${app}'s page config`).toContainEqual(expect.objectContaining({ name: LABEXTENSION, load: build.load }));
    }
  });

  it("opens a notebook signed with jupyter trust as trusted (the helper's trust, for tests of trusted outputs)", async () => {
    const path = jupyter.serve(VALUE_AND_ERROR, "trusted-value-and-error.ipynb");
    jupyter.trust(path);
    const notebook = await jupyter.open("JupyterLab", path);
    try {
      expect(await notebook.trustedCodeCells()).toBe(2);
    } finally {
      await notebook.close();
    }
  }, FRONTEND_TEST_TIMEOUT_MS);

  for (const frontend of FRONTENDS) {
    it(`${frontend}: opens ${COURSE_NOTEBOOK} from disk untrusted, draws its stored figures, runs all on the gradient-lab kernel and draws them again`, async () => {
      const stored = storedFigureCount(loadCourseNotebook(COURSE_NOTEBOOK));
      expect(stored, "figures stored in the committed notebook").toBeGreaterThan(0);
      const path = jupyter.serve(join(courseFolder, COURSE_NOTEBOOK), `${frontend.replace(/\W/g, "")}-${COURSE_NOTEBOOK}`);
      const notebook = await jupyter.open(frontend, path);
      try {
        expect(await notebook.trustedCodeCells(), "trusted code cells of a notebook from disk").toBe(0);
        await notebook.waitForFigures(stored, "all");
        expect(await notebook.drawnFigures("all"), "figures drawn from disk").toBe(stored);

        await notebook.startRunAll();
        expect(await notebook.finishRun()).toEqual({ ranAll: true, kernel: KERNEL_NAME, unrun: [] });
        await notebook.waitForFigures(stored, "fresh");
        expect(await notebook.drawnFigures("fresh"), "figures drawn after Run All").toBe(stored);
        expect(await notebook.drawnFigures("from disk"), "figures left over from disk after Run All").toBe(0);

        // The extension's own plotly.js, from the data folder the server found.
        expect(notebook.requests.some((url) => url.endsWith(`/extensions/${LABEXTENSION}/static/plotly.min.js`))).toBe(true);
        expect(notebook.outside).toEqual([]);
        expect(notebook.consoleErrors.filter((line) => /failed to activate/i.test(line))).toEqual([]);
      } finally {
        await notebook.close();
      }
    }, FRONTEND_TEST_TIMEOUT_MS);

    it(`${frontend}: ${LIVE_NOTEBOOK}'s loss curve grows while its training cell runs, and ends as stored`, async () => {
      const stored = loadCourseNotebook(LIVE_NOTEBOOK);
      const trainingCell = stored.cells.findIndex((cell) => cell.cell_type === "code" && joinText(cell.source).includes("await follow("));
      expect(trainingCell, "the cell that trains with a live curve").toBeGreaterThan(0);
      const path = jupyter.serve(join(courseFolder, LIVE_NOTEBOOK), `${frontend.replace(/\W/g, "")}-${LIVE_NOTEBOOK}`);
      const notebook = await jupyter.open(frontend, path);
      try {
        await notebook.startSampling(trainingCell);
        await notebook.startRunAll();
        expect(await notebook.finishRun()).toEqual({ ranAll: true, kernel: KERNEL_NAME, unrun: [] });
        const states = await notebook.sampled();
        // One point per epoch, the untrained network first: 201 at the end.
        expect(new Set(states).size, `points of the curve seen while the cell ran: ${states.join(", ")}`).toBeGreaterThanOrEqual(3);
        expect(states).toEqual([...states].sort((a, b) => a - b));
        await notebook.waitForFigures(storedFigureCount(stored), "fresh");
        expect(await notebook.drawnFigures("fresh")).toBe(storedFigureCount(stored));
        expect(await notebook.figurePoints(trainingCell), "points of the curve at the end").toBe(201);
        expect(notebook.outside).toEqual([]);
      } finally {
        await notebook.close();
      }
    }, FRONTEND_TEST_TIMEOUT_MS);

    it(`${frontend}: typesets ${MATH_NOTEBOOK}'s stored display math with its own MathJax, offline`, async () => {
      const path = jupyter.serve(join(courseFolder, MATH_NOTEBOOK), `${frontend.replace(/\W/g, "")}-${MATH_NOTEBOOK}`);
      const notebook = await jupyter.open(frontend, path);
      try {
        const math = await notebook.displayMath();
        expect(math.errors).toBe(0);
        // MathJax 3 keeps the formula as MathML beside what it drew, for screen readers.
        expect(math.formulas.some((formula) => /L\s*=.*0\.25/.test(formula)), `typeset: ${math.formulas.join(" | ")}`).toBe(true);
        expect(notebook.outside).toEqual([]);
        expect(notebook.consoleErrors.filter((line) => /failed to activate/i.test(line))).toEqual([]);
      } finally {
        await notebook.close();
      }
    }, FRONTEND_TEST_TIMEOUT_MS);

    it(`${frontend}: an expression cell shows Out[n], an error cell a traceback with the error's name`, async () => {
      const path = jupyter.serve(VALUE_AND_ERROR, `${frontend.replace(/\W/g, "")}-value-and-error.ipynb`);
      const notebook = await jupyter.open(frontend, path);
      try {
        await notebook.startRunAll();
        // The error stops Run All: it is the last cell.
        const run = await notebook.finishRun();
        expect(run.kernel).toBe(KERNEL_NAME);
        expect(await notebook.outputs(1)).toEqual([{ type: "execute_result", mimeTypes: ["text/plain"] }]);
        const value = await notebook.shown(1);
        expect(value.prompt).toMatch(/^\[\d+\]:$/);
        expect(value.executeResults).toEqual([{ prompt: value.prompt, text: "42" }]);
        expect(await notebook.outputs(2)).toEqual([{ type: "error", ename: "RangeError", evalue: "no layer 4", mimeTypes: [] }]);
        const error = await notebook.shown(2);
        expect(error.outputText).toContain("RangeError");
        expect(error.outputText).toContain("no layer 4");
        expect(notebook.outside).toEqual([]);
      } finally {
        await notebook.close();
      }
    }, FRONTEND_TEST_TIMEOUT_MS);
  }
});

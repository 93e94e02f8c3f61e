import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as exportCommand } from "../kernel/commands/export";
import { joinText, parseNotebook, type Cell, type CodeCell, type Notebook } from "../kernel/notebook/nbformat";
import { runNotebooks } from "../kernel/runner";
import { findLeaks, htmlText } from "../kernel/teach/leaks";
import { normalizeSpace, secretLines, studentNotebook } from "../kernel/teach/solutions";
import { captured } from "./helpers/captured";
import { courseFolder, courseNotebookNames, loadCourseNotebook } from "./helpers/stored-notebook";

const TEACH_FIXTURES = resolve(__dirname, "fixtures/teach");
const teacher = parseNotebook(readFileSync(join(TEACH_FIXTURES, "exercises.ipynb"), "utf8"), "exercises.ipynb");
/** The answers written in the fixture's solution regions, spelled out by hand rather than by the code under test. */
const ANSWER_FRAGMENTS = ["lossBeforeStep", "doubledRun", "2 * learningRate"];

// Inside the repository: the student notebooks run on a kernel that must find node_modules above them.
let edition: string;
beforeAll(() => void (edition = mkdtempSync(join(TEACH_FIXTURES, "..", ".runner-student-"))));
afterAll(() => rmSync(edition, { recursive: true, force: true }));

function code(source: string, nbgrader?: Record<string, unknown>): CodeCell {
  return { cell_type: "code", metadata: nbgrader ? { nbgrader } : {}, source, outputs: [{ output_type: "stream", name: "stdout", text: "42\n" }], execution_count: 3 };
}
const solution = (id: string) => ({ grade: false, grade_id: id, locked: false, schema_version: 3, solution: true, task: false });
const notebookOf = (...cells: Cell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

function allFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every file under `folder`, read as text, as the text a reader sees (HTML) and as cell sources (notebooks), holds none of `secrets`. */
function expectNoSecrets(folder: string, secrets: string[]): void {
  expect(secrets.length).toBeGreaterThan(0);
  for (const file of allFiles(folder)) {
    const text = readFileSync(file, "utf8");
    const readable = file.endsWith(".html") ? htmlText(text) : file.endsWith(".ipynb") ? JSON.parse(text).cells.map((c: Cell) => joinText(c.source)).join("\n") : text;
    for (const secret of secrets) {
      expect(normalizeSpace(text).includes(secret) || normalizeSpace(readable).includes(secret), `${file} holds ${secret}`).toBe(false);
    }
  }
}

describe("solution markup", () => {
  it("replaces each region with a throw naming the exercise, at the region's indentation, keeping the rest and the metadata", () => {
    const student = studentNotebook(teacher, "exercises.ipynb");
    expect(joinText(student.cells[4]!.source)).toBe('let lossDrop: number;\nthrow new Error("not done yet: exercises-loss-drop");\nconsole.log(`your answer: ${lossDrop}`);');
    expect(joinText(student.cells[7]!.source)).toBe('const doubledLoss = (() => {\n  throw new Error("not done yet: exercises-doubled");\n})();');
    for (const i of [4, 5, 7, 8]) {
      expect(student.cells[i]!.metadata.nbgrader).toEqual(teacher.cells[i]!.metadata.nbgrader);
      expect((student.cells[i] as CodeCell).outputs).toEqual([]);
      expect((student.cells[i] as CodeCell).execution_count).toBeNull();
    }
    // The lesson before the exercises keeps its outputs.
    expect((student.cells[2] as CodeCell).outputs).toEqual((teacher.cells[2] as CodeCell).outputs);
    expect(secretLines(teacher, "x")).toEqual([
      "const lossBeforeStep = run.history[0]!.loss;",
      "lossDrop = lossBeforeStep - run.history[1]!.loss;",
      "const doubledRun = train(seedNetwork(), { samples: samples, learningRate: 2 * learningRate, lossThreshold: 0, maxSteps: 1 });",
      "return doubledRun.history[1]!.loss;",
    ]);
  });

  it("refuses bad markup with an error naming notebook, cell and line", () => {
    const begin = "// ### BEGIN SOLUTION";
    const end = "// ### END SOLUTION";
    const cases: Array<[Cell, string]> = [
      [code(`let a = 1;\n${begin}\na = 2;`, solution("nb-a")), "nb.ipynb: cell 1, line 2: BEGIN SOLUTION has no END SOLUTION"],
      [code(`${begin}\n${begin}\na = 2;\n${end}\n${end}`, solution("nb-a")), "nb.ipynb: cell 1, line 2: BEGIN SOLUTION inside the solution begun on line 1 (regions cannot nest)"],
      [code(`a = 2;\n${end}`, solution("nb-a")), "nb.ipynb: cell 1, line 2: END SOLUTION with no BEGIN SOLUTION before it"],
      [code(`${begin}\na = 2;\n${end}`), 'nb.ipynb: cell 1: has a BEGIN SOLUTION region but no nbgrader metadata with "solution": true and a "grade_id"'],
      [code("a = 2;", solution("nb-a")), 'nb.ipynb: cell 1: nbgrader metadata says "solution": true but the cell has no // ### BEGIN SOLUTION region'],
      [code(`${begin}\na = 2;\n${end}`, { ...solution("nb-a"), grade_id: undefined }), 'nb.ipynb: cell 1: nbgrader metadata has no "grade_id" naming the exercise'],
      [{ cell_type: "markdown", metadata: {}, source: `${begin}\nthe answer\n${end}` }, "nb.ipynb: cell 1: solution markers belong in code cells, this is a markdown cell"],
    ];
    for (const [cell, message] of cases) expect(() => studentNotebook(notebookOf(cell), "nb.ipynb"), message).toThrow(message);
    // A name declared inside and used after: the student's copy would not compile.
    const escaping = notebookOf(code(`${begin}\nconst z4 = 1.5;\n${end}`, solution("nb-z4")), code("console.log(check(step, \"Z4\", z4).message);"));
    expect(() => studentNotebook(escaping, "nb.ipynb")).toThrow("nb.ipynb: cell 1, line 2: z4 is declared inside the solution region but used in cell 2; declare it before BEGIN SOLUTION (let z4: ...;) and only assign it inside");
    const assigned = notebookOf(code(`let z4: number;\n${begin}\nconst h4 = 1;\nz4 = h4 + 0.5;\n${end}\nconsole.log(z4);`, solution("nb-z4")), code("console.log(z4, xh4);"));
    expect(joinText(studentNotebook(assigned, "nb.ipynb").cells[0]!.source)).toBe('let z4: number;\nthrow new Error("not done yet: nb-z4");\nconsole.log(z4);');
  });
});

describe("the leak search", () => {
  it("finds a solution line behind JSON escapes, inside highlighted HTML and across reindentation", async () => {
    const folder = mkdtempSync(join(edition, "..", ".runner-leaks-"));
    try {
      const line = 'const label = "a < b";';
      writeFileSync(join(folder, "clean.html"), "<p>nothing here</p>");
      writeFileSync(join(folder, "a.ipynb"), JSON.stringify({ cells: [{ source: ["x\n", `    ${line}\n`] }] }));
      writeFileSync(join(folder, "b.html"), '<span class="hljs-keyword">const</span> label =\n  <span class="hljs-string">&quot;a &lt; b&quot;</span>;');
      expect(htmlText("a &lt; b &#x27;c&#39; &amp;amp;")).toBe("a < b 'c' &amp;");
      const leaks = await findLeaks(folder, [line]);
      expect(leaks.map((leak) => leak.file.slice(folder.length + 1)).sort()).toEqual(["a.ipynb", "b.html"]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("gradient-lab export --student", () => {
  it("writes notebooks and a site with no solution text in any file, and the notebooks run up to the first exercise", async () => {
    const run = await captured(() => exportCommand(["--student", "--from", TEACH_FIXTURES, "--out", edition]));
    expect(run.result, run.errors.join("\n")).toBe(0);
    expect(run.logs.join("\n")).toContain("no solution text in any file (4 solution lines searched for)");

    const files = allFiles(edition);
    expect(files.map((file) => file.slice(edition.length + 1))).toEqual(expect.arrayContaining(["notebooks/exercises.ipynb", "site/exercises.html", "site/index.html", "site/assets/plotly.js"]));
    // Checked here by hand, not only by the export's own search: every file, every solution line and answer fragment.
    expectNoSecrets(edition, [...secretLines(teacher, "exercises.ipynb"), ...ANSWER_FRAGMENTS]);
    expect(htmlText(readFileSync(join(edition, "site/exercises.html"), "utf8"))).toContain("not done yet: exercises-loss-drop");

    const [outcome] = await runNotebooks([join(edition, "notebooks/exercises.ipynb")], { dryRun: true });
    const problem = outcome!.problem;
    expect(problem?.kind).toBe("cell");
    if (problem?.kind !== "cell") return;
    // Cell 5 is the first exercise; every code cell before it ran and printed what the teacher's did.
    expect(problem.failure.cellNumber).toBe(5);
    expect(problem.failure.message).toContain("Error: not done yet: exercises-loss-drop");
    const executed = outcome!.executed!;
    expect((executed.cells[2] as CodeCell).execution_count).not.toBeNull();
    expect((executed.cells[2] as CodeCell).outputs).toEqual([{ output_type: "stream", name: "stdout", text: "loss before: 0.25\n" }]);
  });

  it("refuses a folder it did not make, and bad markup before writing anything", async () => {
    const occupied = mkdtempSync(join(edition, "..", ".runner-occupied-"));
    try {
      writeFileSync(join(occupied, "keep.txt"), "someone's file");
      const refused = await captured(() => exportCommand(["--student", "--from", TEACH_FIXTURES, "--out", occupied]));
      expect(refused.result).toBe(1);
      expect(refused.errors).toEqual([`gradient-lab export: ${occupied} already exists and is not a student edition (no .gradient-lab-student); choose another --out or empty it`]);
      expect(readFileSync(join(occupied, "keep.txt"), "utf8")).toBe("someone's file");

      const broken = join(occupied, "notebooks");
      const bad = structuredClone(teacher);
      bad.cells[4]!.source = joinText(bad.cells[4]!.source).replace("// ### END SOLUTION\n", "");
      rmSync(join(occupied, "keep.txt"));
      writeFileSync(join(occupied, "broken.ipynb"), JSON.stringify(bad));
      const failed = await captured(() => exportCommand(["--student", "--from", occupied, "--out", broken]));
      expect(failed.result).toBe(1);
      expect(failed.errors).toEqual([`gradient-lab export: ${join(occupied, "broken.ipynb")}: cell 5, line 2: BEGIN SOLUTION has no END SOLUTION`]);
      expect(readdirSync(occupied)).toEqual(["broken.ipynb"]);
    } finally {
      rmSync(occupied, { recursive: true, force: true });
    }
  });
});

describe("the course notebooks' solution markup", () => {
  it.each(courseNotebookNames())("%s: every solution region is well formed and its student copy holds none of it", (name) => {
    const notebook = loadCourseNotebook(name);
    const student = JSON.stringify(studentNotebook(notebook, name));
    for (const line of secretLines(notebook, name)) expect(normalizeSpace(student).includes(line), line).toBe(false);
  });
});

describe("the course's student edition", () => {
  it("holds no solution line in any file, and notebook 01 runs up to its first exercise, which fails with not done yet", async () => {
    const out = mkdtempSync(join(TEACH_FIXTURES, "..", ".runner-course-student-"));
    try {
      const made = await captured(() => exportCommand(["--student", "--from", courseFolder, "--out", out]));
      expect(made.result, made.errors.join("\n")).toBe(0);
      const secrets = courseNotebookNames().flatMap((name) => secretLines(loadCourseNotebook(name), name));
      expectNoSecrets(out, secrets);

      const teacher01 = loadCourseNotebook("01-forward-pass.ipynb");
      const firstExercise = teacher01.cells.findIndex((cell) => cell.metadata.nbgrader !== undefined && (cell.metadata.nbgrader as { solution?: boolean }).solution === true);
      const gradeId = (teacher01.cells[firstExercise]!.metadata.nbgrader as { grade_id: string }).grade_id;
      const [outcome] = await runNotebooks([join(out, "notebooks/01-forward-pass.ipynb")], { dryRun: true });
      expect(outcome!.problem?.kind).toBe("cell");
      if (outcome!.problem?.kind !== "cell") return;
      expect(outcome!.problem.failure.cellNumber).toBe(firstExercise + 1);
      expect(outcome!.problem.failure.message).toContain(`Error: not done yet: ${gradeId}`);
      const before = outcome!.executed!.cells.slice(0, firstExercise).filter((cell): cell is CodeCell => cell.cell_type === "code");
      expect(before.length).toBeGreaterThan(0);
      for (const cell of before) expect(cell.execution_count, joinText(cell.source).split("\n")[0]).not.toBeNull();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

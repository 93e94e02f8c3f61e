import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinText, parseNotebook, type Cell, type Notebook } from "../../kernel/notebook/nbformat";
import { nbgraderOf } from "../../kernel/teach/solutions";
import { installKernelPrefix, REPOSITORY, type KernelPrefix } from "../helpers/kernel-prefix";
import { runProgram } from "../helpers/run-program";
import { needVenv } from "../helpers/venv";

/**
 * nbgrader 0.9.6 (pinned in test/python/requirements.txt) on a course
 * notebook with an exercise, as a teacher runs it: generate_assignment with
 * the course template's nbgrader_config.py, three learners' submissions,
 * autograde on the gradient-lab kernel, generate_feedback, export.
 */
const nbgrader = needVenv("nbgrader on the gradient-lab kernel", "nbgrader");
const NOTEBOOK = "05-training-loop.ipynb";
const STUB = '// YOUR CODE HERE\nthrow new Error("not done yet");';
/** Inside the repository, so the kernel started in an autograded folder resolves `gradient-lab` from its node_modules. */
let course: string;
let kernel: KernelPrefix;

async function nbgraderRun(...args: string[]): Promise<string> {
  const result = await runProgram(nbgrader.path, args, {
    cwd: course,
    // nbgrader starts alembic (its database migrations) by name: the venv's bin folder goes first on PATH, as an activated venv has it.
    env: { ...kernel.env, PATH: `${dirname(nbgrader.path)}${delimiter}${process.env.PATH ?? ""}` },
  });
  if (result.status !== 0 || /\| ERROR\]/.test(result.stderr)) throw new Error(`nbgrader ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr.slice(-4000)}`);
  return result.stderr;
}

const text = (cell: Cell): string => joinText(cell.source);
const read = (path: string): Notebook => parseNotebook(readFileSync(path, "utf8"), path);

/** The released notebook with the stub of each solution cell replaced by `answer` (or by the teacher's own solution). */
function submission(released: Notebook, source: Notebook, answer: string | undefined): Notebook {
  const cells = released.cells.map((cell, index) => {
    if (nbgraderOf(cell)?.solution !== true) return cell;
    const teacher = text(source.cells[index]!);
    const solution = teacher.slice(teacher.indexOf("// ### BEGIN SOLUTION\n") + "// ### BEGIN SOLUTION\n".length, teacher.indexOf("\n// ### END SOLUTION"));
    return { ...cell, source: text(cell).replace(STUB, answer ?? solution) } as Cell;
  });
  return { ...released, cells };
}

beforeAll(() => {
  if (nbgrader.skip) return;
  kernel = installKernelPrefix();
  course = mkdtempSync(join(REPOSITORY, "test", ".nbgrader-run-"));
  cpSync(join(REPOSITORY, "kernel", "teach", "course-template", "nbgrader_config.py"), join(course, "nbgrader_config.py"));
  mkdirSync(join(course, "source", "ps1"), { recursive: true });
  cpSync(join(REPOSITORY, "notebooks", NOTEBOOK), join(course, "source", "ps1", NOTEBOOK));
});
afterAll(() => {
  kernel?.remove();
  if (course) rmSync(course, { recursive: true, force: true });
});

describe.skipIf(nbgrader.skip)("nbgrader on the gradient-lab kernel", () => {
  it("releases notebook 05 without its solution, grades a right, a wrong and a throwing answer, and writes the error into the feedback", async () => {
    await nbgraderRun("generate_assignment", "ps1");
    const source = read(join(course, "source", "ps1", NOTEBOOK));
    const released = read(join(course, "release", "ps1", NOTEBOOK));
    const solutionCell = released.cells.findIndex((cell) => nbgraderOf(cell)?.solution === true);
    expect(text(released.cells[solutionCell]!)).toContain(STUB);
    expect(text(released.cells[solutionCell]!)).not.toContain("BEGIN SOLUTION");
    expect(text(released.cells[solutionCell]!)).not.toContain("p.W53");
    expect(text(released.cells[solutionCell + 1]!)).toContain('grade(check(stuck, "Z5", z5));');

    const answers = { right: undefined, wrong: "z5 = 0;", throws: 'throw new RangeError("my answer is not ready");' };
    for (const [learner, answer] of Object.entries(answers)) {
      mkdirSync(join(course, "submitted", learner, "ps1"), { recursive: true });
      writeFileSync(join(course, "submitted", learner, "ps1", NOTEBOOK), JSON.stringify(submission(released, source, answer), null, 1));
    }
    await nbgraderRun("autograde", "ps1");
    await nbgraderRun("generate_feedback", "ps1");
    await nbgraderRun("export", "--to", join(course, "grades.csv"));

    const [header, ...rows] = readFileSync(join(course, "grades.csv"), "utf8").trim().split("\n").map((line) => line.split(","));
    const column = (name: string) => header!.indexOf(name);
    const scores = Object.fromEntries(rows.map((row) => [row[column("student_id")], [Number(row[column("score")]), Number(row[column("max_score")])]]));
    expect(scores).toEqual({ right: [1, 1], wrong: [0, 1], throws: [0, 1] });

    const feedback = (learner: string) => readFileSync(join(course, "feedback", learner, "ps1", NOTEBOOK.replace(".ipynb", ".html")), "utf8");
    expect(feedback("throws")).toContain("RangeError");
    expect(feedback("throws")).toContain("my answer is not ready");
    expect(feedback("wrong")).toContain("WrongAnswerError");
    expect(feedback("wrong")).toContain("✗ Z5: 0 is not right");
    expect(feedback("right")).not.toContain("WrongAnswerError");
  }, 900_000);
});

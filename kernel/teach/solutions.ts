import { joinText, type Cell, type Notebook } from "../notebook/nbformat";

/**
 * Solutions as nbgrader marks them: inside a code cell whose metadata says
 * `"nbgrader": {"solution": true, "grade_id": ...}`, the answer sits between
 * `// ### BEGIN SOLUTION` and `// ### END SOLUTION`. Check cells
 * (`"grade": true`) test it. The student edition keeps every cell and its
 * nbgrader metadata, replaces each answer with a throw that names the
 * exercise, and clears the outputs of solution and check cells (they print
 * the answer's value).
 */

const BEGIN = /^\s*\/\/\s*### BEGIN SOLUTION\s*$/;
const END = /^\s*\/\/\s*### END SOLUTION\s*$/;

export interface NbgraderMetadata {
  grade_id?: unknown;
  solution?: unknown;
  grade?: unknown;
}

/** A solution marked wrongly; the message names notebook, cell and line. */
export class SolutionMarkupError extends Error {}

export function nbgraderOf(cell: Cell): NbgraderMetadata | undefined {
  const nbgrader = cell.metadata.nbgrader;
  return typeof nbgrader === "object" && nbgrader !== null ? (nbgrader as NbgraderMetadata) : undefined;
}

export const isCheckCell = (cell: Cell): boolean => nbgraderOf(cell)?.grade === true && nbgraderOf(cell)?.solution !== true;

export interface SolutionRegion {
  /** 0-based line indices of the BEGIN and END markers. */
  begin: number;
  end: number;
}

/** The BEGIN..END regions of one cell's lines, checked: no END missing, none nested, none stray. */
export function solutionRegions(lines: string[], where: string): SolutionRegion[] {
  const regions: SolutionRegion[] = [];
  let open: number | undefined;
  for (const [i, line] of lines.entries()) {
    if (BEGIN.test(line)) {
      if (open !== undefined) throw new SolutionMarkupError(`${where}, line ${i + 1}: BEGIN SOLUTION inside the solution begun on line ${open + 1} (regions cannot nest)`);
      open = i;
    } else if (END.test(line)) {
      if (open === undefined) throw new SolutionMarkupError(`${where}, line ${i + 1}: END SOLUTION with no BEGIN SOLUTION before it`);
      regions.push({ begin: open, end: i });
      open = undefined;
    }
  }
  if (open !== undefined) throw new SolutionMarkupError(`${where}, line ${open + 1}: BEGIN SOLUTION has no END SOLUTION`);
  return regions;
}

/** The exercise's name from a solution cell's metadata, or a clear error for a cell marked wrongly. */
function gradeIdOf(cell: Cell, hasRegions: boolean, where: string): string | undefined {
  const nbgrader = nbgraderOf(cell);
  const marked = nbgrader?.solution === true;
  if (!hasRegions && !marked) return undefined;
  if (cell.cell_type !== "code") throw new SolutionMarkupError(`${where}: solution markers belong in code cells, this is a ${cell.cell_type} cell`);
  if (hasRegions && !marked) throw new SolutionMarkupError(`${where}: has a BEGIN SOLUTION region but no nbgrader metadata with "solution": true and a "grade_id"`);
  if (!hasRegions) throw new SolutionMarkupError(`${where}: nbgrader metadata says "solution": true but the cell has no // ### BEGIN SOLUTION region`);
  if (typeof nbgrader?.grade_id !== "string" || nbgrader.grade_id === "") throw new SolutionMarkupError(`${where}: nbgrader metadata has no "grade_id" naming the exercise`);
  return nbgrader.grade_id;
}

export interface CellSolutions {
  gradeId?: string;
  lines: string[];
  regions: SolutionRegion[];
}

/** One cell's solution regions and exercise name; "cell N" counts every cell from 1, as the runner does. */
export function cellSolutions(cell: Cell, index: number, file: string): CellSolutions {
  const where = `${file}: cell ${index + 1}`;
  const lines = joinText(cell.source).split("\n");
  const regions = solutionRegions(lines, where);
  return { gradeId: gradeIdOf(cell, regions.length > 0, where), lines, regions };
}

/** The student's copy of a cell: each region replaced by a throw at its indentation; outputs of solution and check cells cleared. */
function studentCell(cell: Cell, index: number, file: string): Cell {
  const { gradeId, lines, regions } = cellSolutions(cell, index, file);
  if (gradeId === undefined) {
    return cell.cell_type === "code" && isCheckCell(cell) ? { ...cell, outputs: [], execution_count: null } : cell;
  }
  const kept: string[] = [];
  let from = 0;
  for (const region of regions) {
    const indent = /^\s*/.exec(lines[region.begin]!)![0];
    kept.push(...lines.slice(from, region.begin), `${indent}throw new Error(${JSON.stringify(`not done yet: ${gradeId}`)});`);
    from = region.end + 1;
  }
  kept.push(...lines.slice(from));
  return { ...cell, source: kept.join("\n"), outputs: [], execution_count: null } as Cell;
}

const DECLARATION = /\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g;

/**
 * A name declared inside a region and used after it would be missing from
 * the student's copy: the cell would fail to compile ("Cannot find name")
 * instead of throwing "not done yet". Such a name belongs before BEGIN
 * SOLUTION (`let answer: number;`), with only the assignment inside.
 */
function assertNoNameEscapes(teacher: Notebook, file: string): void {
  const code = teacher.cells.map((cell) => (cell.cell_type === "code" ? joinText(cell.source) : ""));
  for (const [index, cell] of teacher.cells.entries()) {
    const { lines, regions } = cellSolutions(cell, index, file);
    for (const region of regions) {
      const after = [lines.slice(region.end + 1).join("\n"), ...code.slice(index + 1)];
      for (let at = region.begin + 1; at < region.end; at++) {
        for (const [, name] of lines[at]!.matchAll(DECLARATION)) {
          const used = new RegExp(`(?<![\\w$.])${name!.replace(/\$/g, "\\$")}(?![\\w$])`);
          const where = after.findIndex((text) => used.test(text));
          if (where < 0) continue;
          const user = where === 0 ? "later in the same cell" : `in cell ${index + 1 + where}`;
          throw new SolutionMarkupError(`${file}: cell ${index + 1}, line ${at + 1}: ${name} is declared inside the solution region but used ${user}; declare it before BEGIN SOLUTION (let ${name}: ...;) and only assign it inside, or the student's copy fails with "Cannot find name" instead of "not done yet"`);
        }
      }
    }
  }
}

export function studentNotebook(teacher: Notebook, file: string): Notebook {
  assertNoNameEscapes(teacher, file);
  return { ...teacher, cells: teacher.cells.map((cell, index) => studentCell(cell, index, file)) };
}

/** Whitespace runs as one space, so a line matches however it is indented or wrapped. */
export const normalizeSpace = (text: string): string => text.replace(/\s+/g, " ").trim();

/**
 * The solution lines a student must not see: each line inside a region,
 * except those the notebook shows anyway outside solutions (a `}` or a line
 * repeated from the lesson) and those too short to mean anything by
 * themselves (under 6 characters, which would match inside any library).
 */
export function secretLines(teacher: Notebook, file: string): string[] {
  const secret = new Set<string>();
  const open = new Set<string>();
  for (const [index, cell] of teacher.cells.entries()) {
    const { lines, regions } = cellSolutions(cell, index, file);
    const inside = new Set(regions.flatMap((r) => Array.from({ length: r.end - r.begin - 1 }, (_, k) => r.begin + 1 + k)));
    for (const [i, line] of lines.entries()) (inside.has(i) ? secret : open).add(normalizeSpace(line));
  }
  return [...secret].filter((line) => !open.has(line) && line.replace(/\s/g, "").length >= 6 && /[A-Za-z0-9]/.test(line));
}

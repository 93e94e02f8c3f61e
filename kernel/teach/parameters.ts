import { cellTags, joinText, type Cell, type CodeCell, type Notebook } from "../notebook/nbformat";

/**
 * The parameters cell, as papermill marks it: the one code cell tagged
 * `parameters`. Its lines follow the course convention (CONVENTIONS.md):
 * comments, blank lines, and one `const NAME = <JSON literal>; // what it is`
 * per parameter, so every value can be read, typed and replaced without a
 * TypeScript parser.
 */
export const PARAMETERS_TAG = "parameters";

export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Parameter {
  name: string;
  /** The declared (default) value. */
  value: JsonValue;
  /** The type annotation written after the name, if any (`const lr: number = ...`). */
  annotation?: string;
  /** The line's trailing comment, without the slashes. */
  comment: string;
  /** 1-based line within the cell. */
  line: number;
}

export interface ParametersCell {
  /** Index of the cell in notebook.cells. */
  index: number;
  parameters: Parameter[];
}

/** A parameters cell that cannot be read, or a notebook where one is needed and missing; the message names file, cell and line. */
export class ParametersError extends Error {}

const DECLARATION = /^const\s+([A-Za-z_$][\w$]*)\s*(?::\s*([^=]+?)\s*)?=\s*(.*)$/;

/** Cell number as people count it: 1-based, markdown cells included (the runner's failures count the same way). */
function where(file: string, index: number, line?: number): string {
  return `${file}: cell ${index + 1}${line === undefined ? "" : `, line ${line}`}`;
}

/** The cell tagged `parameters`, or undefined; two of them are an error (papermill would take the first silently). */
export function findParametersCell(notebook: Notebook, file: string): { index: number; cell: CodeCell } | undefined {
  const tagged = notebook.cells.flatMap((cell: Cell, index) => (cellTags(cell).includes(PARAMETERS_TAG) ? [{ cell, index }] : []));
  if (tagged.length === 0) return undefined;
  if (tagged.length > 1) throw new ParametersError(`${file}: cells ${tagged.map((t) => t.index + 1).join(" and ")} are both tagged "${PARAMETERS_TAG}"; keep one`);
  const { cell, index } = tagged[0]!;
  if (cell.cell_type !== "code") throw new ParametersError(`${where(file, index)} is tagged "${PARAMETERS_TAG}" but is a ${cell.cell_type} cell`);
  return { index, cell };
}

/**
 * `<JSON literal>; // comment`: the literal ends at the first `;` after which
 * only a comment follows and before which the text parses as JSON (a string
 * literal may itself hold `;` or `//`).
 */
function splitLiteral(rest: string): { value: JsonValue; comment: string } | undefined {
  for (let at = rest.indexOf(";"); at >= 0; at = rest.indexOf(";", at + 1)) {
    const after = rest.slice(at + 1).trim();
    if (after !== "" && !after.startsWith("//")) continue;
    try {
      return { value: JSON.parse(rest.slice(0, at)) as JsonValue, comment: after.replace(/^\/\/\s?/, "").trim() };
    } catch {
      // not the end of the literal yet
    }
  }
  return undefined;
}

/** Reads every declaration of the parameters cell; undefined when the notebook has none. */
export function readParameters(notebook: Notebook, file: string): ParametersCell | undefined {
  const found = findParametersCell(notebook, file);
  if (!found) return undefined;
  const parameters: Parameter[] = [];
  const lines = joinText(found.cell.source).split("\n");
  for (const [i, raw] of lines.entries()) {
    const text = raw.trim();
    if (text === "" || text.startsWith("//")) continue;
    const line = i + 1;
    const declaration = DECLARATION.exec(text);
    const literal = declaration ? splitLiteral(declaration[3]!) : undefined;
    if (!declaration || !literal) {
      throw new ParametersError(`${where(file, found.index, line)}: the parameters cell takes only \`const NAME = <JSON literal>; // comment\` lines, got: ${text}`);
    }
    const name = declaration[1]!;
    if (parameters.some((p) => p.name === name)) throw new ParametersError(`${where(file, found.index, line)}: ${name} is declared twice`);
    parameters.push({ name, value: literal.value, annotation: declaration[2], comment: literal.comment, line });
  }
  return { index: found.index, parameters };
}

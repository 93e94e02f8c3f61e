import { parse, type Pattern, type Program, type Statement, type ModuleDeclaration } from "acorn";
import { transform } from "sucrase";

/**
 * A notebook cell's TypeScript as JavaScript the page's worker can run with
 * the kernel's semantics:
 * - sucrase strips the types;
 * - each `import` becomes a `require` of the worker's own modules;
 * - every top-level name the cell declares is copied to `globalThis` right
 *   after its declaration and again at the cell's end, so later cells see it
 *   (as the kernel's do; a function an earlier cell defined still reads its
 *   own cell's copy of a name a later cell reassigns);
 * - the last expression statement is returned: the cell's result;
 * - the whole is an async function, so `await` works at top level.
 * Nothing adds or removes a line, so an error's line is the cell's line.
 */

/** What a cell compiles to: the source of an async function, to be evaluated once and called. */
export interface CellCode {
  functionSource: string;
}

interface Edit {
  at: number;
  /** How many characters of the source it replaces. */
  length: number;
  text: string;
}

/** Compiles one cell; `label` (e.g. "cell-3") names the script in stack traces. Throws a SyntaxError naming the line. */
export function compileCell(source: string, label: string): CellCode {
  // Unused imports are kept: the kernel makes a cell's imports visible to later cells, used here or not
  // (an import only of types then reads an undefined property, harmlessly).
  const javascript = transform(source, { transforms: ["typescript"], disableESTransforms: true, keepUnusedImports: true }).code;
  const program = parse(javascript, { ecmaVersion: "latest", sourceType: "module", locations: true }) as Program;
  const edits: Edit[] = [];
  const body = program.body;
  const last = body[body.length - 1];
  const declared: string[] = [];
  for (const statement of body) {
    if (statement.type === "ImportDeclaration") {
      edits.push({ at: statement.start, length: statement.end - statement.start, text: requireOf(statement) });
    } else if (statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration" || statement.type === "ExportAllDeclaration") {
      throw new SyntaxError(`a cell has nothing to export to (line ${lineOf(javascript, statement.start)}); declare the name without "export"`);
    }
    const names = declaredNames(statement);
    if (names.length === 0) continue;
    declared.push(...names);
    const publish = publishing(names);
    // A function declaration is hoisted: published before the cell's first statement, as it is usable from there.
    if (statement.type === "FunctionDeclaration") edits.push({ at: 0, length: 0, text: `${publish} ` });
    else edits.push({ at: statement.end, length: 0, text: ` ${publish}` });
  }
  // Published again at the end: a `let` the cell assigns after declaring it (or in a later statement) holds its last value.
  const publishAtEnd = publishing(declared);
  if (last?.type === "ExpressionStatement" && !("directive" in last && last.directive)) {
    edits.push({ at: last.expression.start, length: 0, text: "const cellResult$ = (" }, { at: last.expression.end, length: 0, text: `); ${publishAtEnd} return cellResult$;` });
  } else {
    edits.push({ at: javascript.length, length: 0, text: ` ${publishAtEnd}` });
  }
  return { functionSource: `(async function () { ${applyEdits(javascript, edits)}\n})\n//# sourceURL=${label}` };
}

function publishing(names: readonly string[]): string {
  return names.map((name) => `globalThis.${name} = ${name};`).join(" ");
}

/** `import { a, b as c } from "m"` as `const { a, b: c } = require("m");` (default and namespace imports too), on the same line. */
function requireOf(statement: Extract<Statement | ModuleDeclaration, { type: "ImportDeclaration" }>): string {
  const module = JSON.stringify(statement.source.value);
  const parts: string[] = [];
  for (const specifier of statement.specifiers) {
    if (specifier.type === "ImportNamespaceSpecifier") parts.push(`const ${specifier.local.name} = require(${module});`);
    else if (specifier.type === "ImportDefaultSpecifier") parts.push(`const ${specifier.local.name} = require(${module}).default;`);
  }
  const named = statement.specifiers.flatMap((specifier) => {
    if (specifier.type !== "ImportSpecifier") return [];
    const imported = specifier.imported.type === "Identifier" ? specifier.imported.name : JSON.stringify(specifier.imported.value);
    return [imported === specifier.local.name ? imported : `${imported}: ${specifier.local.name}`];
  });
  if (named.length > 0) parts.push(`const { ${named.join(", ")} } = require(${module});`);
  if (statement.specifiers.length === 0) parts.push(`require(${module});`);
  return parts.join(" ");
}

/** The names a top-level statement declares (variables, functions, classes; an import's local names). */
function declaredNames(statement: Statement | ModuleDeclaration): string[] {
  switch (statement.type) {
    case "VariableDeclaration":
      return statement.declarations.flatMap((declaration) => patternNames(declaration.id));
    case "FunctionDeclaration":
    case "ClassDeclaration":
      return statement.id ? [statement.id.name] : [];
    case "ImportDeclaration":
      return statement.specifiers.map((specifier) => specifier.local.name);
    default:
      return [];
  }
}

function patternNames(pattern: Pattern): string[] {
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name];
    case "ObjectPattern":
      return pattern.properties.flatMap((property) => patternNames(property.type === "RestElement" ? property.argument : property.value));
    case "ArrayPattern":
      return pattern.elements.flatMap((element) => (element ? patternNames(element) : []));
    case "RestElement":
      return patternNames(pattern.argument);
    case "AssignmentPattern":
      return patternNames(pattern.left);
    default:
      return [];
  }
}

function applyEdits(text: string, edits: Edit[]): string {
  // From the end backwards, so each edit's position still holds. At one position a replacement goes first
  // (an insertion made before it would be replaced too), then the insertions, the last made first, so they read in the order made.
  const ordered = edits.map((edit, order) => ({ ...edit, order })).sort((a, b) => b.at - a.at || b.length - a.length || b.order - a.order);
  let out = text;
  for (const edit of ordered) out = out.slice(0, edit.at) + edit.text + out.slice(edit.at + edit.length);
  return out;
}

function lineOf(text: string, position: number): number {
  return text.slice(0, position).split("\n").length;
}


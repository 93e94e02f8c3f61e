/**
 * JSON.parse with two refusals it lacks: a key given twice in one object
 * (JSON.parse silently keeps the last, so a network file could say one thing
 * and run another) and nesting deep enough to exhaust the stack. Errors name
 * the source, the line and column, and the path to the value.
 */
export const MAX_JSON_DEPTH = 256;

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A whole JSON string literal; JSON.parse then decodes its escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in a string, so the pattern names them
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

export function parseJsonStrict(text: string, source: string): unknown {
  let at = 0;

  const fail = (problem: string): never => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    throw new Error(`${source}: ${problem} (line ${line}, column ${column})`);
  };
  const skipSpace = (): void => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = at;
    const found = pattern.exec(text)?.[0];
    if (found !== undefined) at = pattern.lastIndex;
    return found;
  };
  const expect = (char: string, what: string): void => {
    skipSpace();
    if (text[at] !== char) fail(`not valid JSON: expected ${what}, found ${text[at] === undefined ? "the end" : JSON.stringify(text[at])}`);
    at++;
  };

  /** The items of an object or array up to `close` (its opening bracket read), each read by `readItem`, separated by commas. */
  const items = (close: "}" | "]", readItem: () => void): void => {
    skipSpace();
    if (text[at] === close) {
      at++;
      return;
    }
    for (;;) {
      readItem();
      skipSpace();
      if (text[at] !== ",") break;
      at++;
    }
    expect(close, `',' or '${close}'`);
  };

  const value = (path: string, depth: number): unknown => {
    if (depth > MAX_JSON_DEPTH) fail(`nested too deeply at ${where(path)} (more than ${MAX_JSON_DEPTH} levels)`);
    skipSpace();
    const char = text[at];
    if (char === "{") {
      at++;
      const object: Record<string, unknown> = {};
      items("}", () => {
        skipSpace();
        const keyStart = at;
        const literal = match(STRING);
        if (literal === undefined) fail(`not valid JSON: expected a quoted key in ${where(path)}`);
        const key = JSON.parse(literal as string) as string;
        if (Object.hasOwn(object, key)) {
          at = keyStart;
          fail(`duplicate key ${JSON.stringify(key)} in ${where(path)}`);
        }
        expect(":", "':' after a key");
        // defineProperty, so a key named __proto__ is an ordinary key as in JSON.parse.
        Object.defineProperty(object, key, {
          value: value(path === "" ? key : `${path}.${key}`, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      });
      return object;
    }
    if (char === "[") {
      at++;
      const array: unknown[] = [];
      items("]", () => array.push(value(`${path}[${array.length}]`, depth + 1)));
      return array;
    }
    if (char === '"') {
      const literal = match(STRING);
      if (literal === undefined) fail("not valid JSON: a string is not closed or holds a raw control character");
      return JSON.parse(literal as string);
    }
    for (const [word, result] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return result;
      }
    }
    const number = match(NUMBER);
    if (number === undefined) fail(`not valid JSON: unexpected ${char === undefined ? "end of text" : JSON.stringify(char)}`);
    return Number(number);
  };

  const result = value("", 0);
  skipSpace();
  if (at < text.length) fail(`not valid JSON: unexpected ${JSON.stringify(text[at])} after the value`);
  return result;
}

function where(path: string): string {
  return path === "" ? "the top level" : path;
}

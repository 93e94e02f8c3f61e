import { ParametersError, type JsonValue, type Parameter } from "./parameters";

/**
 * Values given on the command line or in a --parameters file, checked
 * against what the parameters cell declares. A wrong name or type is caught
 * here, before any kernel starts, instead of as a TypeScript error deep in a
 * notebook run.
 */

function typeName(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * `-p NAME VALUE` text as papermill reads it (true/false, a number, JSON for
 * an array or object, else the text itself), except that the declared value
 * decides: a string parameter takes the text as it is, so `-p label 0.1` is
 * the string "0.1" and `-p rate abc` is an error rather than the string "abc".
 */
export function parseCommandLineValue(text: string, declared: JsonValue): JsonValue {
  switch (typeName(declared)) {
    case "string":
      return text;
    case "number": {
      const number = text.trim() === "" ? NaN : Number(text);
      return Number.isFinite(number) ? number : text;
    }
    case "boolean":
      if (/^true$/i.test(text)) return true;
      if (/^false$/i.test(text)) return false;
      return text;
    default:
      try {
        return JSON.parse(text) as JsonValue;
      } catch {
        return text;
      }
  }
}

function isJsonObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeName(value) === "object";
}

/**
 * Why `value` cannot replace `declared`, or undefined when it can. Arrays
 * whose declared elements share one type want that type throughout; objects
 * want the declared keys, each with its declared type.
 */
export function typeMismatch(value: JsonValue, declared: JsonValue, path = ""): string | undefined {
  const want = typeName(declared);
  const got = typeName(value);
  if (want !== got) return `${path ? `${path} ` : ""}wants a ${want} (like ${JSON.stringify(declared)}), got ${JSON.stringify(value)}`;
  if (Array.isArray(declared) && Array.isArray(value) && declared.length > 0) {
    const model = declared[0]!;
    if (!declared.every((element) => typeName(element) === typeName(model))) return undefined;
    for (const [i, element] of value.entries()) {
      const problem = typeMismatch(element, model, `${path}[${i}]`);
      if (problem) return problem;
    }
  }
  if (isJsonObject(declared) && isJsonObject(value)) {
    for (const key of Object.keys(value)) if (!Object.hasOwn(declared, key)) return `${path}.${key} is not a key of the declared object ${JSON.stringify(declared)}`;
    for (const [key, model] of Object.entries(declared)) {
      if (!Object.hasOwn(value, key)) return `${path}.${key} is missing (declared ${JSON.stringify(declared)})`;
      const problem = typeMismatch(value[key]!, model, `${path}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** A value as the user gave it: text from `-p`, or JSON from a `--parameters` file. */
export type GivenValue = { text: string } | { json: JsonValue };

/** The values to inject, each checked against its declaration; the first problem is thrown as one line naming the notebook. */
export function resolveValues(given: ReadonlyMap<string, GivenValue>, declared: Parameter[], file: string): Map<string, JsonValue> {
  const byName = new Map(declared.map((p) => [p.name, p]));
  const values = new Map<string, JsonValue>();
  for (const [name, input] of given) {
    const parameter = byName.get(name);
    if (!parameter) {
      const known = declared.map((p) => p.name).join(", ") || "nothing";
      throw new ParametersError(`${file}: the parameters cell declares no ${name} (it declares ${known})`);
    }
    const value = "text" in input ? parseCommandLineValue(input.text, parameter.value) : input.json;
    const problem = typeMismatch(value, parameter.value);
    // A nested problem starts with its path ("[1] wants...", ".hidden is missing"), which joins the name without a space.
    if (problem) throw new ParametersError(`${file}: parameter ${name}${problem.startsWith("wants") ? " " : ""}${problem}`);
    values.set(name, value);
  }
  return values;
}

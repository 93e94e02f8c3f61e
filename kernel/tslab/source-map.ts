/**
 * Just enough of Source Map v3 to name a cell's own lines in a traceback:
 * tslab compiles a cell twice (TypeScript to an ES module, then that module
 * to CommonJS), and neither step keeps line numbers. Both steps are asked for
 * a map (source-map-patch.ts); `composeMaps` chains them into one, and
 * `originalPosition` reads it. Lines and columns are 0-based here, as in the
 * format.
 */

/** One mapped point: generated column, then the original line and column (single source, no names). */
type Segment = readonly [generatedColumn: number, originalLine: number, originalColumn: number];
/** Segments per generated line, sorted by column. */
export type DecodedMappings = Segment[][];

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Map([...BASE64].map((char, index) => [char, index]));

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64_VALUE.get(char);
    if (digit === undefined) throw new Error(`source map: '${char}' is not a base64 digit`);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeVlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let text = "";
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    text += BASE64[digit];
  } while (rest > 0);
  return text;
}

/** The `mappings` string of a one-source map, decoded to absolute positions (segments without a source are dropped). */
export function decodeMappings(mappings: string): DecodedMappings {
  const lines: DecodedMappings = [];
  let originalLine = 0;
  let originalColumn = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Segment[] = [];
    let generatedColumn = 0;
    for (const field of lineText.split(",")) {
      if (field === "") continue;
      const [column = 0, , line, originalCol] = decodeVlq(field);
      generatedColumn += column;
      if (line === undefined || originalCol === undefined) continue;
      originalLine += line;
      originalColumn += originalCol;
      segments.push([generatedColumn, originalLine, originalColumn]);
    }
    lines.push(segments.sort((a, b) => a[0] - b[0]));
  }
  return lines;
}

export function encodeMappings(lines: DecodedMappings): string {
  let previousLine = 0;
  let previousColumn = 0;
  return lines
    .map((segments) => {
      let previousGenerated = 0;
      return segments
        .map(([generatedColumn, originalLine, originalColumn]) => {
          const field = encodeVlq(generatedColumn - previousGenerated) + encodeVlq(0) + encodeVlq(originalLine - previousLine) + encodeVlq(originalColumn - previousColumn);
          previousGenerated = generatedColumn;
          previousLine = originalLine;
          previousColumn = originalColumn;
          return field;
        })
        .join(",");
    })
    .join(";");
}

/** The original position of a generated one: the nearest mapped point at or before it on its line (else the line's first). */
export function originalPosition(mappings: DecodedMappings, line: number, column: number): { line: number; column: number } | undefined {
  const segments = mappings[line];
  if (!segments || segments.length === 0) return undefined;
  let found = segments[0]!;
  for (const segment of segments) {
    if (segment[0] > column) break;
    found = segment;
  }
  return { line: found[1], column: found[2] };
}

/** `second` maps its output to `first`'s output; the result maps it straight to `first`'s source. */
export function composeMaps(first: DecodedMappings, second: DecodedMappings): DecodedMappings {
  return second.map((segments) =>
    segments.flatMap(([generatedColumn, line, column]): Segment[] => {
      const original = originalPosition(first, line, column);
      return original ? [[generatedColumn, original.line, original.column]] : [];
    }),
  );
}

const INLINE_MAP = /\n?\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/;

/** Splits code from the inline source map at its end (as TypeScript's `inlineSourceMap` writes it). */
export function takeInlineMap(code: string): { code: string; mappings?: DecodedMappings } {
  const match = INLINE_MAP.exec(code);
  if (!match) return { code };
  const map = JSON.parse(Buffer.from(match[1]!, "base64").toString("utf8")) as { mappings?: unknown };
  const mappings = typeof map.mappings === "string" ? decodeMappings(map.mappings) : undefined;
  return { code: code.slice(0, match.index), mappings };
}

export function inlineMapComment(mappings: DecodedMappings, source: string): string {
  const map = { version: 3, sources: [source], names: [], mappings: encodeMappings(mappings) };
  return `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}`;
}

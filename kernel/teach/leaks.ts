import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { normalizeSpace } from "./solutions";

/**
 * Searches every file of a student edition for solution lines. A line can
 * hide in a file's raw text, behind JSON escapes (a notebook), or split by
 * markup and entities (highlighted code in a page), so each file is read in
 * all three forms before the search.
 */

export interface Leak {
  file: string;
  line: string;
}

function jsonStrings(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const item of value) jsonStrings(item, into);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) jsonStrings(item, into);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** The text a reader sees in an HTML file: tags dropped, entities decoded. */
export function htmlText(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Every readable form of a file's text, whitespace normalized. */
export function readableForms(name: string, text: string): string[] {
  const forms = [text];
  if (/\.(ipynb|json)$/.test(name)) {
    try {
      const strings: string[] = [];
      jsonStrings(JSON.parse(text), strings);
      forms.push(strings.join("\n"));
    } catch {
      // not JSON after all: the raw text is still searched
    }
  }
  if (/\.html?$/.test(name)) forms.push(htmlText(text));
  return forms.map(normalizeSpace);
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Every (file, solution line) pair found under `folder`; an empty list means nothing leaked. */
export async function findLeaks(folder: string, secrets: string[]): Promise<Leak[]> {
  const leaks: Leak[] = [];
  for (const file of await filesUnder(folder)) {
    const forms = readableForms(file, await readFile(file, "utf8"));
    for (const line of secrets) if (forms.some((form) => form.includes(line))) leaks.push({ file, line });
  }
  return leaks;
}

/**
 * The inputs (and text results) of this kernel's stored executions, for
 * history_request. Kept in memory: IPython keeps history in SQLite across
 * sessions, this kernel only for its own life, as session 1 (session 0 and
 * negative numbers in a range request mean "this session" as in IPython).
 */
export const SESSION = 1;

interface Entry {
  line: number;
  input: string;
  output: string | null;
}

/** One history_reply item: [session, line, input] or, with `output`, [session, line, [input, output]]. */
type Item = [number, number, string | [string, string | null]];

export interface HistoryRequest {
  output?: boolean;
  hist_access_type?: string;
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

export class History {
  private readonly entries: Entry[] = [];

  add(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  /** The text/plain of line `line`'s execute_result. */
  setOutput(line: number, output: string): void {
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const entry = this.entries[index]!;
      if (entry.line !== line) continue;
      entry.output = output;
      return;
    }
  }

  reply(request: HistoryRequest): { status: "ok"; history: Item[] } | { status: "error"; ename: string; evalue: string; traceback: string[] } {
    const chosen = this.select(request);
    if (typeof chosen === "string") return { status: "error", ename: "ValueError", evalue: chosen, traceback: [`ValueError: ${chosen}`] };
    return { status: "ok", history: chosen.map((entry) => [SESSION, entry.line, request.output ? [entry.input, entry.output] : entry.input]) };
  }

  private select(request: HistoryRequest): Entry[] | string {
    switch (request.hist_access_type) {
      case "tail":
        return last(request.unique ? unique(this.entries) : this.entries, request.n ?? 10);
      case "range": {
        const session = request.session ?? 0;
        if (session !== SESSION && session > 0) return [];
        const start = request.start ?? 0;
        // IPython's ranges stop before `stop`; none means to the end.
        const stop = request.stop ?? Infinity;
        return this.entries.filter((entry) => entry.line >= start && entry.line < stop);
      }
      case "search": {
        const pattern = globToRegExp(request.pattern ?? "*");
        const found = this.entries.filter((entry) => pattern.test(entry.input));
        const chosen = request.unique ? unique(found) : found;
        return request.n ? last(chosen, request.n) : chosen;
      }
      default:
        return `hist_access_type must be tail, range or search, not ${JSON.stringify(request.hist_access_type)}`;
    }
  }
}

function last(entries: Entry[], n: number): Entry[] {
  return n > 0 ? entries.slice(-n) : [];
}

/** Each input once, at its latest line, in line order. */
function unique(entries: Entry[]): Entry[] {
  const latest = new Map<string, Entry>();
  for (const entry of entries) {
    latest.delete(entry.input);
    latest.set(entry.input, entry);
  }
  return [...latest.values()];
}

/** A glob as IPython's history search reads it (SQLite's GLOB): `*`, `?` and `[...]`, matching the whole input. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === "*") source += "[\\s\\S]*";
    else if (char === "?") source += "[\\s\\S]";
    else if (char === "[") {
      const end = glob.indexOf("]", index + 2);
      if (end < 0) source += "\\[";
      else {
        const set = glob.slice(index + 1, end);
        source += set.startsWith("^") ? `[^${escapeSet(set.slice(1))}]` : `[${escapeSet(set)}]`;
        index = end;
      }
    } else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

function escapeSet(set: string): string {
  return set.replace(/[\\\]]/g, "\\$&");
}

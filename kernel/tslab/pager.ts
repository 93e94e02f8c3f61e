import type { Engine } from "./engine";

/**
 * IPython's help syntax, `name?`: never valid TypeScript, so a cell that is
 * only a name (or a dotted path) followed by `?` asks for its documentation
 * instead of running. The reply carries it as a "page" payload, which
 * JupyterLab and Notebook show in their pager; the text is what
 * inspect_request gives (TypeScript's quick info).
 */
const HELP = /^\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\?\s*$/;

export function isHelpRequest(code: string): boolean {
  return HELP.test(code);
}

export function helpPayload(engine: Engine, code: string): { source: "page"; data: Record<string, string>; start: number }[] {
  const name = HELP.exec(code)![1]!;
  const text = engine.inspect(name, name.length) ?? `no documentation found for ${name}`;
  return [{ source: "page", data: { "text/plain": text }, start: 0 }];
}

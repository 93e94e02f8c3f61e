import { codePointsToUtf16 } from "./cursor";
import type { Engine } from "./engine";

/** inspect_request (Shift-Tab in JupyterLab): TypeScript's quick info at the cursor, its type and documentation, as text. */
export function inspect(engine: Engine, code: string, cursorPos: number) {
  const text = engine.inspect(code, codePointsToUtf16(code, cursorPos));
  return text === undefined ? { status: "ok", found: false, data: {}, metadata: {} } : { status: "ok", found: true, data: { "text/plain": text }, metadata: {} };
}

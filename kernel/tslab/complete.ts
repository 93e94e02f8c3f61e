import { codePointsToUtf16, utf16ToCodePoints } from "./cursor";
import type { Engine } from "./engine";

/** complete_request: TypeScript's completions at the cursor (tslab's converter), knowing every earlier cell's declarations. */
export function complete(engine: Engine, code: string, cursorPos: number) {
  const found = engine.complete(code, codePointsToUtf16(code, cursorPos));
  return {
    status: "ok",
    matches: found.candidates,
    cursor_start: utf16ToCodePoints(code, found.start),
    cursor_end: utf16ToCodePoints(code, found.end),
    metadata: {},
  };
}

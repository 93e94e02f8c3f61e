import type { MimeBundle } from "../../display/bundle";

/** What the page asks of its worker. */
export type PageRequest = { kind: "run"; cellNumber: number; source: string };

/** What the worker tells the page while and after a cell runs. */
export type WorkerMessage =
  | { kind: "stream"; name: "stdout" | "stderr"; text: string }
  | { kind: "display"; bundle: MimeBundle; displayId?: string; update: boolean }
  | { kind: "clear"; wait: boolean }
  | { kind: "result"; bundle: MimeBundle }
  | { kind: "error"; ename: string; evalue: string; traceback: string[] }
  | { kind: "done"; cellNumber: number; ok: boolean };

export function postToPage(message: WorkerMessage): void {
  (globalThis as unknown as { postMessage(message: WorkerMessage): void }).postMessage(message);
}

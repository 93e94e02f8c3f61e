import { relative } from "node:path";
import type { ProgressEvent } from "./notebook/execute";

/** How a notebook whose outputs came from the execution cache is reported, on the progress line and the final one. */
export const REUSED = "cached, not executed: code, parameters, engine and kernel unchanged";

/**
 * Progress on the terminal: one line per running notebook, rewritten in
 * place on a TTY with a single job; plain lines otherwise (CI logs, --jobs).
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, jobs = 1): (event: ProgressEvent) => void {
  const inPlace = stream.isTTY === true && jobs === 1;
  return (event) => {
    const name = relative(process.cwd(), event.file) || event.file;
    const line =
      event.kind === "kernel-started"
        ? `${name}: kernel started (pid ${event.pid})`
        : event.kind === "reused"
          ? `${name}: ${REUSED}`
          : `${name}: cell ${event.cellNumber}/${event.cellCount}, ${(event.elapsedMs / 1000).toFixed(1)} s`;
    if (inPlace) stream.write(`\r\x1b[2K${line}`);
    else stream.write(`${line}\n`);
  };
}

export function clearProgressLine(stream: NodeJS.WriteStream = process.stderr): void {
  if (stream.isTTY) stream.write("\r\x1b[2K");
}

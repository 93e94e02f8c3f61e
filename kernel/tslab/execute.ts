import type { CellOutput } from "./cell-output";
import type { Channels, Request } from "./channels";
import type { RunningCell } from "./control-thread";
import type { Engine } from "./engine";
import type { History } from "./history";
import { helpPayload, isHelpRequest } from "./pager";
import { resultBundle } from "./result";
import type { InputRequests } from "./stdin";
import { diagnosticsError, thrownError, type ErrorContent } from "./traceback";

export interface ExecuteRequest {
  code?: unknown;
  silent?: unknown;
  store_history?: unknown;
  allow_stdin?: unknown;
  stop_on_error?: unknown;
}

export interface Execution {
  channels: Channels;
  output: CellOutput;
  input: InputRequests;
  history: History;
  /** The engine, once TypeScript has loaded (the first cell may wait for it). */
  engine(): Promise<Engine>;
  /** Tells the control thread which cell runs, for interrupts. */
  running: RunningCell;
  /** The execution counter: one up for each stored execution. */
  count: number;
}

/**
 * execute_request: runs the cell, then sends what happened as Jupyter's
 * frontends expect it: `execute_input`, the cell's output as it comes, the
 * value of its last expression as `execute_result` (Out[n]), a failure as an
 * `error` message (also in the reply), then the reply. A silent request
 * sends none of it and is not counted; `store_history: false` is run but not
 * counted or remembered. Returns the reply's status.
 */
export async function execute(request: Request, execution: Execution): Promise<"ok" | "error"> {
  const content = request.message.content as ExecuteRequest;
  const code = typeof content.code === "string" ? content.code : "";
  const silent = content.silent === true;
  const stored = !silent && content.store_history !== false;
  if (stored) execution.count += 1;
  const count = execution.count;
  const { channels, output } = execution;
  output.startCell(request.message.header, silent, content.allow_stdin === true);
  execution.input.startCell(request, content.allow_stdin === true);
  if (!silent) await channels.publish(request.message.header, "execute_input", { code, execution_count: count });
  if (stored) execution.history.add(count, code);

  if (isHelpRequest(code)) {
    const payload = helpPayload(await execution.engine(), code);
    await channels.reply(request, "execute_reply", { status: "ok", execution_count: count, payload, user_expressions: {} });
    return "ok";
  }
  const failure = await run(code, `Cell In[${count}]`, execution, stored);
  output.finishCell();
  if (failure) {
    await output.publish("error", failure);
    await channels.reply(request, "execute_reply", { status: "error", execution_count: count, ...failure });
    return "error";
  }
  await channels.reply(request, "execute_reply", { status: "ok", execution_count: count, payload: [], user_expressions: {} });
  return "ok";
}

/** Runs the cell and publishes its result; returns what to report if it failed. */
async function run(code: string, label: string, execution: Execution, stored: boolean): Promise<ErrorContent | undefined> {
  let engine: Engine;
  try {
    engine = await execution.engine();
  } catch (error) {
    return thrownError(error, () => undefined);
  }
  // tslab's `display` API and gradient-lab/display send display_data through this writer of tslab's.
  engine.tslabJupyter.lastWriteDisplayData = execution.output.displayWriter();
  const outcome = await execution.running.during(() => engine.run(code, label));
  if (outcome.kind === "diagnostics") return diagnosticsError(outcome.diagnostics, { label, lines: code.split("\n") });
  if (outcome.kind === "thrown") return thrownError(outcome.error, (name) => engine.cellOf(name));
  if (outcome.value === undefined) return undefined;
  let data: Record<string, unknown>;
  try {
    data = resultBundle(outcome.value);
  } catch (error) {
    return thrownError(error, (name) => engine.cellOf(name));
  }
  const count = execution.count;
  await execution.output.publish("execute_result", { execution_count: count, data, metadata: {} });
  if (stored && typeof data["text/plain"] === "string") execution.history.setOutput(count, data["text/plain"]);
  return undefined;
}

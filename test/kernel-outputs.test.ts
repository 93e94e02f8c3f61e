import { describe, expect, it } from "vitest";
import { OutputCollector } from "../kernel/notebook/outputs";
import { newMessage } from "../kernel/wire/message";
import { parseNotebook, NotebookFormatError, type CodeCell } from "../kernel/notebook/nbformat";
import { errorText } from "../kernel/notebook/execute";
import { REPORT_LINE_CHARS } from "../kernel/clip";

const iopub = (type: string, content: Record<string, unknown>) => newMessage(type, content, "test");

describe("OutputCollector", () => {
  it("merges stream chunks, updates displays by id across cells and honours clear_output", () => {
    const collector = new OutputCollector();
    const first = collector.startCell();
    collector.add(iopub("stream", { name: "stdout", text: "epoch 1" }));
    collector.add(iopub("stream", { name: "stdout", text: " done\n" }));
    collector.add(iopub("display_data", { data: { "text/plain": "loss 0.5" }, metadata: {}, transient: { display_id: "loss" } }));
    const second = collector.startCell();
    collector.add(iopub("update_display_data", { data: { "text/plain": "loss 0.25" }, metadata: {}, transient: { display_id: "loss" } }));
    collector.add(iopub("stream", { name: "stderr", text: "old\n" }));
    collector.add(iopub("clear_output", { wait: true }));
    collector.add(iopub("error", { ename: "Error", evalue: "boom", traceback: ["Error: boom"] }));
    expect(first).toEqual([
      { output_type: "stream", name: "stdout", text: "epoch 1 done\n" },
      { output_type: "display_data", data: { "text/plain": "loss 0.25" }, metadata: {} },
    ]);
    expect(second).toEqual([{ output_type: "error", ename: "Error", evalue: "boom", traceback: ["Error: boom"] }]);
  });
});

describe("parseNotebook", () => {
  const problem = (text: string) => {
    try {
      parseNotebook(text, "nb.ipynb");
    } catch (error) {
      return error instanceof NotebookFormatError ? error.message : `unexpected ${error}`;
    }
    return "accepted";
  };

  it("names the file and the first problem", () => {
    expect(problem("[]")).toBe("nb.ipynb: not a notebook: the JSON is not an object");
    expect(problem('{"nbformat": 4, "cells": [{"cell_type": "code"}]}')).toBe("nb.ipynb: cell 1 has no source text");
    expect(problem('{"nbformat": 4, "cells": [{"cell_type": "picture", "source": ""}]}')).toBe('nb.ipynb: cell 1 has cell_type "picture"');
    expect(problem('{"nbformat": 4, "cells": []}')).toBe("accepted");
  });
});

describe("a failed cell's error text", () => {
  it("cuts a 5 MB stderr line to a few hundred characters and drops stack frames", () => {
    const line = "E".repeat(5_000_000);
    const cell: CodeCell = { cell_type: "code", source: "", metadata: {}, execution_count: 1, outputs: [{ output_type: "stream", name: "stderr", text: `Error: ${line}\n    at frame (x.ts:1:1)\n` }] };
    expect(errorText(cell)).toBe(`Error: ${"E".repeat(REPORT_LINE_CHARS - 7)}... (${5_000_007 - REPORT_LINE_CHARS} more characters)`);
  });
});

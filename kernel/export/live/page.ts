import { javascript } from "@codemirror/lang-javascript";
import { keymap } from "@codemirror/view";
import { EditorView, basicSetup } from "codemirror";
import type { Output } from "../../notebook/nbformat";
import { newPageEnv } from "../markdown";
import { renderOutput } from "../outputs";
import { CellOutputs } from "./cell-outputs";
import type { WorkerMessage } from "./worker-messages";

/**
 * The course page made live: every code cell gets an editor and Run, the
 * page Run all, Stop, Restart and Reset. Cells run in a Web Worker holding
 * the engine (worker.ts); outputs are rendered by the export's own
 * renderOutput, as the static page shows the stored ones. Without scripts
 * the page is the static one, unchanged.
 */

declare global {
  interface Window {
    /** The worker's code, set by assets/live-worker.js (a page from file:// may not start a worker from a URL). */
    gradientLabWorkerSource?: string;
    Plotly?: { react(box: HTMLElement, figure: unknown): Promise<unknown> };
    /** For tests and the curious: run cells and read their outputs as nbformat. */
    gradientLabLive?: LivePage;
  }
}

interface LiveCell {
  number: number;
  section: HTMLElement;
  stored: string;
  editor: EditorView;
  outputsBox: HTMLElement;
}

const STORAGE_PREFIX = `gradient-lab:${location.pathname}:cell-`;

class LivePage {
  private worker: Worker | null = null;
  /** Cells run since the worker started, in order: what Stop replays. */
  private ranSinceStart: LiveCell[] = [];
  private running: { cell: LiveCell; outputs: CellOutputs; finish(ok: boolean): void } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;
  readonly cells: LiveCell[];
  private readonly status: HTMLElement;

  constructor() {
    this.status = this.toolbar();
    this.cells = Array.from(document.querySelectorAll<HTMLElement>("section.gl-code-cell[data-cell]")).map((section) => this.liveCell(section));
    // The worker (a few hundred ms to parse and start) is started once the page is idle, so a later first Run finds it
    // ready (Safari has no requestIdleCallback: there, right after this task).
    const whenIdle = typeof requestIdleCallback === "function" ? requestIdleCallback : (run: () => void) => setTimeout(run, 0);
    whenIdle(() => {
      if (this.cells.length > 0) this.worker ??= this.startWorker();
    });
  }

  /** Runs one cell after any queued before it; resolves with its outputs (nbformat), false ok if it failed. */
  run(cell: LiveCell): Promise<{ ok: boolean; outputs: Output[] }> {
    const generation = this.generation;
    const result = this.queue.then(() => (generation === this.generation ? this.send(cell) : { ok: false, outputs: [] }));
    this.queue = result;
    return result;
  }

  /** Every cell in page order, stopping at the first that fails (as Jupyter's Run All does); the outputs by cell number. */
  async runAll(): Promise<Record<number, Output[]>> {
    const outputs: Record<number, Output[]> = {};
    for (const cell of this.cells) {
      const done = await this.run(cell);
      outputs[cell.number] = done.outputs;
      if (!done.ok) break;
    }
    return outputs;
  }

  /** Ends the worker at once (a runaway loop cannot be interrupted from outside), then replays the cells run before the stopped one. */
  async stop(): Promise<void> {
    const stopped = this.running?.cell;
    const replay = this.ranSinceStart.filter((cell) => cell !== stopped);
    this.restartWorker();
    this.say(`Stopped${stopped ? ` cell ${stopped.number}` : ""}; replaying the ${replay.length} cell(s) run before it, so later cells see the same state...`);
    for (const cell of replay) await this.run(cell);
    this.say(`Stopped${stopped ? ` cell ${stopped.number}` : ""}; replayed ${replay.length} cell(s).`);
  }

  /** A fresh worker: nothing declared, nothing run. */
  restart(): void {
    this.restartWorker();
    this.say("Restarted: no cell has run.");
  }

  /** Back to the page as exported: stored sources and outputs, saved edits forgotten, a fresh worker. */
  reset(): void {
    this.restartWorker();
    for (const cell of this.cells) {
      localStorage.removeItem(STORAGE_PREFIX + cell.number);
      cell.editor.dispatch({ changes: { from: 0, to: cell.editor.state.doc.length, insert: sourceOf(cell.section) } });
      cell.outputsBox.innerHTML = cell.stored;
      drawFigures(cell.outputsBox);
    }
    this.say("Reset: the cells and outputs as stored.");
  }

  /** Runs the code cell numbered as in the notebook (the regression harness's numbers). */
  runCell(cellNumber: number): Promise<{ ok: boolean; outputs: Output[] }> {
    return this.run(this.cell(cellNumber));
  }

  /** Puts `text` in a cell's editor, as typing would (so it is saved for a reload too). */
  setSource(cellNumber: number, text: string): void {
    const cell = this.cell(cellNumber);
    cell.editor.dispatch({ changes: { from: 0, to: cell.editor.state.doc.length, insert: text } });
  }

  source(cellNumber: number): string {
    return this.cell(cellNumber).editor.state.doc.toString();
  }

  private cell(cellNumber: number): LiveCell {
    const cell = this.cells.find((c) => c.number === cellNumber);
    if (!cell) throw new Error(`this page has no code cell ${cellNumber}`);
    return cell;
  }

  private restartWorker(): void {
    this.worker?.terminate();
    this.worker = null;
    this.running?.finish(false);
    this.running = null;
    this.ranSinceStart = [];
    this.generation++;
    this.queue = Promise.resolve();
  }

  private startWorker(): Worker {
    const source = window.gradientLabWorkerSource;
    if (source === undefined) throw new Error("assets/live-worker.js did not load; the cells cannot run");
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => this.receive(event.data);
    worker.onerror = (event) => this.say(`The worker failed: ${event.message}`);
    return worker;
  }

  private send(cell: LiveCell): Promise<{ ok: boolean; outputs: Output[] }> {
    this.worker ??= this.startWorker();
    const outputs = new CellOutputs();
    cell.outputsBox.innerHTML = "";
    cell.section.classList.add("gl-running");
    return new Promise((resolve) => {
      this.running = {
        cell,
        outputs,
        finish: (ok) => {
          cell.section.classList.remove("gl-running");
          if (ok || !this.ranSinceStart.includes(cell)) this.ranSinceStart.push(cell);
          resolve({ ok, outputs: outputs.outputs });
        },
      };
      this.worker!.postMessage({ kind: "run", cellNumber: cell.number, source: cell.editor.state.doc.toString() });
    });
  }

  private receive(message: WorkerMessage): void {
    const running = this.running;
    if (!running) return;
    if (running.outputs.take(message)) showOutputs(running.cell.outputsBox, running.outputs.outputs, running.cell.number);
    if (message.kind === "done") {
      this.running = null;
      running.finish(message.ok);
    }
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private toolbar(): HTMLElement {
    const bar = document.createElement("div");
    bar.className = "gl-live-bar gl-live";
    const button = (label: string, action: () => unknown) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", () => void action());
      bar.append(b);
    };
    button("Run all", () => this.runAll());
    button("Stop", () => this.stop());
    button("Restart", () => this.restart());
    button("Reset", () => this.reset());
    const status = document.createElement("span");
    status.className = "gl-live-status";
    status.setAttribute("role", "status");
    bar.append(status);
    document.querySelector("main.gl-notebook")?.prepend(bar);
    return status;
  }

  private liveCell(section: HTMLElement): LiveCell {
    const number = Number(section.dataset.cell);
    const saved = localStorage.getItem(STORAGE_PREFIX + number);
    let outputsBox = section.querySelector<HTMLElement>(".gl-outputs");
    if (!outputsBox) {
      outputsBox = document.createElement("div");
      outputsBox.className = "gl-outputs";
      section.append(outputsBox);
    }
    const cell: LiveCell = { number, section, stored: outputsBox.innerHTML, outputsBox, editor: undefined as unknown as EditorView };
    cell.editor = new EditorView({
      doc: saved ?? sourceOf(section),
      extensions: [
        keymap.of([{ key: "Shift-Enter", run: () => (void this.run(cell), true) }]),
        basicSetup,
        javascript({ typescript: true }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) localStorage.setItem(STORAGE_PREFIX + number, update.state.doc.toString());
        }),
      ],
    });
    const input = section.querySelector(".gl-input");
    const run = document.createElement("button");
    run.type = "button";
    run.className = "gl-run";
    run.textContent = "Run";
    run.addEventListener("click", () => void this.run(cell));
    const editorBox = document.createElement("div");
    editorBox.className = "gl-editor gl-live";
    editorBox.append(run, cell.editor.dom);
    if (input) input.replaceWith(editorBox);
    else section.prepend(editorBox);
    return cell;
  }
}

function sourceOf(section: HTMLElement): string {
  return JSON.parse(section.querySelector("script.gl-cell-source")?.textContent ?? '""') as string;
}

function showOutputs(box: HTMLElement, outputs: Output[], cellNumber: number): void {
  const env = newPageEnv();
  box.innerHTML = outputs.map((output, i) => renderOutput(output, env, false, `cell ${cellNumber}, output ${i + 1}`)).join("\n");
  drawFigures(box);
}

let plotlyLoading: Promise<void> | undefined;

/** plotly.js, once per page and only when a figure needs it (a page without stored figures does not load it). */
function loadPlotly(): Promise<void> {
  if (window.Plotly) return Promise.resolve();
  plotlyLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "assets/plotly.js";
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("assets/plotly.js did not load"));
    document.head.append(script);
  });
  return plotlyLoading;
}

function drawFigures(box: HTMLElement): void {
  const figures = Array.from(box.querySelectorAll<HTMLElement>("figure.gl-figure"));
  if (figures.length === 0) return;
  void loadPlotly().then(() => {
    for (const figure of figures) {
      const island = figure.querySelector("script.gl-figure-data");
      const plot = figure.querySelector<HTMLElement>(".gl-plot");
      if (island && plot) void window.Plotly!.react(plot, JSON.parse(island.textContent ?? "{}"));
    }
  });
}

window.gradientLabLive = new LivePage();

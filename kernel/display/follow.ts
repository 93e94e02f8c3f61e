import { display, flushDisplays, progress, update, type Displayable } from "./live";
import { UPDATE_INTERVAL_MS } from "./throttle";
import { cellIsWatched } from "./tslab";

/** How long the loop runs between two pauses that let the kernel send what was shown (and hear an interrupt). */
const RUN_BETWEEN_PAUSES_MS = 20;

export interface FollowOptions {
  /**
   * How many updates the loop makes at most (`maxSteps`, `epochs`): shows a
   * progress line `label done/total`. The engine's loops yield the untrained
   * state first, so the entries after it are the updates done.
   */
  total?: number;
  /** The progress line's label (default "step"). */
  label?: string;
}

/**
 * Runs a training loop given as an iterator of entries (the engine's
 * `trainingSteps` or `fitEpochs`) and shows `draw(entries so far)` as one
 * output that grows while it runs, e.g. a loss curve; returns what the
 * iterator returns (the training run). Use it with `await`.
 *
 * The engine's loops are synchronous, and a kernel sends nothing while
 * JavaScript runs without pause; so this pauses for the event loop every
 * 20 ms. The figure is drawn again at most every 100 ms, and its final state
 * is sent before this returns, also when the loop throws. Ctrl-C (SIGINT)
 * stops the loop at the next pause. Where nobody watches the cell (a batch
 * runner: nbclient, nbval, papermill, `gradient-lab run`) only the final
 * state is shown, once.
 */
export async function follow<Entry, Result>(steps: Iterator<Entry, Result>, draw: (entries: readonly Entry[]) => Displayable, options: FollowOptions = {}): Promise<Result> {
  const entries: Entry[] = [];
  const label = options.label ?? "step";
  let id: string | undefined;
  /** How many entries the figure last sent was drawn from. */
  let drawn = 0;
  const redraw = (): Displayable => {
    drawn = entries.length;
    return draw(entries);
  };
  const showProgress = (): void => {
    if (options.total !== undefined) progress(Math.min(entries.length - 1, options.total), options.total, label);
  };
  let interrupted = false;
  const interrupt = (): void => {
    interrupted = true;
  };
  // Listened for from the first pause on, not before: until then this runs inside tslab's
  // vm.runInThisContext with breakOnSigint, whose end puts back the signal's default action
  // under a listener added meanwhile, and the next Ctrl-C would kill the kernel.
  let listening = false;
  const live = cellIsWatched();
  try {
    let lastPause = performance.now();
    // Drawn on this loop's own clock, one interval apart: the throttle alone would also send a state at every pause.
    let lastDraw = -Infinity;
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      entries.push(next.value);
      const now = performance.now();
      if (live && (id === undefined || now - lastDraw >= UPDATE_INTERVAL_MS)) {
        if (id === undefined) id = display(redraw());
        else update(id, redraw);
        showProgress();
        lastDraw = now;
      }
      if (now - lastPause >= RUN_BETWEEN_PAUSES_MS) {
        await new Promise<void>((resume) => setImmediate(resume));
        if (!listening) process.on("SIGINT", interrupt);
        listening = true;
        if (interrupted) throw new Error(`interrupted after ${entries.length} ${label}(s)`);
        lastPause = performance.now();
      }
    }
  } finally {
    if (listening) process.off("SIGINT", interrupt);
    // The final state, also when the loop threw: a training that diverged still shows its curve up to there.
    if (id === undefined) {
      if (entries.length > 0) display(redraw());
    } else if (drawn !== entries.length) update(id, redraw);
    showProgress();
    flushDisplays();
  }
}

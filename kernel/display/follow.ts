import { display, flushDisplays, progress, update, type Displayable } from "./live";

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
 * 20 ms. Updates are throttled (`update`), and the final state is sent
 * before this returns, also when the loop throws (a training that diverged
 * still shows its curve up to there). Ctrl-C (SIGINT) stops the loop at the
 * next pause.
 */
export async function follow<Entry, Result>(steps: Iterator<Entry, Result>, draw: (entries: readonly Entry[]) => Displayable, options: FollowOptions = {}): Promise<Result> {
  const entries: Entry[] = [];
  let id: string | undefined;
  let interrupted = false;
  const interrupt = (): void => {
    interrupted = true;
  };
  process.on("SIGINT", interrupt);
  try {
    let lastPause = performance.now();
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      entries.push(next.value);
      if (id === undefined) id = display(draw(entries));
      else update(id, () => draw(entries));
      if (options.total !== undefined) progress(Math.min(entries.length - 1, options.total), options.total, options.label ?? "step");
      if (performance.now() - lastPause >= RUN_BETWEEN_PAUSES_MS) {
        await new Promise<void>((resume) => setImmediate(resume));
        if (interrupted) throw new Error(`interrupted after ${entries.length} ${options.label ?? "step"}(s)`);
        lastPause = performance.now();
      }
    }
  } finally {
    process.off("SIGINT", interrupt);
    flushDisplays();
  }
}

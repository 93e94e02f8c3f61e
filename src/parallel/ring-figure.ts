import type { Data, Layout } from "plotly.js-dist";
import type { Figure, FigureFrame } from "../plots/figure";
import { frameName, slider, SLIDER_MARGIN } from "../plots/scrub-training";
import { baseLayout, FIGURE_CONFIG, POSITIVE_COLOUR } from "../plots/style";
import type { CollectiveRun } from "./transfer-log";

/**
 * Whose contributions each rank's copy of each chunk holds after each step of
 * a ring all-reduce, replayed from its message log: a reduce-scatter message
 * merges the sender's set into the receiver's, an all-gather message
 * replaces it. holdings[step][rank][chunk] is a sorted list of ranks; step 0
 * is the start, step k the state after the log's step k - 1.
 */
export function ringHoldings(run: CollectiveRun, ranks: number): number[][][][] {
  const chunks = Math.max(ranks, ...run.log.map((t) => t.chunk + 1));
  let state = Array.from({ length: ranks }, (_, rank) => Array.from({ length: chunks }, () => [rank]));
  const states = [state];
  for (let step = 0; step < run.steps; step++) {
    const next = state.map((row) => row.map((held) => [...held]));
    for (const t of run.log.filter((message) => message.step === step)) {
      const sent = state[t.from as number]![t.chunk]!;
      const receiver = next[t.to as number]!;
      receiver[t.chunk] = t.phase === "reduce-scatter" ? [...new Set([...receiver[t.chunk]!, ...sent])].sort((a, b) => a - b) : [...sent];
    }
    states.push(next);
    state = next;
  }
  return states;
}

/**
 * A ring all-reduce a reader can step through: a grid of ranks by chunks,
 * each cell coloured by how many ranks' contributions it holds and labelled
 * with them, and a slider over the steps. The title names the step's phase
 * and its messages. Plotly frames, so it plays with no kernel.
 */
export function ringAllReduceFigure(run: CollectiveRun, ranks: number, title = "Ring all-reduce, step by step"): Figure {
  const holdings = ringHoldings(run, ranks);
  const chunks = holdings[0]![0]!.length;
  const x = Array.from({ length: chunks }, (_, c) => `chunk ${c}`);
  const y = Array.from({ length: ranks }, (_, r) => `rank ${r}`);
  const cells = (state: number[][][]) => ({
    z: state.map((row) => row.map((held) => held.length)),
    text: state.map((row) => row.map((held) => (held.length === ranks ? `<b>${held.join("+")}</b>` : held.join("+")))),
  });
  const caption = (step: number): string => {
    if (step === 0) return "start: each rank holds only its own numbers";
    const messages = run.log.filter((t) => t.step === step - 1);
    const sends = messages.map((t) => `${t.from}→${t.to}: chunk ${t.chunk}`).join(", ");
    return `after step ${step - 1} (${messages[0]?.phase}): ${sends}`;
  };
  const heading = (step: number) => `${title}<br><sup>${caption(step)}</sup>`;
  const trace: Data = {
    type: "heatmap",
    x,
    y,
    ...cells(holdings[0]!),
    texttemplate: "%{text}",
    zmin: 1,
    zmax: ranks,
    colorscale: [
      [0, "#f7f7f7"],
      [1, POSITIVE_COLOUR],
    ],
    colorbar: { title: { text: "ranks summed" } },
    hovertemplate: "%{y}, %{x}: holds %{text}<extra></extra>",
    xgap: 2,
    ygap: 2,
  } as Data;
  const entries = holdings.map((_, step) => ({ step }));
  const frames: FigureFrame[] = holdings.map((state, step) => ({
    name: frameName(step),
    traces: [0],
    data: [cells(state) as Data],
    layout: { title: { text: heading(step) } },
  }));
  const layout: Partial<Layout> = {
    ...baseLayout(heading(0), "", ""),
    yaxis: { autorange: "reversed" },
    height: 160 + 45 * ranks + SLIDER_MARGIN,
    margin: { l: 70, r: 30, t: 80, b: SLIDER_MARGIN },
    sliders: [slider(entries, "state ")],
  };
  return { data: [trace], layout, config: FIGURE_CONFIG, frames };
}

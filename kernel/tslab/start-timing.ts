import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * Where a kernel's start spends its time: with GRADIENT_LAB_KERNEL_TIMING
 * set to a file, each stage appends "<stage> <ms since the process began>"
 * to it (kernel/README.md, "Start-up", was measured so). Unset: nothing.
 */
const file = process.env.GRADIENT_LAB_KERNEL_TIMING;
delete process.env.GRADIENT_LAB_KERNEL_TIMING;

export function startStage(stage: string): void {
  if (file) appendFileSync(file, `${process.pid} ${stage} ${performance.now().toFixed(0)}\n`);
}

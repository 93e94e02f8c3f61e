import { spawn } from "node:child_process";

export interface ProgramRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A program run to its exit without blocking the test's worker: a
 * spawnSync of minutes (pytest over the course, nbgrader's autograde) starves
 * vitest's own messages to the worker until vitest gives up on them.
 */
export function runProgram(program: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProgramRun> {
  return new Promise((done, fail) => {
    const child = spawn(program, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (status) => done({ status, stdout, stderr }));
  });
}

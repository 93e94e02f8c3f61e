import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPOSITORY } from "../helpers/kernel-prefix";
import { runProgram } from "../helpers/run-program";
import { needVenv } from "../helpers/venv";

/**
 * deploy/: what can be checked without a Docker engine or a cluster. The
 * Helm values against Zero to JupyterHub's own schema and chart defaults (as
 * `helm lint` checks them), and the image installing the course with the one
 * script the JupyterHub test runs.
 */
const python = needVenv("deploy/ checks", "python");
const DEPLOY = join(REPOSITORY, "deploy");
const scratch = mkdtempSync(join(tmpdir(), "gradient-lab-deploy-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const checkValues = (path: string) => runProgram(python.path, [join(DEPLOY, "z2jh", "check_values.py"), path], { cwd: REPOSITORY, env: process.env });

describe.skipIf(python.skip)("deploy/values.yaml on Zero to JupyterHub", () => {
  it("passes the chart's schema with the chart's defaults merged under it", async () => {
    const run = await checkValues(join(DEPLOY, "values.yaml"));
    expect(run.stdout + run.stderr).toBe("ok\n");
    expect(run.status).toBe(0);
  });

  it("fails on a misspelt key or a wrong type, naming where", async () => {
    const values = readFileSync(join(DEPLOY, "values.yaml"), "utf8").replace("  defaultUrl: /lab", "  defaultURL: /lab").replace("timeout: 3600", "timeout: soon");
    const path = join(scratch, "values.yaml");
    writeFileSync(path, values);
    const run = await checkValues(path);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`${path}: $.singleuser: Additional properties are not allowed ('defaultURL' was unexpected)`);
    expect(run.stdout).toContain(`${path}: $.cull.timeout: 'soon' is not of type 'integer'`);
  });
});

describe("deploy/Dockerfile and deploy/install-course.sh", () => {
  it("installs the course in the image with the script the JupyterHub test runs", () => {
    const dockerfile = readFileSync(join(DEPLOY, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^RUN \/srv\/course\/deploy\/install-course\.sh \/srv\/course "\$\{CONDA_DIR\}"/m);
    expect(readFileSync(join(REPOSITORY, "test", "teach", "jupyterhub.test.ts"), "utf8")).toContain('join(REPOSITORY, "deploy", "install-course.sh")');
  });

  it("refuses a folder that is not a course, and wrong arguments, with a usage line", async () => {
    const wrong = await runProgram("bash", [join(DEPLOY, "install-course.sh"), scratch], { cwd: scratch, env: process.env });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("usage: ");
    const notCourse = await runProgram("bash", [join(DEPLOY, "install-course.sh"), scratch, join(scratch, "prefix")], { cwd: scratch, env: process.env });
    expect(notCourse.status).toBe(2);
    expect(notCourse.stderr).toContain(`${scratch} has no package.json: not a course folder`);
  });
});

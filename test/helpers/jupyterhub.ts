import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { freePort } from "./jupyter-server";

/**
 * JupyterHub 6 (pinned in test/python/requirements.txt) as a small class
 * uses it on one machine: configurable-http-proxy from npm, the dummy
 * authenticator (one shared password), and the simple local-process spawner
 * (every learner's single-user server a process of this user, with a home
 * folder of its own).
 */
export interface HubOptions {
  /** The venv's `jupyterhub` program; `jupyterhub-singleuser` lies beside it. */
  jupyterhub: string;
  /** configurable-http-proxy's program (node_modules/.bin). */
  proxy: string;
  /** A folder for the hub's database, cookie secret and config. */
  state: string;
  /** `{username}` in it becomes each learner's home (the notebooks' folder). */
  homeTemplate: string;
  /** The single-user servers' environment additions (JUPYTER_PATH to the kernel's install, JUPYTER_CONFIG_DIR). */
  environment: Record<string, string>;
  password: string;
}

export interface RunningHub {
  /** http://127.0.0.1:<port>: the proxy, where learners connect. */
  readonly base: string;
  readonly pid: number;
  log(): string;
  stop(): Promise<void>;
}

/** A hub starting ten servers at once on a loaded 2-core machine: room, not a goal. */
const START_LIMIT_MS = 180_000;
const STOP_GRACE_MS = 20_000;

const py = (value: unknown): string => JSON.stringify(value);

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const [port, hubPort, proxyApiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const base = `http://127.0.0.1:${port}`;
  const config = join(options.state, "jupyterhub_config.py");
  writeFileSync(
    config,
    [
      "c = get_config()",
      `c.JupyterHub.bind_url = ${py(base)}`,
      `c.JupyterHub.hub_bind_url = ${py(`http://127.0.0.1:${hubPort}`)}`,
      `c.ConfigurableHTTPProxy.api_url = ${py(`http://127.0.0.1:${proxyApiPort}`)}`,
      `c.ConfigurableHTTPProxy.command = [${py(options.proxy)}]`,
      `c.JupyterHub.db_url = ${py(`sqlite:///${join(options.state, "jupyterhub.sqlite")}`)}`,
      `c.JupyterHub.cookie_secret_file = ${py(join(options.state, "jupyterhub_cookie_secret"))}`,
      `c.JupyterHub.pid_file = ${py(join(options.state, "jupyterhub.pid"))}`,
      'c.JupyterHub.authenticator_class = "dummy"',
      `c.DummyAuthenticator.password = ${py(options.password)}`,
      "c.Authenticator.allow_all = True",
      'c.JupyterHub.spawner_class = "simple"',
      `c.SimpleLocalProcessSpawner.home_dir_template = ${py(options.homeTemplate)}`,
      `c.Spawner.cmd = [${py(join(dirname(options.jupyterhub), "jupyterhub-singleuser"))}]`,
      ...(process.getuid?.() === 0 ? ['c.Spawner.args = ["--ServerApp.allow_root=True"]'] : []),
      'c.Spawner.default_url = "/lab"',
      `c.Spawner.environment = ${py(options.environment)}`,
      "c.Spawner.start_timeout = 300",
      "c.Spawner.http_timeout = 300",
    ].join("\n"),
  );
  const hub = spawn(options.jupyterhub, ["-f", config], {
    cwd: options.state,
    // The hub starts jupyterhub-singleuser and its servers start kernels: the venv first on PATH, as an activated venv has it.
    env: { ...process.env, PATH: `${dirname(options.jupyterhub)}${delimiter}${process.env.PATH ?? ""}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  const log = (): string => chunks.join("");
  await new Promise<void>((ready, failed) => {
    const limit = setTimeout(() => failed(new Error(`JupyterHub did not say it runs within ${START_LIMIT_MS / 1000} s; its log:\n${log()}`)), START_LIMIT_MS);
    const listen = (chunk: Buffer): void => {
      chunks.push(String(chunk));
      if (log().includes("JupyterHub is now running at")) {
        clearTimeout(limit);
        ready();
      }
    };
    hub.stdout?.on("data", listen);
    hub.stderr?.on("data", listen);
    hub.once("exit", (code, signal) => {
      clearTimeout(limit);
      failed(new Error(`JupyterHub exited (${signal ?? `code ${code}`}) before it ran; its log:\n${log()}`));
    });
  });
  return { base, pid: hub.pid!, log, stop: () => stopHub(hub) };
}

/** SIGTERM: the hub stops every single-user server (and so their kernels) and the proxy it started, then exits. */
async function stopHub(hub: ChildProcess): Promise<void> {
  if (hub.exitCode !== null || hub.signalCode !== null) return;
  const exited = new Promise((done) => hub.once("exit", done));
  hub.kill("SIGTERM");
  const stubborn = setTimeout(() => hub.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(stubborn);
}

/** Cookies as a browser keeps them for one site: name to value, from each response's Set-Cookie. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of (response.headers as Headers & { getSetCookie(): string[] }).getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

/**
 * One learner, scripted as a browser would do it: the hub's login form (with
 * its XSRF cookie), then an API token for the scripted clients, the server
 * started and waited for through the hub's progress events.
 */
export class Learner {
  private readonly cookies = new CookieJar();
  private token: string | undefined;

  constructor(
    readonly hub: string,
    readonly name: string,
  ) {}

  private async request(path: string, init: RequestInit & { expect: number[] }): Promise<Response> {
    const response = await fetch(`${this.hub}${path}`, { redirect: "manual", ...init, headers: { cookie: this.cookies.header(), ...init.headers } });
    this.cookies.take(response);
    if (!init.expect.includes(response.status)) throw new Error(`${this.name}: ${init.method ?? "GET"} ${path} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
    return response;
  }

  async logIn(password: string): Promise<void> {
    // The hub's pages carry their XSRF token. The hub also sets it as a cookie, but only for a
    // navigation (Sec-Fetch-Mode: navigate), and Node's fetch always says "cors": the jar keeps it
    // as a browser would have it.
    const xsrfOf = async (path: string, pattern: RegExp): Promise<string> => {
      const token = pattern.exec(await (await this.request(path, { expect: [200] })).text())?.[1];
      if (!token) throw new Error(`${this.name}: ${path} carries no XSRF token`);
      this.cookies.set("_xsrf", token);
      return token;
    };
    const loginXsrf = await xsrfOf("/hub/login", /name="_xsrf" value="([^"]+)"/);
    const form = new URLSearchParams({ username: this.name, password, _xsrf: loginXsrf });
    await this.request("/hub/login?next=%2Fhub%2F", { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded" }, expect: [302] });
    if (!this.cookies.get("jupyterhub-hub-login")) throw new Error(`${this.name}: the hub did not log in (no jupyterhub-hub-login cookie)`);
    // A logged-in session has a token of its own: the token page's, where a learner asks for an API token.
    const sessionXsrf = await xsrfOf("/hub/token", /xsrf_token: "([^"]+)"/);
    const tokenResponse = await this.request(`/hub/api/users/${this.name}/tokens`, {
      method: "POST",
      body: JSON.stringify({ note: "gradient-lab class test", expires_in: 3600 }),
      headers: { "content-type": "application/json", "X-XSRFToken": sessionXsrf },
      expect: [200, 201],
    });
    this.token = ((await tokenResponse.json()) as { token: string }).token;
  }

  authorization(): Record<string, string> {
    if (!this.token) throw new Error(`${this.name}: not logged in`);
    return { authorization: `token ${this.token}` };
  }

  /** Starts the learner's server and resolves when the hub's progress stream says it is ready. */
  async startServer(): Promise<void> {
    await this.request(`/hub/api/users/${this.name}/server`, { method: "POST", headers: this.authorization(), expect: [201, 202] });
    const progress = await fetch(`${this.hub}/hub/api/users/${this.name}/server/progress`, { headers: { ...this.authorization(), accept: "text/event-stream" } });
    if (!progress.ok || !progress.body) throw new Error(`${this.name}: progress stream answered ${progress.status}`);
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of progress.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      for (const line of buffered.split("\n").slice(0, -1)) {
        if (!line.startsWith("data:")) continue;
        const event = JSON.parse(line.slice(5)) as { ready?: boolean; failed?: boolean; message?: string };
        if (event.failed) throw new Error(`${this.name}: the server failed to start: ${event.message}`);
        if (event.ready) return;
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    }
    throw new Error(`${this.name}: the progress stream ended before the server was ready`);
  }

  /** A session for a notebook of the learner's home on `kernel` (the kernel starts in the notebook's folder); returns the kernel's id. */
  async startSession(path: string, kernel: string): Promise<string> {
    const response = await this.request(`/user/${this.name}/api/sessions`, {
      method: "POST",
      body: JSON.stringify({ path, name: path, type: "notebook", kernel: { name: kernel } }),
      headers: { ...this.authorization(), "content-type": "application/json" },
      expect: [201],
    });
    return ((await response.json()) as { kernel: { id: string } }).kernel.id;
  }

  channelsUrl(kernelId: string): string {
    return `${this.hub.replace(/^http/, "ws")}/user/${this.name}/api/kernels/${kernelId}/channels`;
  }
}

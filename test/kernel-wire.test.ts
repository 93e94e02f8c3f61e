import { afterEach, describe, expect, it } from "vitest";
import * as zmq from "zeromq";
import { statSync } from "node:fs";
import { address, newConnectionInfo, writeConnectionFile, type ConnectionInfo } from "../kernel/wire/connection";
import { KernelClient } from "../kernel/wire/client";
import { decodeMessage, encodeMessage, newMessage, type JupyterMessage } from "../kernel/wire/message";

describe("message signing", () => {
  const key = "a-secret-key";
  const message = newMessage("execute_request", { code: "1 + 1" }, "session-1");

  it("round-trips a message signed with the same key", () => {
    const decoded = decodeMessage(key, encodeMessage(key, message));
    expect(decoded.ok && decoded.message.content).toEqual({ code: "1 + 1" });
  });

  it("rejects a message signed with another key", () => {
    expect(decodeMessage(key, encodeMessage("another-key", message))).toEqual({ ok: false, reason: "signature does not match" });
  });

  it("rejects a message whose content was changed after signing", () => {
    const frames = encodeMessage(key, message);
    frames[5] = Buffer.from(JSON.stringify({ code: "process.exit()" }));
    expect(decodeMessage(key, frames)).toEqual({ ok: false, reason: "signature does not match" });
  });
});

describe("connection file", () => {
  it("uses loopback ports, a fresh key and is readable by its owner only", async () => {
    const first = await newConnectionInfo();
    const second = await newConnectionInfo();
    expect(first.ip).toBe("127.0.0.1");
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    expect(first.key).not.toBe(second.key);
    expect(new Set([first.shell_port, first.iopub_port, first.stdin_port, first.control_port, first.hb_port]).size).toBe(5);
    const file = await writeConnectionFile(first);
    try {
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
    } finally {
      await file.remove();
    }
  });
});

/**
 * A stand-in kernel on real ZeroMQ sockets that answers every request twice:
 * first with a forged message (signed with a wrong key), then genuinely.
 */
async function fakeKernel(info: ConnectionInfo) {
  const shell = new zmq.Router({ linger: 0 });
  const iopub = new zmq.Publisher({ linger: 0 });
  await shell.bind(address(info, info.shell_port));
  await iopub.bind(address(info, info.iopub_port));
  const forge = (parent: JupyterMessage, type: string, content: object) =>
    encodeMessage("not-the-key", { ...newMessage(type, content, "fake"), parent_header: parent.header });
  const genuine = (parent: JupyterMessage, type: string, content: object) =>
    encodeMessage(info.key, { ...newMessage(type, content, "fake"), parent_header: parent.header });
  void (async () => {
    for await (const [identity, ...frames] of shell) {
      const decoded = decodeMessage(info.key, frames);
      if (!decoded.ok || !identity) continue;
      const request = decoded.message;
      await iopub.send(genuine(request, "status", { execution_state: "busy" }));
      if (request.header.msg_type === "execute_request") {
        await iopub.send(forge(request, "stream", { name: "stdout", text: "forged output\n" }));
        await iopub.send(genuine(request, "stream", { name: "stdout", text: "2\n" }));
      }
      const replyType = request.header.msg_type.replace("_request", "_reply");
      await shell.send([identity, ...forge(request, replyType, { status: "ok", forged: true })]);
      await shell.send([identity, ...genuine(request, replyType, { status: "ok", forged: false })]);
      await iopub.send(genuine(request, "status", { execution_state: "idle" }));
    }
  })();
  return { close: () => (shell.close(), iopub.close()) };
}

describe("KernelClient against a kernel that forges messages", () => {
  let cleanup: (() => void)[] = [];
  afterEach(() => {
    cleanup.forEach((close) => close());
    cleanup = [];
  });

  it("drops replies and outputs with a wrong signature and keeps the genuine ones", async () => {
    const info = await newConnectionInfo();
    const kernel = await fakeKernel(info);
    const client = KernelClient.connect(info);
    cleanup.push(() => client.close(), () => kernel.close());
    const reasons: string[] = [];
    client.on("rejected", (reason: string) => reasons.push(reason));

    const ready = await client.waitForReady(10_000);
    expect(ready.content).toEqual({ status: "ok", forged: false });

    const outputs: unknown[] = [];
    const reply = await client.execute("1 + 1", (message) => outputs.push(message.content));
    expect(reply.content).toEqual({ status: "ok", forged: false });
    expect(outputs).toEqual([{ name: "stdout", text: "2\n" }]);
    expect(client.rejectedCount).toBeGreaterThanOrEqual(3);
    expect(new Set(reasons)).toEqual(new Set(["signature does not match"]));
  });
});

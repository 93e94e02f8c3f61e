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
 * first with a forged message (signed with a wrong key), then genuinely. Its
 * output is sent twice too (a replay, correctly signed), and it publishes a
 * signed message whose parent_header is null.
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
        const output = genuine(request, "stream", { name: "stdout", text: "2\n" });
        await iopub.send(output);
        await iopub.send(output);
        await iopub.send(encodeMessage(info.key, { ...newMessage("stream", { name: "stdout", text: "no parent\n" }, "fake"), parent_header: null as never }));
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
    const everything: unknown[] = [];
    client.on("iopub", (message: JupyterMessage) => everything.push(message.content.text));
    const reply = await client.execute("1 + 1", (message) => outputs.push(message.content));
    expect(reply.content).toEqual({ status: "ok", forged: false });
    // The replayed copy is dropped; the message without a parent reaches the client's "iopub" listeners and harms nothing.
    expect(outputs).toEqual([{ name: "stdout", text: "2\n" }]);
    expect(everything.filter(Boolean)).toEqual(["2\n", "no parent\n"]);
    expect(client.rejectedCount).toBeGreaterThanOrEqual(4);
    expect(new Set(reasons.map((reason) => reason.replace(/[0-9a-f-]{36}$/, "<id>")))).toEqual(new Set(["signature does not match", "replayed message <id>"]));
  });

  it("drops a message past the size limit unparsed, names its type and size, and keeps the connection", async () => {
    const info = await newConnectionInfo();
    const iopub = new zmq.Publisher({ linger: 0 });
    await iopub.bind(address(info, info.iopub_port));
    const client = KernelClient.connect(info, 1024 * 1024);
    cleanup.push(() => client.close(), () => iopub.close());
    const received: string[] = [];
    client.on("iopub", (message: JupyterMessage) => received.push(String(message.content.text).slice(0, 10)));
    const tooLarge = new Promise<Error>((done) => client.once("too-large", done));
    let disconnected = false;
    client.on("disconnected", () => (disconnected = true));
    // A SUB socket misses what is published before it has joined: publish until the first message arrives.
    const small = (text: string) => encodeMessage(info.key, newMessage("stream", { name: "stdout", text }, "fake"));
    while (received.length === 0) {
      await iopub.send(small("small"));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await iopub.send(small("x".repeat(2 * 1024 * 1024)));
    await iopub.send(small("after"));
    expect((await tooLarge).message).toMatch(/^the kernel sent a stream message of 2\.0 MB, over the 1 MB message limit; it was dropped/);
    while (!received.includes("after")) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.filter((text) => text !== "small")).toEqual(["after"]);
    expect(disconnected).toBe(false);
  });
});

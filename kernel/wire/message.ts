import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/**
 * One Jupyter message as the messaging protocol (version 5.3) defines it.
 * The wire form is: [routing ids..., "<IDS|MSG>", signature, header,
 * parent_header, metadata, content, buffers...].
 */
export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

const DELIMITER = Buffer.from("<IDS|MSG>");
export const PROTOCOL_VERSION = "5.3";

/** HMAC-SHA256 over the four JSON frames, hex encoded, as the spec asks. */
export function sign(key: string, frames: readonly Buffer[]): string {
  const hmac = createHmac("sha256", key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest("hex");
}

export function newMessage<C>(
  msgType: string,
  content: C,
  session: string,
  parent: Partial<MessageHeader> = {},
): JupyterMessage<C> {
  return {
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session,
      username: "gradient-lab",
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: parent,
    metadata: {},
    content,
    buffers: [],
  };
}

export function encodeMessage(key: string, message: JupyterMessage<unknown>): Buffer[] {
  const frames = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part)),
  );
  return [DELIMITER, Buffer.from(sign(key, frames)), ...frames, ...message.buffers];
}

/** The routing ids a ROUTER socket puts before the delimiter: a reply goes back with the same ones. */
export function routingIds(frames: readonly Buffer[]): Buffer[] {
  const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
  return delimiterAt < 0 ? [] : frames.slice(0, delimiterAt);
}

export type DecodeResult =
  | { ok: true; message: JupyterMessage }
  | { ok: false; reason: string };

/**
 * Parses wire frames and checks the signature before any JSON is trusted.
 * A message whose signature does not match is reported, never returned.
 * With `headersOnly` (a message too large to take) the metadata and content
 * frames are signed-checked but not parsed, and come back empty.
 */
export function decodeMessage(key: string, frames: readonly Buffer[], { headersOnly = false } = {}): DecodeResult {
  const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiterAt < 0) return { ok: false, reason: "no <IDS|MSG> delimiter" };
  const signature = frames[delimiterAt + 1];
  const parts = frames.slice(delimiterAt + 2);
  if (signature === undefined || parts.length < 4) return { ok: false, reason: "too few frames" };
  const expected = Buffer.from(sign(key, parts.slice(0, 4)));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return { ok: false, reason: "signature does not match" };
  }
  let header: unknown, parent: unknown, metadata: unknown, content: unknown;
  try {
    [header, parent, metadata, content] = parts.slice(0, headersOnly ? 2 : 4).map((frame) => JSON.parse(frame.toString("utf8")));
    if (headersOnly) [metadata, content] = [{}, {}];
  } catch (error) {
    return { ok: false, reason: `frame is not JSON: ${(error as Error).message}` };
  }
  // A correctly signed message can still be malformed (a buggy or hostile kernel); nothing below may crash on it.
  if (!isObject(header) || typeof header.msg_id !== "string" || typeof header.msg_type !== "string") {
    return { ok: false, reason: "header without msg_id and msg_type strings" };
  }
  if (!isObject(content)) return { ok: false, reason: "content is not an object" };
  return {
    ok: true,
    message: {
      header: header as unknown as MessageHeader,
      // The spec sends {} for "no parent"; some kernels send null.
      parent_header: isObject(parent) ? parent : {},
      metadata: isObject(metadata) ? metadata : {},
      content,
      buffers: headersOnly ? [] : parts.slice(4),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

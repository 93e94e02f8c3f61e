import type { Channels, Request } from "./channels";

/**
 * Comms (ipywidgets and the like): this kernel registers no comm targets.
 * comm_info_request gets its proper reply with no comms; a frontend's
 * comm_open is answered with comm_close, as ipykernel answers an unknown
 * target, so the frontend does not wait for a comm that will never exist.
 */
export function commInfo(): { status: "ok"; comms: Record<string, never> } {
  return { status: "ok", comms: {} };
}

export function refuseComm(request: Request, channels: Channels, log: (text: string) => void): void {
  const commId = (request.message.content as { comm_id?: unknown }).comm_id;
  if (typeof commId !== "string") return;
  log(`no comm target is registered; closing comm ${commId} (target ${JSON.stringify((request.message.content as { target_name?: unknown }).target_name)})`);
  void channels.publish(request.message.header, "comm_close", { comm_id: commId, data: {} });
}

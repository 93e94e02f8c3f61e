/**
 * tslab 1.0.22 sends one iopub message per `console.log`. A cell printing
 * 100,000 lines then sends 100,000 messages, and a frontend that appends
 * each to the cell's text (nbclient does, with string concatenation) falls
 * minutes behind and gives up. ipykernel buffers its output streams and
 * flushes them on a timer; this does the same for tslab: consecutive writes
 * to one stream leave as one message, at the latest FLUSH_MS after the first
 * of them, when MAX_CHARS have gathered, before any display output, and
 * before the cell's reply, so the order of everything stays as written.
 */
const FLUSH_MS = 100;
const MAX_CHARS = 1 << 20;

type WriteStream = (name: string, text: string) => void;
type WriteDisplayData = (data: unknown, update: boolean) => void;

interface JupyterHandler {
  handleExecute(request: unknown, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<unknown>;
}

const PATCHED = Symbol.for("gradient-lab.stream-batching");

/** Patches tslab's `dist/jupyter.js` module (its JupyterHandlerImpl class). */
export function batchStreamOutput(jupyter: { JupyterHandlerImpl: { prototype: JupyterHandler & { [PATCHED]?: true } } }): void {
  const prototype = jupyter.JupyterHandlerImpl.prototype;
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const handleExecute = prototype.handleExecute;
  prototype.handleExecute = async function (request, writeStream, writeDisplayData) {
    const stream = new StreamBatch(writeStream);
    try {
      return await handleExecute.call(this, request, stream.write, (data, update) => {
        stream.flush();
        writeDisplayData(data, update);
      });
    } finally {
      stream.flush();
    }
  };
}

class StreamBatch {
  private name: string | undefined;
  private text = "";
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: WriteStream) {}

  readonly write = (name: string, text: string): void => {
    if (this.name !== undefined && this.name !== name) this.flush();
    this.name = name;
    this.text += text;
    if (this.text.length >= MAX_CHARS) this.flush();
    // Output written after the cell's reply (a timer in the cell) still leaves on this timer.
    else this.timer ??= setTimeout(this.flush, FLUSH_MS);
  };

  readonly flush = (): void => {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.name !== undefined && this.text !== "") this.send(this.name, this.text);
    this.name = undefined;
    this.text = "";
  };
}

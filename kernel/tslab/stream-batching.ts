/**
 * A cell printing 100,000 lines with one iopub message per `console.log`
 * leaves a frontend that appends each to the cell's text (nbclient does,
 * with string concatenation) minutes behind. ipykernel buffers its output
 * streams and flushes them on a timer; so does this kernel: consecutive
 * writes to one stream leave as one message, at the latest FLUSH_MS after
 * the first of them, when MAX_CHARS have gathered, and before anything else
 * the cell sends (a display, its result or error, its reply), so the order
 * of everything stays as written.
 */
const FLUSH_MS = 100;
const MAX_CHARS = 1 << 20;

export type StreamName = "stdout" | "stderr";
type SendStream = (name: StreamName, text: string) => void;

export class StreamBatch {
  private name: StreamName | undefined;
  private text = "";
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: SendStream) {}

  readonly write = (name: StreamName, text: string): void => {
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

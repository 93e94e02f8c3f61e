import { type LossName, losses } from "../math/losses";

const lossNames = Object.keys(losses) as LossName[];

// Int32 slots, then the learning rate as a float64 at byte 16.
const SLOT = { batch: 0, parts: 1, loss: 2, forwardOnly: 3 } as const;
const LEARNING_RATE_BYTE = 16;
const COMMAND_BYTES = 24;

/**
 * What one step asks of every thread: its batch, how many threads share it,
 * the loss, the learning rate (0: compute the gradients, leave the
 * parameters alone) and whether it stops after the forward pass. It lives in
 * shared memory: the network writes it once per step and its worker threads
 * read the same bytes, so the command has one shape and the learning rate
 * one home.
 */
export class StepCommand {
  private readonly slots: Int32Array;
  private readonly rate: Float64Array;

  constructor(readonly memory: SharedArrayBuffer = new SharedArrayBuffer(COMMAND_BYTES)) {
    this.slots = new Int32Array(memory, 0, LEARNING_RATE_BYTE / 4);
    this.rate = new Float64Array(memory, LEARNING_RATE_BYTE, 1);
  }

  get batch(): number {
    return this.slots[SLOT.batch] as number;
  }

  set batch(value: number) {
    this.slots[SLOT.batch] = value;
  }

  get parts(): number {
    return this.slots[SLOT.parts] as number;
  }

  set parts(value: number) {
    this.slots[SLOT.parts] = value;
  }

  get loss(): LossName {
    return lossNames[this.slots[SLOT.loss] as number] as LossName;
  }

  set loss(name: LossName) {
    this.slots[SLOT.loss] = lossNames.indexOf(name);
  }

  get learningRate(): number {
    return this.rate[0] as number;
  }

  set learningRate(value: number) {
    this.rate[0] = value;
  }

  get forwardOnly(): boolean {
    return this.slots[SLOT.forwardOnly] === 1;
  }

  set forwardOnly(value: boolean) {
    this.slots[SLOT.forwardOnly] = value ? 1 : 0;
  }
}

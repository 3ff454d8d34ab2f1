/** A FIFO of item ids in a growable ring buffer: O(1) at both ends, no allocation once grown. */
export class Ring {
  private buf: Int32Array;
  private head = 0;
  length = 0;

  constructor(capacity = 16) {
    // A power of two, so wrapping is a mask.
    this.buf = new Int32Array(1 << Math.max(2, Math.ceil(Math.log2(capacity))));
  }

  push(x: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & (this.buf.length - 1)] = x;
    this.length++;
  }

  shift(): number {
    const x = this.buf[this.head];
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return x;
  }

  /** The i-th item from the head (0 <= i < length). */
  at(i: number): number {
    return this.buf[(this.head + i) & (this.buf.length - 1)];
  }

  private grow(): void {
    const next = new Int32Array(this.buf.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
    this.buf = next;
    this.head = 0;
  }
}

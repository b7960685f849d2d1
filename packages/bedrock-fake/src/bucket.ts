/**
 * A token bucket as Bedrock applies it: full at `capacity`, refilled continuously at `capacity` per window.
 * A call is admitted while the bucket holds at least its reservation (input + maxTokens) and charged it;
 * settling, when the call ends, corrects the charge to what the call really cost (input + k·output), so the
 * balance may go below zero after an expensive answer.
 */
export class TokenBucket {
  private level: number;
  private last: number;
  /**
   * When the bucket sat full, as [from, to] ms: refill that went nowhere. A client that keeps the provider at its
   * edge leaves none after its first call; a benchmark reads them to see where quota was lost.
   */
  readonly fullSpans: Array<[number, number]> = [];

  constructor(
    private capacity: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.level = capacity;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    if (this.capacity > 0 && t > this.last) {
      const fullAt = this.last + (Math.max(0, this.capacity - this.level) * this.windowMs) / this.capacity;
      if (fullAt < t) {
        const previous = this.fullSpans.at(-1);
        if (previous && previous[1] >= fullAt) previous[1] = t;
        else this.fullSpans.push([fullAt, t]);
      }
    }
    this.level = Math.min(this.capacity, this.level + ((t - this.last) * this.capacity) / this.windowMs);
    this.last = t;
  }

  /** Takes `amount` when the bucket holds at least that much (or, for one oversized call, when it is full). */
  tryTake(amount: number): boolean {
    if (this.capacity <= 0) return true;
    this.refill();
    const needed = Math.min(amount, this.capacity);
    if (this.level < needed) return false;
    this.level -= amount;
    return true;
  }

  /** Adds back (positive) or charges more (negative) once the real cost is known. */
  adjust(delta: number): void {
    if (this.capacity <= 0) return;
    this.refill();
    this.level = Math.min(this.capacity, this.level + delta);
  }

  available(): number {
    this.refill();
    return this.level;
  }
}

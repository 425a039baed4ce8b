/**
 * The law's time estimate inside the shared budget rule (src/check/budget.ts, which hands out the
 * time): a measurement is started only if its estimated time fits in what is left, so a cell too
 * expensive for the remainder is left for `--resume` instead of being cut off half-way. The
 * estimate is seconds per cost unit over everything measured so far (cost = N·d of a training set).
 */
export class Budget {
  private seconds = 0;
  private cost = 0;
  constructor(
    /** Deadline in ms since the epoch (Infinity: no budget). */
    readonly deadline: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds left (may be negative). */
  remainingMs(): number {
    return this.deadline - this.now();
  }

  /** Records a finished measurement. */
  record(cost: number, seconds: number): void {
    this.cost += cost;
    this.seconds += seconds;
  }

  /** Estimated seconds of a measurement of `cost` (0 before anything was measured). */
  estimate(cost: number): number {
    return this.cost > 0 ? (this.seconds / this.cost) * cost : 0;
  }

  /** Whether a measurement of `cost` is expected to finish before the deadline. */
  fits(cost: number): boolean {
    const left = this.remainingMs();
    return left > 0 && this.estimate(cost) * 1000 <= left;
  }

  /** Whether the deadline has passed. */
  spent(): boolean {
    return this.remainingMs() <= 0;
  }
}

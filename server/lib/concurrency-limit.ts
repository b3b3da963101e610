/** Every slot is busy and the queue behind them is full. */
export class QueueFullError extends Error {
  constructor() {
    super('queue full');
  }
}

/**
 * At most `maxActive` tasks run at once and at most `maxWaiting` wait behind them; one more is refused
 * at once (QueueFullError) instead of queueing without bound. A few lines of our own: p-limit queues
 * without a bound, and p-queue is ESM-only.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly maxActive: number,
    readonly maxWaiting: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.maxActive) {
      this.active++;
    } else if (this.waiting.length < this.maxWaiting) {
      // The finishing task hands its slot straight over (see finally): `active` stays the same.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      throw new QueueFullError();
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

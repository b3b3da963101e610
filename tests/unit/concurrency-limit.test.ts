import { ConcurrencyLimit, QueueFullError } from '../../server/lib/concurrency-limit';

/** A task that runs until the test lets it finish. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { open, task: () => done };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyLimit', () => {
  it('runs at most maxActive at once, queues maxWaiting, refuses the next at once', async () => {
    const limit = new ConcurrencyLimit(2, 1);
    let running = 0;
    let peak = 0;
    const gates = [gate(), gate(), gate()];
    const runs = gates.map((g) =>
      limit.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await g.task();
        running--;
      }),
    );
    await tick();
    expect(running).toBe(2);
    await expect(limit.run(async () => 'never')).rejects.toBeInstanceOf(QueueFullError);
    gates[0].open();
    await tick();
    expect(running).toBe(2); // the waiting task took the freed slot
    gates[1].open();
    gates[2].open();
    await Promise.all(runs);
    expect(peak).toBe(2);
    expect(await limit.run(async () => 'free again')).toBe('free again');
  });

  it('frees the slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(1, 0);
    await expect(
      limit.run(async () => {
        throw new Error('bad photo');
      }),
    ).rejects.toThrow('bad photo');
    expect(await limit.run(async () => 1)).toBe(1);
  });
});

// Waiting on the scheduler: every sleep, backoff and deadline of rxplow/redis runs on an RxJS scheduler (virtual time
// in specs), and each can be cut short, so a stop leaves no timer behind.
import type { SchedulerLike, Subscription } from 'rxjs';

/** Sleepers that a `ring()` wakes early: the worker's loops wait on one for room, for a stop, or for their interval. */
export class Alarm {
  readonly #sleepers = new Set<() => void>();

  constructor(private readonly scheduler: SchedulerLike) {}

  /** Resolves after `ms` on the scheduler (`Infinity`: only when rung), or at the next `ring()`, whichever is first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: Subscription | undefined;
      const wake = (): void => {
        this.#sleepers.delete(wake);
        timer?.unsubscribe();
        resolve();
      };
      this.#sleepers.add(wake);
      if (ms !== Infinity) timer = this.scheduler.schedule(wake, Math.max(0, ms));
    });
  }

  /** Wakes every current sleeper (their timers are cancelled). */
  ring(): void {
    for (const wake of [...this.#sleepers]) wake();
  }
}

/** Resolves with `promise`'s value, or with `undefined` after `ms` on the scheduler (its timer then cancelled). Never rejects. */
export function withDeadline<T>(promise: Promise<T>, ms: number, scheduler: SchedulerLike): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = ms === Infinity ? undefined : scheduler.schedule(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (value) => {
        timer?.unsubscribe();
        resolve(value);
      },
      () => {
        timer?.unsubscribe();
        resolve(undefined);
      },
    );
  });
}

/** Capped exponential backoff for Redis commands that failed: 50 ms doubling to 2 s. */
export const commandBackoff = (failures: number): number => Math.min(50 * 2 ** Math.min(failures, 10), 2_000);

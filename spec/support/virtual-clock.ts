// Virtual time for async code: a VirtualTimeScheduler advanced one due action at a time, with the promise jobs each
// action starts run to completion in between (setImmediate), so async loops on the scheduler can be driven exactly.
import { VirtualTimeScheduler } from 'rxjs';

export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler();

  constructor(start = 1_800_000_000_000) {
    this.scheduler.frame = start;
  }

  now(): number {
    return this.scheduler.now();
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.scheduler.actions.length;
  }

  /** Runs every action due within `ms` from now, in order, settling promise jobs after each; ends at now + ms. */
  async advance(ms: number): Promise<void> {
    const end = this.scheduler.frame + ms;
    for (;;) {
      await settle();
      const next = this.scheduler.actions[0];
      if (next === undefined || next.delay > end) break;
      this.scheduler.maxFrames = next.delay;
      this.scheduler.flush();
    }
    this.scheduler.frame = end;
    await settle();
  }

  /** Advances in steps of `stepMs` until `condition` holds; fails after `limitMs` of virtual time. */
  async until(what: string, condition: () => boolean, limitMs = 600_000, stepMs = 100): Promise<void> {
    for (let waited = 0; !condition(); waited += stepMs) {
      if (waited > limitMs) throw new Error(`not within ${limitMs} ms of virtual time: ${what}`);
      await this.advance(stepMs);
    }
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

// `rxplow worker`'s log: a line per state change and, while something is wrong, one summary line per interval, never
// a line per event (`--verbose` adds one per delivered batch and per dead letter).
import { asyncScheduler, interval, Subscription, type SchedulerLike } from 'rxjs';
import { formatOutcome } from '../debug.js';
import type { RedisWorker, RedisWorkerStatus } from '../redis/index.js';

/** Where the log goes and how often summaries come. */
export interface WorkerLogOptions {
  readonly write: (line: string) => void;
  readonly intervalMs: number;
  readonly verbose: boolean;
  /** The backlog in events (unread plus pending) when Redis answers; `undefined` when it does not. */
  readonly backlog: () => Promise<number | undefined>;
  /** The summaries' timer runs on it. @default asyncScheduler */
  readonly scheduler?: SchedulerLike | undefined;
}

/** 2400 → "2 400". */
export const count = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const iso = (at: number): string => new Date(at).toISOString();

/** The line for a state change. */
export function statusLine(s: RedisWorkerStatus, group: string): string {
  switch (s.kind) {
    case 'reading':
      return 'reading';
    case 'collector-down':
      return `collector down since ${iso(s.at)}: ${s.error} (${count(s.inFlight)} in flight; reading paused, retrying)`;
    case 'collector-up':
      return `collector back after ${seconds(s.downMs)}`;
    case 'drained':
      return `resumed, drained ${count(s.delivered)} in ${seconds(s.ms)}`;
    case 'group-recreated':
      return `consumer group ${group} was gone: recreated from the start of the stream`;
    case 'dead-letters-trimmed':
      return `dead-letter stream full: its ${count(s.count)} oldest dead letters trimmed`;
  }
}

/** Subscribes the log to a worker; unsubscribe to end it (no timer is left). */
export function logWorker(
  worker: Pick<RedisWorker, 'status' | 'deadLetters' | 'errors' | 'outcomes'>,
  group: string,
  o: WorkerLogOptions,
): Subscription {
  const subscription = new Subscription();
  let downSince: number | undefined;
  let dead = 0;
  let lastDead = '';
  let errors = 0;
  let lastError = '';
  subscription.add(
    worker.status.subscribe((s) => {
      if (s.kind === 'reading') return;
      if (s.kind === 'collector-down') downSince = s.at;
      if (s.kind === 'collector-up') downSince = undefined;
      o.write(statusLine(s, group));
    }),
  );
  subscription.add(
    worker.deadLetters.subscribe((d) => {
      dead++;
      lastDead = `${d.id} (eid ${d.eid ?? '-'}, ${d.kind}): ${d.reason}`;
      if (o.verbose) o.write(`dead letter ${lastDead}`);
    }),
  );
  subscription.add(
    worker.errors.subscribe((error) => {
      errors++;
      if (error.message !== lastError) o.write(`redis: ${error.message}`);
      lastError = error.message;
    }),
  );
  if (o.verbose)
    subscription.add(
      // One line per batch outcome, with rxplow's debug printer (the demo's and `debugOutcomes`').
      worker.outcomes.subscribe((x) => o.write(formatOutcome(x))),
    );
  subscription.add(
    interval(o.intervalMs, o.scheduler ?? asyncScheduler).subscribe(() => {
      if (dead > 0 && !o.verbose) o.write(`dead-lettered ${count(dead)} in the last ${seconds(o.intervalMs)} (last: ${lastDead})`);
      if (errors > 1) o.write(`redis: ${count(errors)} failed commands in the last ${seconds(o.intervalMs)} (last: ${lastError})`);
      dead = 0;
      errors = 0;
      lastError = '';
      const since = downSince;
      if (since === undefined) return;
      void o.backlog().then((n) => {
        if (downSince === since)
          o.write(`collector down since ${iso(since)}, ${n === undefined ? 'backlog unknown' : `${count(n)} pending`}`);
      });
    }),
  );
  return subscription;
}

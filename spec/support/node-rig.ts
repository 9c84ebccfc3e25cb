// A Tracker with one real Emitter sending real HTTP to a LoopbackCollector, with short timings, for Node specs.
import { expect } from 'chai';
import { Emitter } from '../../src/emitter/emitter.js';
import type { EmitterOptions } from '../../src/emitter/options.js';
import { Tracker } from '../../src/tracker/tracker.js';
import { LoopbackCollector, type Script } from './collector.js';
import { OutcomeLog } from './conservation.js';

/** Short timings so the delivery suite stays fast: retries within ms, a 200 ms per-attempt timeout. */
export const FAST: EmitterOptions = { retry: { limit: 10, baseDelayMs: 5, maxDelayMs: 50 }, timeoutMs: 200, flushIntervalMs: 10 };

export interface Rig {
  readonly collector: LoopbackCollector;
  readonly emitter: Emitter;
  readonly tracker: Tracker;
  readonly log: OutcomeLog;
  /** Tracks n struct events; returns their eids. */
  track(n: number): string[];
  /** Shuts the tracker down and closes the collector. */
  close(): Promise<void>;
}

export async function startRig(method: 'get' | 'post', script?: Script, options: EmitterOptions = {}): Promise<Rig> {
  const collector = await LoopbackCollector.start(script);
  const emitter = new Emitter(collector.url, { method, bufferSize: method === 'post' ? 5 : 1, ...FAST, ...options });
  const tracker = new Tracker(emitter, { namespace: 'cf', appId: 'spec' });
  const log = new OutcomeLog(emitter.outcomes, tracker);
  let counter = 0;
  const track = (n: number): string[] => {
    const from = log.tracked.length;
    for (let i = 0; i < n; i++) tracker.trackStructEvent({ category: 'spec', action: 'track', label: `event ${counter++}` });
    return log.tracked.slice(from);
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await tracker.shutdown({ timeoutMs: 50 });
      await collector.close();
    })());
  return { collector, emitter, tracker, log, track, close };
}

/** Registers an afterEach that closes every rig the test started; returns the way to start one. */
export function rigPerTest(): typeof startRig {
  const open: Rig[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((rig) => rig.close()));
  });
  return async (...args) => {
    const rig = await startRig(...args);
    open.push(rig);
    return rig;
  };
}

/**
 * The collector's side of the law: none of our own races sends an event twice. An event reported sent was accepted
 * exactly once, any other never, except where the protocol itself cannot know: an attempt that timed out may have
 * been accepted after all (the response came too late), and so may the request in flight when shutdown abandoned it.
 */
export function expectCollectorAgrees(rig: Pick<Rig, 'collector' | 'log'>): void {
  const accepted = rig.collector.acceptedPerEid();
  const finals = rig.log.finals();
  for (const eid of rig.log.tracked) {
    const story = rig.log.outcomes.filter((o) => o.events.some((p) => p['eid'] === eid));
    const unknowable =
      story.filter((o) => 'error' in o && o.error?.code === 'timeout').length + (finals.get(eid)?.kind === 'dropped' ? 1 : 0);
    const expected = finals.get(eid)?.kind === 'sent' ? 1 : 0;
    const count = accepted.get(eid) ?? 0;
    const label = `accepted requests carrying ${eid} (${rig.log.storyOf(eid).join(' → ')})`;
    if (unknowable === 0) expect(count, label).to.equal(expected);
    else expect(count, label).to.be.within(expected, expected + unknowable);
  }
}

/** Resolves once `condition` holds (polling), or rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

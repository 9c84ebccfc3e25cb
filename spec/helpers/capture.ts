// A tracker with no emitter whose every built payload is recorded: fresh per test.
import { NEVER, type Observable } from 'rxjs';
import type { InvalidEventError } from '../../src/errors.js';
import type { Payload } from '../../src/payload/payload.js';
import type { TrackerOptions } from '../../src/tracker/options.js';
import { Tracker } from '../../src/tracker/tracker.js';

export interface CapturingTracker {
  readonly tracker: Tracker;
  /** Every payload the tracker built, in order. */
  readonly payloads: Payload[];
}

export function createCapturingTracker(overrides: TrackerOptions = {}): CapturingTracker {
  const tracker = new Tracker([], { namespace: 'cf', appId: 'app', ...overrides });
  const payloads: Payload[] = [];
  tracker.payloads.subscribe((p) => payloads.push(p));
  return { tracker, payloads };
}

type EmitterLike = Parameters<Tracker['addEmitter']>[0];

/** A stand-in for an Emitter that records the payloads it is handed (the real Emitter lives in src/emitter). */
export interface RecordingEmitter {
  readonly emitter: EmitterLike;
  /** The payloads it was handed. */
  readonly received: Payload[];
  /** The errors of events fed through `tracker.input` that could not be built. */
  readonly invalid: InvalidEventError[];
}

export function createRecordingEmitter(): RecordingEmitter {
  const received: Payload[] = [];
  const invalid: InvalidEventError[] = [];
  const stub = {
    outcomes: NEVER,
    attach: (payloads: Observable<Payload>) => payloads.subscribe((p) => received.push(p)),
    dropInvalid: (error: InvalidEventError) => invalid.push(error),
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve({ sent: 0, failed: 0, dropped: 0, abandoned: 0 }),
  };
  return { emitter: stub as unknown as EmitterLike, received, invalid };
}

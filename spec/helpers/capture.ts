// A tracker with a recording stand-in sink whose every built payload is recorded: fresh per test.
import { NEVER, type Observable } from 'rxjs';
import { InvalidEventError } from '../../src/errors.js';
import type { Admission, Sink } from '../../src/emitter/sink.js';
import type { Payload } from '../../src/payload/payload.js';
import type { TrackerOptions } from '../../src/tracker/options.js';
import { Tracker } from '../../src/tracker/tracker.js';

export interface CapturingTracker {
  readonly tracker: Tracker;
  /** Every payload the tracker built, in order. */
  readonly payloads: Payload[];
}

export function createCapturingTracker(overrides: TrackerOptions = {}): CapturingTracker {
  // a sink that only records, because a tracker with no sink refuses track calls in development; invalid events
  // throw at the call in both modes (the specs run in production mode too: npm run test:production)
  const tracker = new Tracker([createRecordingEmitter().emitter], { namespace: 'cf', appId: 'app', invalidEvents: 'throw', ...overrides });
  const payloads: Payload[] = [];
  tracker.payloads.subscribe((p) => payloads.push(p));
  return { tracker, payloads };
}

/** A stand-in sink that records the payloads it is handed (the real Emitter lives in src/emitter). */
export interface RecordingEmitter {
  readonly emitter: Sink;
  /** The payloads it was handed. */
  readonly received: Payload[];
  /** The errors of events fed through `tracker.input` that could not be built. */
  readonly invalid: InvalidEventError[];
}

export function createRecordingEmitter(): RecordingEmitter {
  const received: Payload[] = [];
  const invalid: InvalidEventError[] = [];
  const stub: Sink = {
    name: 'recording',
    outcomes: NEVER,
    connect: (admissions: Observable<Admission>) =>
      admissions.subscribe((a) => {
        if (a.kind === 'event') received.push(a.payload);
        else if (a.error instanceof InvalidEventError) invalid.push(a.error);
      }),
    flush: () => Promise.resolve(),
    shutdown: () => Promise.resolve({ sent: 0, failed: 0, dropped: 0, abandoned: 0 }),
  };
  return { emitter: stub, received, invalid };
}

// Node only (spec/node/): it sets process.env.NODE_ENV, which a browser bundle replaces at build time.
// Invalid events from track calls (issue 19): loud in development, harmless in production. `invalidEvents` defaults to
// 'throw' when isDevelopment() (NODE_ENV is not 'production'; globalThis.RXPLOW_DEV wins when boolean) and to 'drop'
// otherwise: a `dropped` outcome with reason `invalid` and the InvalidEventError at every sink, nothing thrown.
// Also: a tracker with no emitter refuses track calls in development; missing required fields say "required"; a
// tracker's shutdown report sums its sinks' reports.
import { expect } from 'chai';
import { isDevelopment } from '../../src/dev-mode.js';
import { InvalidEventError, InvalidOptionsError, Tracker, createTracker, pageView, type DeliveryOutcome } from '../../src/index.js';
import { createTestingCollector } from '../../src/testing/index.js';
import { Emitter } from '../../src/emitter/emitter.js';
import { createRecordingEmitter } from '../helpers/capture.js';

const globals = globalThis as { RXPLOW_DEV?: unknown };

/** Runs `body` with NODE_ENV set (or unset), restoring it after. */
async function withNodeEnv(value: string | undefined, body: () => void | Promise<void>): Promise<void> {
  const before = process.env['NODE_ENV'];
  if (value === undefined) delete process.env['NODE_ENV'];
  else process.env['NODE_ENV'] = value;
  try {
    await body();
  } finally {
    if (before === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = before;
  }
}

function trackerWithCollector(options: ConstructorParameters<typeof Tracker>[1] = {}) {
  const collector = createTestingCollector();
  const emitters = [
    new Emitter(collector.url, { fetch: collector.fetch, name: 'one' }),
    new Emitter(collector.url, { fetch: collector.fetch, name: 'two' }),
  ];
  const tracker = new Tracker(emitters, options);
  const outcomes: DeliveryOutcome[] = [];
  tracker.outcomes.subscribe((o) => outcomes.push(o));
  return { tracker, collector, outcomes };
}

describe('invalid events from track calls (development vs production)', () => {
  afterEach(() => {
    delete globals.RXPLOW_DEV;
  });

  describe('isDevelopment()', () => {
    it('is true unless NODE_ENV is production; globalThis.RXPLOW_DEV wins when it is a boolean', async () => {
      await withNodeEnv(undefined, () => void expect(isDevelopment()).to.equal(true));
      await withNodeEnv('test', () => void expect(isDevelopment()).to.equal(true));
      await withNodeEnv('production', () => void expect(isDevelopment()).to.equal(false));
      await withNodeEnv('production', () => {
        globals.RXPLOW_DEV = true;
        expect(isDevelopment()).to.equal(true);
      });
      await withNodeEnv(undefined, () => {
        globals.RXPLOW_DEV = false;
        expect(isDevelopment()).to.equal(false);
        globals.RXPLOW_DEV = 'yes';
        expect(isDevelopment()).to.equal(true);
      });
    });
  });

  it('in development (the default under tests): trackX throws InvalidEventError at the call and sends nothing', async () => {
    const { tracker, collector, outcomes } = trackerWithCollector();
    expect(() => tracker.trackPageView({ pageUrl: '' })).to.throw(InvalidEventError, /pageUrl/);
    expect(() => tracker.track({ kind: 'nope' } as never)).to.throw(InvalidEventError, /unknown event kind/);
    await tracker.flush();
    expect(outcomes).to.deep.equal([]);
    expect(collector.events).to.deep.equal([]);
  });

  it('in production (NODE_ENV=production): trackX does not throw; the event is dropped as invalid at every emitter, with the error', async () => {
    await withNodeEnv('production', async () => {
      const { tracker, collector, outcomes } = trackerWithCollector();
      expect(() => tracker.trackPageView({ pageUrl: '' }).trackStructEvent({ category: 'c', action: 'a' })).not.to.throw();
      expect(() => tracker.with({}).track(pageView({ pageUrl: 'https://ok.example/' }), { eventId: 'not-a-uuid' })).not.to.throw();
      await tracker.flush();
      const invalid = outcomes.filter((o) => o.kind === 'dropped' && o.reason === 'invalid');
      expect(invalid.map((o) => o.emitter).sort()).to.deep.equal(['one', 'one', 'two', 'two']);
      const errors = invalid.map((o) => (o.kind === 'dropped' ? o.error : undefined));
      expect(errors.every((e) => e instanceof InvalidEventError)).to.equal(true);
      expect(errors.map((e) => (e as InvalidEventError).field).sort()).to.deep.equal(['eventId', 'eventId', 'pageUrl', 'pageUrl']);
      // the valid event still went out, through both emitters
      expect(collector.events.map((e) => e.eventType)).to.deep.equal(['se', 'se']);
      const report = await tracker.shutdown();
      expect(report).to.deep.equal({ sent: 2, failed: 0, dropped: 4, abandoned: 0 });
    });
  });

  it('globalThis.RXPLOW_DEV = false (a browser bundle without process) drops instead of throwing, with coded messages', async () => {
    globals.RXPLOW_DEV = false;
    const { tracker, outcomes } = trackerWithCollector();
    expect(() => tracker.trackStructEvent({ category: 'c' } as never)).not.to.throw();
    await tracker.flush();
    expect(outcomes.map((o) => (o.kind === 'dropped' ? `${o.reason}: ${o.error?.message}` : o.kind))).to.deep.equal([
      'invalid: action: RXP0101',
      'invalid: action: RXP0101',
    ]);
  });

  it('the invalidEvents option wins over the mode, both ways; anything else is refused', async () => {
    await withNodeEnv('production', () => {
      const { tracker } = trackerWithCollector({ invalidEvents: 'throw' });
      expect(() => tracker.trackPageView({ pageUrl: '' })).to.throw(InvalidEventError);
    });
    const { tracker, outcomes } = trackerWithCollector({ invalidEvents: 'drop' });
    expect(() => tracker.trackPageView({ pageUrl: '' })).not.to.throw();
    await tracker.flush();
    expect(outcomes.map((o) => o.kind === 'dropped' && o.reason)).to.deep.equal(['invalid', 'invalid']);
    expect(() => new Tracker(createRecordingEmitter().emitter, { invalidEvents: 'log' as never })).to.throw(
      InvalidOptionsError,
      /invalidEvents/,
    );
  });
});

describe('a tracker with no emitter', () => {
  it('refuses track calls in development with InvalidOptionsError saying the emitter is required', () => {
    const tracker = new Tracker([]);
    expect(() => tracker.trackStructEvent({ category: 'c', action: 'a' })).to.throw(InvalidOptionsError, /emitters: required/);
    expect(() => createTracker([]).track(pageView({ pageUrl: 'https://x.example/' }))).to.throw(InvalidOptionsError, /addEmitter/);
  });

  it('tracks once an emitter is added; payloads are built for tracker.input either way (the TestScheduler recipe)', async () => {
    const tracker = new Tracker([]);
    const built: string[] = [];
    tracker.payloads.subscribe((p) => built.push(p['e']!));
    tracker.input.next(pageView({ pageUrl: 'https://x.example/' }));
    const collector = createTestingCollector();
    tracker.addEmitter(new Emitter(collector.url, { fetch: collector.fetch }));
    tracker.trackStructEvent({ category: 'c', action: 'a' });
    await tracker.flush();
    expect(built).to.deep.equal(['pv', 'se']);
    expect(collector.events.map((e) => e.eventType)).to.deep.equal(['se']);
  });
});

describe('required fields', () => {
  it('a missing required field (undefined or null) reads "required", not "got undefined"', () => {
    const tracker = new Tracker(createRecordingEmitter().emitter);
    for (const [call, field] of [
      [() => tracker.trackStructEvent({ category: 'c' } as never), 'action'],
      [() => tracker.trackPageView({} as never), 'pageUrl'],
      [() => tracker.trackTiming({ category: 'c', variable: 'v', timing: null } as never), 'timing'],
      [() => tracker.trackLinkClick({ targetUrl: undefined } as never), 'targetUrl'],
    ] as const) {
      try {
        call();
        expect.fail(`${field}: no error`);
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidEventError);
        expect((error as InvalidEventError).field).to.equal(field);
        expect((error as InvalidEventError).problem).to.match(/^required/);
        expect((error as InvalidEventError).problem).not.to.match(/undefined|null/);
      }
    }
  });
});

describe("a tracker's shutdown report", () => {
  it("sums its emitters' reports: one event through two emitters counts twice, as DeliveryReport says", async () => {
    const { tracker } = trackerWithCollector();
    tracker.trackStructEvent({ category: 'c', action: 'a' });
    expect(await tracker.shutdown()).to.deep.equal({ sent: 2, failed: 0, dropped: 0, abandoned: 0 });
  });
});

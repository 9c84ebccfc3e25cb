// The lean core (issue 11): createTracker with constructors that carry their definitions, an opt-in registry,
// sinks, global contexts, per-request views, the event filter, credentials, and every clock on the scheduler.
// Runs in Node and in Chromium.
import { expect } from 'chai';
import { NEVER, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  ALL_EVENTS,
  createTracker,
  Emitter,
  InvalidEventError,
  InvalidOptionsError,
  pageView,
  SelfDescribingJson,
  structEvent,
  selfDescribingEvent,
  Tracker,
  type Payload,
  type Sink,
  type Transport,
} from '../../src/index.js';
import { payloadsOf, recordingSink } from '../support/recording-sink.js';
import { DEFINITION } from '../../src/extend/index.js';
import { createTestingCollector } from '../../src/testing/index.js';

const CTX = 'iglu:com.acme/ctx/jsonschema/1-0-0';
const entity = (n: number) => new SelfDescribingJson(CTX, { n });
const contextsOf = (payload: Payload): { schema: string; data: unknown }[] =>
  payload['co'] === undefined ? [] : (JSON.parse(payload['co']) as { data: { schema: string; data: unknown }[] }).data;

/** A sink that records what it is handed and reports each event as sent, or as dropped when rejected. */

describe('createTracker: createTracker', () => {
  it('tracks events made by the constructors with no registry: each carries its definition', () => {
    const sink = recordingSink();
    createTracker(sink, { appId: 'shop' })
      .track(pageView({ pageUrl: 'https://shop.example/' }))
      .track(structEvent({ category: 'c', action: 'a' }));
    expect(payloadsOf(sink).map((p) => [p['e'], p['aid']])).to.deep.equal([
      ['pv', 'shop'],
      ['se', 'shop'],
    ]);
  });

  it('keeps the definition out of the data: not enumerable by for…in, Object.keys or JSON, kept by a spread copy', () => {
    const event = pageView({ pageUrl: 'https://a.example/' });
    expect(Object.keys(event).sort()).to.deep.equal(['kind', 'pageUrl']);
    expect(JSON.parse(JSON.stringify(event))).to.deep.equal({ kind: 'pageView', pageUrl: 'https://a.example/' });
    expect((event as unknown as Record<symbol, unknown>)[DEFINITION]).to.have.property('kind', 'pageView');
    const sink = recordingSink();
    createTracker(sink).track({ ...event, pageTitle: 'copied' });
    expect(payloadsOf(sink)[0]).to.include({ e: 'pv', page: 'copied' });
  });

  it('refuses plain-data events without a registry, naming the option that resolves them', () => {
    const tracker = createTracker(recordingSink());
    const plain = JSON.parse(JSON.stringify(pageView({ pageUrl: 'https://a.example/' }))) as ReturnType<typeof pageView>;
    expect(() => tracker.track(plain)).to.throw(InvalidEventError, /unknown event kind "pageView".*events/);
  });

  it('resolves plain-data events through the one registry, ALL_EVENTS: each kind by its tag, no aliases of names that never shipped', () => {
    const sink = recordingSink();
    const tracker = createTracker(sink, { events: ALL_EVENTS });
    tracker.track(JSON.parse('{"kind":"structEvent","category":"c","action":"a"}') as ReturnType<typeof structEvent>);
    tracker.track({ kind: 'applicationError', message: 'boom' } as never);
    tracker.track({ kind: 'selfDescribingEvent', event: { schema: CTX, data: {} } } as never);
    expect(payloadsOf(sink).map((p) => p['e'])).to.deep.equal(['se', 'ue', 'ue']);
    expect(Object.keys(ALL_EVENTS)).to.not.include.members(['error', 'selfDescribing']);
    expect(() => tracker.track({ kind: 'error', message: 'boom' } as never)).to.throw(InvalidEventError, /unknown event kind "error"/);
    expect('trackError' in Tracker.prototype).to.equal(false);
  });

  it('does not trust a definition whose kind the event no longer says: the registry decides', () => {
    const tracker = createTracker(recordingSink());
    const relabelled = { ...pageView({ pageUrl: 'https://a.example/' }), kind: 'structEvent' } as never;
    expect(() => tracker.track(relabelled)).to.throw(InvalidEventError, /unknown event kind/);
  });

  it('takes any Sink; refuses a sink already connected to another tracker', () => {
    const sink = recordingSink();
    createTracker(sink);
    expect(() => createTracker(new Emitter('https://c.example')).addEmitter(sink)).to.not.throw(); // a custom sink decides for itself
    const emitter = new Emitter('https://c.example');
    createTracker(emitter);
    expect(() => createTracker(emitter)).to.throw(InvalidOptionsError, /already connected/);
    expect(() => createTracker({} as Sink)).to.throw(InvalidOptionsError);
  });

  it('flush() and shutdown() never reject, even when a custom sink throws or rejects', async () => {
    const throwing: Sink = {
      ...recordingSink('t'),
      flush: () => {
        throw new Error('flush bug');
      },
      shutdown: () => Promise.reject(new Error('shutdown bug')),
    };
    const tracker = createTracker([throwing, recordingSink('ok')]);
    await tracker.flush();
    expect(await tracker.shutdown()).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 0 });
  });

  it('derives tracker.outcomes from every sink, including sinks added later', () => {
    const [a, b] = [recordingSink('a'), recordingSink('b')];
    const tracker = createTracker(a);
    const seen: string[] = [];
    tracker.outcomes.subscribe((o) => seen.push(o.emitter));
    tracker.addEmitter(b);
    tracker.track(pageView({ pageUrl: 'https://a.example/' }));
    expect(seen.sort()).to.deep.equal(['a', 'b']);
  });
});

describe('createTracker: global contexts', () => {
  it('adds entities to every event, after the call’s own context', () => {
    const sink = recordingSink();
    const tracker = createTracker(sink, { encodeBase64: false, globalContexts: [entity(1)] });
    tracker.track(pageView({ pageUrl: 'https://a.example/' }), { context: [entity(0)] });
    expect(contextsOf(payloadsOf(sink)[0]!).map((c) => c.data)).to.deep.equal([{ n: 0 }, { n: 1 }]);
  });

  it('calls generators with the event’s kind, payload and schema; limits rules by kind and schema glob', () => {
    const sink = recordingSink();
    const calls: string[] = [];
    const tracker = createTracker(sink, {
      encodeBase64: false,
      globalContexts: [
        (event) => {
          calls.push(`${event.kind}:${event.payload['e']}:${event.schema ?? '-'}`);
          return event.kind === 'pageView' ? [entity(1), entity(2)] : null;
        },
        { context: entity(3), kinds: ['structEvent'] },
        { context: [entity(4)], schemas: ['iglu:com.acme/*/jsonschema/1-*-*'] },
      ],
    });
    tracker.track(pageView({ pageUrl: 'https://a.example/' }));
    tracker.track(structEvent({ category: 'c', action: 'a' }));
    tracker.track(selfDescribingEvent(new SelfDescribingJson('iglu:com.acme/thing/jsonschema/1-0-2', {})));
    tracker.track(selfDescribingEvent(new SelfDescribingJson('iglu:com.other/thing/jsonschema/1-0-0', {})));
    expect(calls).to.deep.equal([
      'pageView:pv:-',
      'structEvent:se:-',
      'selfDescribingEvent:ue:iglu:com.acme/thing/jsonschema/1-0-2',
      'selfDescribingEvent:ue:iglu:com.other/thing/jsonschema/1-0-0',
    ]);
    expect(payloadsOf(sink).map((p) => contextsOf(p).map((c) => (c.data as { n: number }).n))).to.deep.equal([[1, 2], [3], [4], []]);
  });

  it('adds, removes (by identity) and clears rules at runtime', () => {
    const sink = recordingSink();
    const one = entity(1);
    const two = () => entity(2);
    const tracker = createTracker(sink, { encodeBase64: false });
    const track = () => tracker.track(pageView({ pageUrl: 'https://a.example/' }));
    track();
    tracker.addGlobalContexts([one, two]);
    track();
    tracker.removeGlobalContexts([one]);
    track();
    tracker.clearGlobalContexts();
    track();
    expect(payloadsOf(sink).map((p) => contextsOf(p).map((c) => (c.data as { n: number }).n))).to.deep.equal([[], [1, 2], [2], []]);
  });

  it('a generator that throws: track() returns, the event is dropped (error) at every sink with its eid; nothing crashes', () => {
    const [a, b] = [recordingSink('a'), recordingSink('b')];
    const tracker = createTracker([a, b], {
      globalContexts: [
        () => {
          throw new Error('generator bug');
        },
      ],
    });
    expect(() => tracker.track(pageView({ pageUrl: 'https://a.example/' }))).to.not.throw();
    for (const sink of [a, b]) {
      expect(sink.admissions).to.have.length(1);
      const [admission] = sink.admissions;
      expect(admission).to.include({ kind: 'rejected', reason: 'error' });
      expect(admission!.payload?.['eid']).to.be.a('string');
      expect(admission?.kind === 'rejected' && admission.error?.message).to.match(/global-context generator threw: generator bug/);
    }
  });

  it('a generator that returns something that is not an entity: dropped (invalid), naming the rule', () => {
    const sink = recordingSink();
    createTracker(sink, { globalContexts: [() => ({ schema: 'not a uri', data: {} })] }).track(pageView({ pageUrl: 'https://a.example/' }));
    const [admission] = sink.admissions;
    expect(admission).to.include({ kind: 'rejected', reason: 'invalid' });
    expect(admission?.kind === 'rejected' && admission.error?.message).to.match(/^globalContexts\[0\]\.schema/);
  });

  it('refuses a malformed rule when it is added', () => {
    expect(() => createTracker([], { globalContexts: [{ schema: 'nope', data: {} }] })).to.throw(
      InvalidOptionsError,
      /globalContexts\[0\]\.schema/,
    );
    expect(() => createTracker([]).addGlobalContexts([42 as never])).to.throw(InvalidOptionsError);
  });
});

describe('createTracker: the eventFields seam', () => {
  it('adds wire fields per event, over the subject and under the event’s own; a throw drops the event (error)', () => {
    const sink = recordingSink();
    let sid = 's1';
    const tracker = createTracker(sink, {
      subject: { userId: 'u' },
      eventFields: ({ kind }) => ({ url: `auto:${kind}`, sid, uid: 'over', e: 'xx' }),
    });
    tracker.track(structEvent({ category: 'c', action: 'a' }));
    sid = 's2';
    tracker.track(pageView({ pageUrl: 'https://own.example/' }));
    expect(payloadsOf(sink).map((p) => [p['e'], p['url'], p['sid'], p['uid']])).to.deep.equal([
      ['se', 'auto:structEvent', 's1', 'over'],
      ['pv', 'https://own.example/', 's2', 'over'],
    ]);
    const failing = recordingSink();
    createTracker(failing, {
      eventFields: () => {
        throw new Error('seam bug');
      },
    }).track(pageView({ pageUrl: 'https://a.example/' }));
    expect(failing.admissions[0]).to.include({ kind: 'rejected', reason: 'error' });
  });
});

describe('createTracker: per-request views', () => {
  it('adds the view’s subject and context to its own events only, through the same sinks', () => {
    const sink = recordingSink();
    const tracker = createTracker(sink, { encodeBase64: false, subject: { userId: 'tracker-user' } });
    const request = tracker.with({ subject: { userId: 'u-42', ipAddress: '10.0.0.1' }, context: [entity(7)] });
    request.track(pageView({ pageUrl: 'https://a.example/1' }));
    tracker.track(pageView({ pageUrl: 'https://a.example/2' }));
    request.with({ context: [entity(8)] }).track(pageView({ pageUrl: 'https://a.example/3' }), { subject: { userId: 'call' } });
    const [viewed, plain, nested] = payloadsOf(sink);
    expect(viewed).to.include({ uid: 'u-42', ip: '10.0.0.1' });
    expect(contextsOf(viewed!).map((c) => c.data)).to.deep.equal([{ n: 7 }]);
    expect(plain).to.include({ uid: 'tracker-user' }).and.not.have.property('ip');
    expect(plain).to.not.have.property('co');
    expect(nested).to.include({ uid: 'call', ip: '10.0.0.1' });
    expect(contextsOf(nested!).map((c) => c.data)).to.deep.equal([{ n: 7 }, { n: 8 }]);
  });

  it('checks the scope once, when the view is made', () => {
    expect(() => createTracker([]).with({ subject: { userId: 5 as never } })).to.throw(InvalidEventError, /subject\.userId/);
  });
});

describe('createTracker: the event filter', () => {
  it('events it rejects are dropped (filtered) at every emitter, with their eid; the rest flow', async () => {
    const collector = createTestingCollector();
    const emitters = [
      new Emitter('https://c.example', { fetch: collector.fetch, bufferSize: 1 }),
      new Emitter('https://c.example', { fetch: collector.fetch, method: 'get' }),
    ];
    const tracker = createTracker(emitters, { filter: ({ kind, payload }) => kind !== 'structEvent' || payload['se_ac'] !== 'secret' });
    const finals: string[] = [];
    tracker.outcomes.subscribe((o) => finals.push(`${o.kind}${o.kind === 'dropped' ? `:${o.reason}` : ''}`));
    tracker.track(structEvent({ category: 'c', action: 'secret' })).track(structEvent({ category: 'c', action: 'public' }));
    await tracker.flush();
    expect(finals.sort()).to.deep.equal(['dropped:filtered', 'dropped:filtered', 'sent', 'sent']);
    expect(collector.events.map((e) => e.fields['se_ac'])).to.deep.equal(['public', 'public']);
    expect(await tracker.shutdown()).to.deep.equal({ sent: 2, failed: 0, dropped: 2, abandoned: 0 });
  });

  it('a filter that throws drops the event (error) instead of crashing', () => {
    const sink = recordingSink();
    createTracker(sink, {
      filter: () => {
        throw new Error('filter bug');
      },
    }).track(pageView({ pageUrl: 'https://a.example/' }));
    expect(sink.admissions[0]).to.include({ kind: 'rejected', reason: 'error' });
  });
});

describe('createTracker: credentials', () => {
  async function credentialsSent(options: { credentials?: 'omit' | 'same-origin' | 'include' }): Promise<string> {
    let seen = '';
    const fetch = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      seen = input instanceof Request ? input.credentials : String(init?.credentials);
      return Promise.resolve(new Response(null, { status: 200 }));
    };
    const tracker = createTracker(new Emitter('https://c.example', { fetch, bufferSize: 1, ...options }));
    tracker.track(pageView({ pageUrl: 'https://a.example/' }));
    await tracker.flush();
    return seen;
  }

  it("sends credentials: 'include' by default (the collector's network-user-id cookie), and what the option says", async () => {
    expect(await credentialsSent({})).to.equal('include');
    expect(await credentialsSent({ credentials: 'omit' })).to.equal('omit');
    expect(await credentialsSent({ credentials: 'same-origin' })).to.equal('same-origin');
  });
});

describe('createTracker: every clock on the scheduler', () => {
  it('batch timer, per-attempt timeout, retry delay, shutdown deadline and dtm: no setTimeout/setInterval outside it', async () => {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.maxFrames = Infinity;
    const calls: string[] = [];
    const [setTimeoutBefore, setIntervalBefore] = [globalThis.setTimeout, globalThis.setInterval];
    const attempts: number[] = [];
    // 1st attempt hangs (timed out after 500), 2nd answers 503 (retry after backoff), 3rd 200; the 2nd event never gets an answer.
    const transport: Transport = () => {
      attempts.push(scheduler.now());
      return attempts.length === 1 || attempts.length >= 4 ? NEVER : of({ status: attempts.length === 2 ? 503 : 200, retryAfter: null });
    };
    const spy = (name: string, original: (...args: never[]) => unknown) =>
      ((...args: never[]) => {
        calls.push(name);
        return original(...args);
      }) as never;
    globalThis.setTimeout = spy('setTimeout', setTimeoutBefore as never);
    globalThis.setInterval = spy('setInterval', setIntervalBefore as never);
    try {
      const emitter = new Emitter('https://c.example', {
        transport,
        scheduler,
        flushIntervalMs: 100,
        timeoutMs: 500,
        retry: { baseDelayMs: 40, jitter: false },
      });
      const tracker = createTracker(emitter, { scheduler });
      const kinds: string[] = [];
      emitter.outcomes.subscribe((o) => kinds.push(`${o.kind}@${scheduler.now()}`));
      tracker.track(pageView({ pageUrl: 'https://a.example/' }));
      scheduler.flush();
      expect(attempts).to.deep.equal([100, 640, 720]);
      // timed out at 600 (retry after 40), 503 at 640 (retry after 80), sent at 720
      expect(kinds).to.deep.equal(['retrying@600', 'retrying@640', 'sent@720']);
      tracker.track(pageView({ pageUrl: 'https://a.example/' }));
      const report = tracker.shutdown({ timeoutMs: 1_000 });
      scheduler.flush();
      const final = await report;
      expect(final).to.deep.equal({ sent: 1, failed: 0, dropped: 0, abandoned: 1 });
      expect(calls, 'timers outside the scheduler').to.deep.equal([]);
    } finally {
      globalThis.setTimeout = setTimeoutBefore;
      globalThis.setInterval = setIntervalBefore;
    }
  });

  it('stamps dtm with the scheduler’s clock', () => {
    const scheduler = new TestScheduler(() => undefined);
    const sink = recordingSink();
    scheduler.schedule(() => createTracker(sink, { scheduler }).track(pageView({ pageUrl: 'https://a.example/' })), 321);
    scheduler.flush();
    expect(payloadsOf(sink)[0]).to.include({ dtm: '321' });
  });
});

describe('classic Tracker on the lean core', () => {
  it('keeps trackX/setX chaining and resolves plain data through ALL_EVENTS', () => {
    const sink = recordingSink();
    const tracker = new Tracker(sink).setUserId('u1').trackPageView({ pageUrl: 'https://a.example/' });
    tracker.track({ kind: 'structEvent', category: 'c', action: 'a' }).trackApplicationError({ message: 'x' });
    expect(payloadsOf(sink).map((p) => `${p['e']}:${p['uid']}`)).to.deep.equal(['pv:u1', 'se:u1', 'ue:u1']);
  });
});

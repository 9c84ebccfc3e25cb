// rxplow/browser in Chromium: page views and page/device context, web_page ids, SPA referrers, ids and sessions on a
// clock the spec moves, cookie / localStorage / memory storage with their attributes, anonymous modes (and the
// SP-Anonymous header through a real Emitter and rxplow/testing's collector), clearUserData, getters.
import { expect } from 'chai';
import { asyncScheduler } from 'rxjs';
import { createBrowserTracker, type BrowserTracker, type BrowserTrackerOptions } from '../../src/browser/index.js';
import { structEvent } from '../../src/index.js';
import { createTestingCollector } from '../../src/testing/index.js';
import { clearIds, CLIENT_SESSION, entity, ManualScheduler, recordCookieWrites, RecordingSink, UUID, WEB_PAGE } from './browser-support.js';

const HOUR = 3_600_000;

describe('rxplow/browser: createBrowserTracker', function () {
  this.timeout(10_000);
  const trackers: BrowserTracker[] = [];
  const startUrl = location.href;

  /** A tracker with a recording sink and a manual clock (storage 'none' unless said). */
  function rig(options: Partial<BrowserTrackerOptions> = {}) {
    const sink = new RecordingSink();
    const scheduler = new ManualScheduler();
    const tracker = createBrowserTracker({ sinks: [sink], scheduler, storage: 'none', appId: 'spec', ...options });
    trackers.push(tracker);
    return { tracker, sink, scheduler };
  }

  beforeEach(() => clearIds());
  afterEach(async () => {
    await Promise.all(trackers.splice(0).map((t) => t.shutdown()));
    history.replaceState(null, '', startUrl);
    clearIds();
  });

  describe('page and device context', () => {
    it('a page view carries url, title, referrer, the device fields and a web_page entity', () => {
      const { tracker, sink, scheduler } = rig();
      expect(tracker.active).to.equal(true);
      tracker.trackPageView();
      const [pv] = sink.events;
      const f = pv!.fields;
      expect(f['e']).to.equal('pv');
      expect(f['url']).to.equal(location.href);
      expect(f['page']).to.equal(document.title || undefined);
      if (document.referrer) expect(f['refr']).to.equal(document.referrer);
      expect(f['p']).to.equal('web');
      expect(f['aid']).to.equal('spec');
      expect(f['res']).to.equal(`${screen.width}x${screen.height}`);
      expect(f['vp']).to.equal(`${window.innerWidth}x${window.innerHeight}`);
      expect(f['cd']).to.equal(String(screen.colorDepth));
      expect(f['lang']).to.equal(navigator.language);
      expect(f['tz']).to.equal(Intl.DateTimeFormat().resolvedOptions().timeZone);
      expect(f['cs']).to.equal(document.characterSet);
      expect(f['dtm']).to.equal(String(scheduler.now()));
      expect(f['duid']).to.match(UUID);
      expect(f['sid']).to.match(UUID);
      expect(f['vid']).to.equal('1');
      expect(entity(pv!, WEB_PAGE)!['id']).to.match(UUID);
      expect(entity(pv!, CLIENT_SESSION)).to.equal(undefined); // off by default
      expect(scheduler.pending, 'no timer after a page view').to.equal(0);
    });

    it('every event carries url, refr and the current page view id; each page view has a new id', () => {
      const { tracker, sink } = rig();
      tracker.track(structEvent({ category: 'c', action: 'before' }));
      tracker.trackPageView();
      tracker.track(structEvent({ category: 'c', action: 'a' }));
      tracker.trackPageView();
      tracker.track(structEvent({ category: 'c', action: 'b' }));
      const ids = sink.events.map((e) => entity(e, WEB_PAGE)!['id']);
      // Events before the first page view share its id (as Snowplow's tracker does).
      expect(ids[0]).to.equal(ids[1]).and.to.equal(ids[2]);
      expect(ids[3]).to.not.equal(ids[1]);
      expect(ids[4]).to.equal(ids[3]);
      for (const e of sink.events) expect(e.fields['url']).to.equal(location.href);
    });

    it('single-page app: the previous page view URL is the referrer of the next, and of the events after it', () => {
      const { tracker, sink } = rig();
      const first = location.href;
      tracker.trackPageView();
      history.pushState(null, '', '/spa/next?q=1');
      tracker.trackPageView();
      tracker.track(structEvent({ category: 'c', action: 'after' }));
      const [, second, after] = sink.events;
      expect(second!.fields['url']).to.equal(`${location.origin}/spa/next?q=1`);
      expect(second!.fields['refr']).to.equal(first);
      expect(after!.fields['url']).to.equal(`${location.origin}/spa/next?q=1`);
      expect(after!.fields['refr']).to.equal(first);
    });

    it('everything is overridable: page view fields, subject fields, eventFields over the browser fields', () => {
      const { tracker, sink } = rig({
        subject: { screenResolution: '100x200', viewport: '10x20', language: 'fr-CA', timezone: 'Europe/Paris', userId: 'u1' },
        eventFields: ({ kind }) => (kind === 'structEvent' ? { url: 'https://override.test/' } : undefined),
      });
      tracker.trackPageView({ pageUrl: 'https://given.test/p', pageTitle: 'Given', referrer: 'https://from.test/' });
      tracker.track(structEvent({ category: 'c', action: 'a' }));
      const [pv, se] = sink.events;
      expect(pv!.fields).to.include({
        url: 'https://given.test/p',
        page: 'Given',
        refr: 'https://from.test/',
        res: '100x200',
        vp: '10x20',
        lang: 'fr-CA',
        tz: 'Europe/Paris',
        uid: 'u1',
      });
      expect(se!.fields['url']).to.equal('https://override.test/');
      expect(se!.fields['refr']).to.equal('https://from.test/');
    });

    it('contexts: { webPage: false, session: true } swaps the entities; clearGlobalContexts keeps them', () => {
      const { tracker, sink } = rig({
        contexts: { webPage: false, session: true },
        globalContexts: [{ schema: 'iglu:com.acme/x/jsonschema/1-0-0', data: {} }],
      });
      tracker.clearGlobalContexts();
      tracker.trackPageView();
      const [pv] = sink.events;
      expect(pv!.contexts.map((c) => c.schema)).to.deep.equal([CLIENT_SESSION]);
    });
  });

  describe('identity and sessions', () => {
    it('keeps sid and vid within the timeout, starts a new session after 30 minutes of inactivity', () => {
      const { tracker, sink, scheduler } = rig({ contexts: { session: true } });
      tracker.trackPageView();
      scheduler.advance(29 * 60_000);
      tracker.track(structEvent({ category: 'c', action: 'still' }));
      scheduler.advance(30 * 60_000 + 1);
      tracker.track(structEvent({ category: 'c', action: 'new session' }));
      const [a, b, c] = sink.events;
      expect(b!.fields['sid']).to.equal(a!.fields['sid']);
      expect(b!.fields['vid']).to.equal('1');
      expect(c!.fields['sid']).to.match(UUID);
      expect(c!.fields['sid']).to.not.equal(a!.fields['sid']);
      expect(c!.fields['vid']).to.equal('2');
      expect(c!.fields['duid']).to.equal(a!.fields['duid']);
      const first = entity(a!, CLIENT_SESSION)!;
      expect(first).to.deep.equal({
        userId: a!.fields['duid'],
        sessionId: a!.fields['sid'],
        sessionIndex: 1,
        eventIndex: 1,
        previousSessionId: null,
        storageMechanism: 'COOKIE_1',
        firstEventId: a!.fields['eid'],
        firstEventTimestamp: new Date(Number(a!.fields['dtm'])).toISOString(),
      });
      expect(entity(b!, CLIENT_SESSION)).to.include({ eventIndex: 2, firstEventId: a!.fields['eid'] });
      expect(entity(c!, CLIENT_SESSION)).to.include({
        sessionIndex: 2,
        eventIndex: 1,
        previousSessionId: a!.fields['sid'],
        firstEventId: c!.fields['eid'],
      });
      expect(tracker.sessionId).to.equal(c!.fields['sid']);
      expect(tracker.sessionIndex).to.equal(2);
      expect(tracker.domainUserId).to.equal(a!.fields['duid']);
    });

    it('sessionTimeoutMs and newSession() end sessions; getters are undefined before the first event', () => {
      const { tracker, sink, scheduler } = rig({ sessionTimeoutMs: 1_000 });
      expect([tracker.domainUserId, tracker.sessionId, tracker.sessionIndex]).to.deep.equal([undefined, undefined, undefined]);
      tracker.track(structEvent({ category: 'c', action: '1' }));
      scheduler.advance(1_001);
      tracker.track(structEvent({ category: 'c', action: '2' }));
      tracker.newSession();
      tracker.track(structEvent({ category: 'c', action: '3' }));
      expect(sink.events.map((e) => e.fields['vid'])).to.deep.equal(['1', '2', '3']);
      expect(new Set(sink.events.map((e) => e.fields['sid'])).size).to.equal(3);
    });

    it("storage 'cookie': one first-party cookie with the configured attributes; a new tracker (a reload) continues the user and session", () => {
      const cookies = recordCookieWrites();
      try {
        const first = rig({ storage: 'cookie', cookie: { prefix: 'spec_', sameSite: 'Strict', lifetimeSeconds: 600 } });
        expect(cookies.writes, 'nothing stored before the first event').to.deep.equal([]);
        first.tracker.trackPageView();
        expect(cookies.writes).to.have.length(1);
        const written = cookies.writes[0]!;
        expect(written).to.match(/^spec_id=[0-9a-f-]{36}\.1\.[0-9a-f-]{36}\.\d+\.\.\.0\.1; Max-Age=600; Path=\/; SameSite=Strict$/);
        expect(localStorage.getItem('spec_id')).to.equal(null);
        const pv = first.sink.events[0]!;
        expect(written).to.contain(pv.fields['duid']!).and.to.contain(pv.fields['sid']!);

        const reload = rig({ storage: 'cookie', cookie: { prefix: 'spec_' } });
        reload.tracker.trackPageView();
        const next = reload.sink.events[0]!;
        expect(next.fields['duid']).to.equal(pv.fields['duid']);
        expect(next.fields['sid']).to.equal(pv.fields['sid']);
        expect(next.fields['vid']).to.equal('1');
      } finally {
        cookies.restore();
        clearIds('spec_');
      }
    });

    it('cookie domain, path and Secure are written as given (a cookie for another path is not readable here)', () => {
      const cookies = recordCookieWrites();
      try {
        const { tracker, sink } = rig({
          storage: 'cookie',
          cookie: { path: '/elsewhere', domain: location.hostname, secure: true, sameSite: 'None' },
        });
        tracker.track(structEvent({ category: 'c', action: '1' }));
        // The first write deletes a host-only cookie of the same name (one a page without `domain` left), if any.
        expect(cookies.writes[0]).to.equal('_rxp_id=; Max-Age=0; Path=/elsewhere; SameSite=None; Secure');
        expect(cookies.writes[1]).to.match(
          new RegExp(`; Max-Age=63072000; Path=/elsewhere; Domain=${location.hostname.replace(/\./g, '\\.')}; SameSite=None; Secure$`),
        );
        // Not stored where this page can read it: the ids live on in memory for this tracker.
        tracker.track(structEvent({ category: 'c', action: '2' }));
        expect(sink.events[1]!.fields['sid']).to.equal(sink.events[0]!.fields['sid']);
      } finally {
        cookies.restore();
      }
    });

    it("storage 'localStorage': the entry is in localStorage and no cookie is written; 'none' writes neither", () => {
      const cookies = recordCookieWrites();
      try {
        const local = rig({ storage: 'localStorage', contexts: { session: true } });
        local.tracker.trackPageView();
        const stored = localStorage.getItem('_rxp_id');
        expect(stored).to.contain(local.sink.events[0]!.fields['duid']!);
        expect(entity(local.sink.events[0]!, CLIENT_SESSION)!['storageMechanism']).to.equal('LOCAL_STORAGE');
        const reload = rig({ storage: 'localStorage' });
        reload.tracker.trackPageView();
        expect(reload.sink.events[0]!.fields['duid']).to.equal(local.sink.events[0]!.fields['duid']);
        localStorage.removeItem('_rxp_id');

        const none = rig({ storage: 'none' });
        none.tracker.trackPageView();
        expect(localStorage.getItem('_rxp_id')).to.equal(null);
        expect(cookies.writes).to.deep.equal([]);
        expect(none.sink.events[0]!.fields['duid']).to.match(UUID);
      } finally {
        cookies.restore();
      }
    });

    it('clearUserData() deletes the stored ids and the user id: the next event is a new user and session', () => {
      const { tracker, sink } = rig({ storage: 'cookie' });
      tracker.setUserId('alice');
      tracker.trackPageView();
      expect(document.cookie).to.contain('_rxp_id=');
      tracker.clearUserData();
      expect(document.cookie).to.not.contain('_rxp_id=');
      expect(tracker.userId).to.equal(undefined);
      tracker.trackPageView();
      const [before, after] = sink.events;
      expect(before!.fields['uid']).to.equal('alice');
      expect(after!.fields['uid']).to.equal(undefined);
      expect(after!.fields['duid']).to.not.equal(before!.fields['duid']);
      expect(after!.fields['sid']).to.not.equal(before!.fields['sid']);
      expect(after!.fields['vid']).to.equal('1');
    });
  });

  describe('anonymous tracking', () => {
    it("mode 'full': no duid, sid, vid, uid nor client_session, and nothing stored", () => {
      const cookies = recordCookieWrites();
      try {
        const { tracker, sink } = rig({
          storage: 'cookie',
          anonymous: { mode: 'full' },
          contexts: { session: true },
          subject: { userId: 'bob' },
        });
        tracker.setUserId('carol');
        tracker.setSubject({ userId: 'dave' });
        tracker.trackPageView();
        const [pv] = sink.events;
        for (const key of ['duid', 'sid', 'vid', 'uid']) expect(pv!.fields, key).to.not.have.property(key);
        expect(pv!.contexts.map((c) => c.schema)).to.deep.equal([WEB_PAGE]);
        expect(cookies.writes).to.deep.equal([]);
        expect([tracker.domainUserId, tracker.sessionId, tracker.userId]).to.deep.equal([undefined, undefined, 'dave']);
      } finally {
        cookies.restore();
      }
    });

    it("mode 'session': sid and vid (in memory only), client_session with the all-zero user id, no duid or uid", () => {
      const cookies = recordCookieWrites();
      try {
        const { tracker, sink } = rig({ storage: 'cookie', anonymous: { mode: 'session' }, contexts: { session: true } });
        tracker.setUserId('erin');
        tracker.trackPageView();
        tracker.trackPageView();
        const [a, b] = sink.events;
        expect(a!.fields).to.not.have.property('duid');
        expect(a!.fields).to.not.have.property('uid');
        expect(a!.fields['sid']).to.match(UUID).and.to.equal(b!.fields['sid']);
        expect(a!.fields['vid']).to.equal('1');
        expect(entity(a!, CLIENT_SESSION)).to.include({ userId: '00000000-0000-0000-0000-000000000000', sessionId: a!.fields['sid'] });
        expect(cookies.writes).to.deep.equal([]);
        expect(tracker.domainUserId).to.equal(undefined);
      } finally {
        cookies.restore();
      }
    });

    it('switching at runtime: entering deletes the stored ids at once; leaving starts a new domain user id', () => {
      const { tracker, sink } = rig({ storage: 'cookie' });
      tracker.setUserId('frank');
      tracker.trackPageView();
      expect(document.cookie).to.contain('_rxp_id=');
      tracker.setAnonymousTracking({ mode: 'session' });
      expect(document.cookie).to.not.contain('_rxp_id=');
      tracker.trackPageView();
      tracker.setAnonymousTracking(false);
      tracker.trackPageView();
      const [known, anonymous, back] = sink.events;
      expect(anonymous!.fields).to.not.have.property('uid');
      expect(anonymous!.fields['sid'], 'session kept in memory').to.equal(known!.fields['sid']);
      expect(back!.fields['uid']).to.equal('frank');
      expect(back!.fields['duid']).to.match(UUID);
      expect(back!.fields['duid']).to.not.equal(known!.fields['duid']);
      expect(document.cookie).to.contain(back!.fields['duid']!);
      expect(() => tracker.setAnonymousTracking({ mode: 'partly' as 'full' })).to.throw(/anonymous\.mode/);
    });

    it('serverAnonymisation sends SP-Anonymous: * (real Emitter, testing collector), switchable at runtime', async () => {
      const collector = createTestingCollector();
      const tracker = createBrowserTracker({
        endpoint: collector.url,
        storage: 'none',
        outbox: { storage: 'memory' },
        anonymous: { mode: 'full', serverAnonymisation: true },
        emitter: { fetch: collector.fetch, flushIntervalMs: 0, scheduler: asyncScheduler },
      });
      trackers.push(tracker);
      tracker.trackPageView();
      await tracker.flush();
      tracker.setAnonymousTracking(false);
      // The header holds until the flush it started resolves: that flush was asked first, with nothing pending, so it
      // resolves (and releases the hold) before this one does. An explicit signal, no wait on the clock.
      await tracker.flush();
      tracker.trackPageView();
      await tracker.flush();
      tracker.trackPageView();
      await tracker.flush();
      const headers = collector.requests.map((r) => r.headers['sp-anonymous']);
      expect(headers).to.deep.equal(['*', undefined, undefined]);
      expect(collector.events[0]!.fields).to.not.have.property('duid');
      expect(collector.events[1]!.fields['duid']).to.match(UUID);
    });

    it('after serverAnonymisation is switched off, events tracked before it still go with the header', async () => {
      const collector = createTestingCollector();
      collector.respondWith({ status: 200, delayMs: 50 });
      const tracker = createBrowserTracker({
        endpoint: collector.url,
        storage: 'none',
        outbox: { storage: 'memory' },
        anonymous: { mode: 'full', serverAnonymisation: true },
        emitter: { fetch: collector.fetch, flushIntervalMs: 200, scheduler: asyncScheduler },
      });
      trackers.push(tracker);
      tracker.trackPageView(); // waits in the batch
      tracker.setAnonymousTracking(false);
      await tracker.flush();
      expect(collector.requests.map((r) => r.headers['sp-anonymous'])).to.deep.equal(['*']);
    });
  });

  describe('options', () => {
    it('refuses unusable options with InvalidOptionsError naming them', () => {
      expect(() => createBrowserTracker({} as BrowserTrackerOptions)).to.throw(/endpoint/);
      expect(() => createBrowserTracker({ endpoint: 'c.test', storage: 'disk' as 'none' })).to.throw(/storage/);
      expect(() => createBrowserTracker({ endpoint: 'c.test', sessionTimeoutMs: -1 })).to.throw(/sessionTimeoutMs/);
      expect(() => createBrowserTracker({ endpoint: 'c.test', cookie: { sameSite: 'lax' as 'Lax' } })).to.throw(/cookie\.sameSite/);
      expect(() => createBrowserTracker({ endpoint: 'c.test', anonymous: true as unknown as false })).to.throw(/anonymous/);
    });

    it('dtm follows the scheduler clock', () => {
      const { tracker, sink, scheduler } = rig();
      scheduler.advance(HOUR);
      tracker.trackPageView();
      expect(sink.events[0]!.fields['dtm']).to.equal(String(scheduler.start + HOUR));
    });
  });
});

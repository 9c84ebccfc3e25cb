// Cross-domain linking in Snowplow's `_sp` format both ways (rxplow decorates links as Snowplow's linker does, and
// adopts the user of a fresh `_sp` parameter that Snowplow's linker wrote), Do Not Track and the opt-out cookie, and
// sessions as an Observable, in Chromium.
import { newTracker } from '@snowplow/browser-tracker';
import { expect } from 'chai';
import {
  consentSignals,
  createBrowserTracker,
  crossDomainLanding,
  crossDomainLinker,
  type BrowserTracker,
  type SessionRecord,
} from '../../src/browser/index.js';
import { decorateUrl, linkedUserId } from '../../src/browser/cross-domain.js';
import { structEvent } from '../../src/index.js';
import { clearIds, ManualScheduler, UUID } from './browser-support.js';
import { OutcomeSink } from './outcome-sink.js';

const MINUTE = 60_000;

describe('rxplow/browser: cross-domain linking, consent signals, sessions', function () {
  this.timeout(10_000);
  const trackers: BrowserTracker[] = [];
  const startUrl = location.href;
  let root: HTMLDivElement;
  function rig(options: Parameters<typeof createBrowserTracker>[0] = {}) {
    const sink = new OutcomeSink();
    const scheduler = new ManualScheduler();
    const tracker = createBrowserTracker({ sinks: [sink], scheduler, appId: 'shop', inherit: [crossDomainLanding()], ...options });
    trackers.push(tracker);
    return { tracker, sink, scheduler };
  }
  const track = (t: BrowserTracker) => t.track(structEvent({ category: 'c', action: 'a' }));

  beforeEach(() => {
    clearIds();
    root = document.createElement('div');
    document.body.appendChild(root);
    root.addEventListener('click', (e) => e.preventDefault());
  });
  afterEach(async () => {
    await Promise.all(trackers.splice(0).map((t) => t.shutdown()));
    history.replaceState(null, '', startUrl);
    root.remove();
    clearIds();
  });

  describe('crossDomainLinker', () => {
    it('decorates the links the filter accepts with _sp=<duid>.<time>, first in the query, replaced on the next click', () => {
      const { tracker, scheduler } = rig({ plugins: [crossDomainLinker({ filter: (link) => link.hostname === 'other.test' })] });
      tracker.trackPageView();
      root.innerHTML = '<a id="out" href="https://other.test/p?x=1#top">out</a><a id="same" href="https://shop.test/p">same</a>';
      const [out, same] = [...root.querySelectorAll('a')];
      out!.click();
      expect(out!.href).to.equal(`https://other.test/p?_sp=${tracker.domainUserId}.${scheduler.now()}&x=1#top`);
      scheduler.advance(5000);
      out!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
      expect(out!.href).to.equal(`https://other.test/p?_sp=${tracker.domainUserId}.${scheduler.now()}&x=1#top`);
      same!.click();
      expect(same!.href).to.equal('https://shop.test/p');
    });

    it('extended format: <duid>.<time>.<sid>..<base64url app id> (Snowplow defaults), reason and user id on request', () => {
      const { tracker, scheduler } = rig({
        plugins: [
          crossDomainLinker({ filter: () => true, sourceId: 'shop', extended: { userId: true, reason: true, sourcePlatform: true } }),
        ],
      });
      tracker.setUserId('ü@x');
      tracker.trackPageView();
      root.innerHTML = '<a href="https://other.test/">Go on</a>';
      const link = root.querySelector('a')!;
      link.click();
      const b64 = (s: string) =>
        btoa(String.fromCharCode(...new TextEncoder().encode(s)))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
      expect(link.href).to.equal(
        `https://other.test/?_sp=${tracker.domainUserId}.${scheduler.now()}.${tracker.sessionId}.${b64('ü@x')}.${b64('shop')}.web.${b64('Go on')}`,
      );
    });

    it("Snowplow's linker and rxplow's write the same URL; rxplow reads the user from Snowplow's", () => {
      const sp = newTracker('sp-linker', `${location.origin}/__rxplow/cross-domain`, { appId: 'sp', synchronousCookieWrite: true })!;
      root.innerHTML = '<a id="sp-link" href="https://other.test/landing?q=1#h">sp</a>';
      const link = root.querySelector('a')!;
      sp.crossDomainLinker((l) => l.id === 'sp-link');
      link.click();
      const match = /_sp=([^&#]*)/.exec(link.href)!;
      const [duid, time] = match[1]!.split('.');
      expect(duid).to.equal(sp.getDomainUserId());
      expect(link.href).to.equal(decorateUrl('https://other.test/landing?q=1#h', '_sp', `${duid}.${time}`));
      expect(linkedUserId(link.href, Date.now(), 5 * MINUTE)).to.equal(duid);
      for (const name of [sp.getCookieName('id'), sp.getCookieName('ses')]) document.cookie = `${name}=; Max-Age=0; Path=/`;
    });

    it('landing: a fresh _sp parameter gives the user id when none is stored; a stale one or a known visitor does not', () => {
      const linked = '7b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
      history.replaceState(null, '', `${location.pathname}?_sp=${linked}.${Date.now() - MINUTE}`);
      const fresh = rig();
      track(fresh.tracker);
      expect(fresh.sink.events[0]!.fields['duid']).to.equal(linked);
      expect(fresh.sink.events[0]!.fields['vid']).to.equal('1');
      const known = rig(); // the cookie the first tracker wrote wins over the parameter
      history.replaceState(null, '', `${location.pathname}?_sp=0b0c1d1e-aaaa-4bbb-8ccc-123456789abc.${Date.now()}`);
      track(known.tracker);
      expect(known.sink.events[0]!.fields['duid']).to.equal(linked);
      clearIds();
      history.replaceState(null, '', `${location.pathname}?_sp=${linked}.${Date.now() - 10 * MINUTE}`);
      const stale = rig();
      track(stale.tracker);
      expect(stale.sink.events[0]!.fields['duid']).to.match(UUID).and.not.equal(linked);
      clearIds();
      history.replaceState(null, '', `${location.pathname}?_sp=${linked}.${Date.now()}`);
      const off = rig({ inherit: [] });
      track(off.tracker);
      expect(off.sink.events[0]!.fields['duid']).to.not.equal(linked);
    });
  });

  describe('consent signals', () => {
    afterEach(() => {
      delete (navigator as { doNotTrack?: unknown }).doNotTrack;
      document.cookie = 'no_tracking=; Max-Age=0; Path=/';
    });

    it('respectDoNotTrack: with Do Not Track on, every event is dropped (filtered) and no id is stored; off, tracked', () => {
      Object.defineProperty(navigator, 'doNotTrack', { value: '1', configurable: true });
      const { tracker, sink } = rig({ storage: 'cookie', consent: consentSignals({ respectDoNotTrack: true }) });
      track(tracker);
      tracker.trackPageView();
      expect(sink.events).to.deep.equal([]);
      expect(sink.dropped.map((d) => d.reason)).to.deep.equal(['filtered', 'filtered']);
      expect(document.cookie).to.not.contain('_rxp_id=');
      const ignoring = rig({ storage: 'cookie' });
      track(ignoring.tracker);
      expect(ignoring.sink.events).to.have.length(1);
    });

    it('optOutCookie: while the cookie is set nothing is tracked and the ids are deleted; removed, tracking resumes', () => {
      const { tracker, sink } = rig({ storage: 'cookie', consent: consentSignals({ optOutCookie: 'no_tracking' }) });
      track(tracker);
      expect(document.cookie).to.contain('_rxp_id=');
      document.cookie = 'no_tracking=1; Path=/';
      track(tracker);
      expect(sink.events).to.have.length(1);
      expect(sink.dropped.map((d) => d.reason)).to.deep.equal(['filtered']);
      expect(document.cookie).to.not.contain('_rxp_id=');
      document.cookie = 'no_tracking=; Max-Age=0; Path=/';
      track(tracker);
      expect(sink.events).to.have.length(2);
      expect(sink.events[1]!.fields['duid']).to.not.equal(sink.events[0]!.fields['duid']); // the user was forgotten
      expect(() => consentSignals({ optOutCookie: 'bad name;' })).to.throw(/optOutCookie/);
      expect(() => rig({ consent: 'yes' as unknown as () => boolean })).to.throw(/consent/);
    });
  });

  it('sessions: one record per session started (first event, timeout, newSession()), with index and previous id', () => {
    const { tracker, sink, scheduler } = rig({ storage: 'cookie' });
    const sessions: SessionRecord[] = [];
    tracker.sessions.subscribe((s) => sessions.push(s));
    const t0 = scheduler.now();
    track(tracker);
    track(tracker);
    scheduler.advance(31 * MINUTE);
    track(tracker);
    tracker.newSession();
    track(tracker);
    const sids = sink.events.map((e) => e.fields['sid']!);
    const duid = sink.events[0]!.fields['duid'];
    expect(sessions).to.deep.equal([
      { sessionId: sids[0], sessionIndex: 1, previousSessionId: undefined, domainUserId: duid, timestamp: t0 },
      { sessionId: sids[2], sessionIndex: 2, previousSessionId: sids[0], domainUserId: duid, timestamp: t0 + 31 * MINUTE },
      { sessionId: sids[3], sessionIndex: 3, previousSessionId: sids[2], domainUserId: duid, timestamp: t0 + 31 * MINUTE },
    ]);
  });
});

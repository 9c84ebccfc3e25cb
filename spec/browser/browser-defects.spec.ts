// rxplow/browser on hostile or inherited state (issue 21, point 3), in Chromium: a Domain cookie never shadowed by an
// older host-only one, absurd stored ids replaced (never sent, never poisoning every event), forms read through the
// prototypes (DOM clobbering), error tracking surviving a throwing `stack` getter, and every module's event builder
// guarded: a hostile value is one `dropped` outcome and the module keeps tracking.
import { expect } from 'chai';
import {
  createBrowserTracker,
  errorTracking,
  formTracking,
  linkClickTracking,
  type BrowserPlugin,
  type BrowserTracker,
} from '../../src/browser/index.js';
import { discoverRootDomain } from '../../src/browser/cookies.js';
import { structEvent } from '../../src/index.js';
import { clearIds, CLIENT_SESSION, entity, ManualScheduler, UUID } from './browser-support.js';
import { CookieJarModel } from './cookie-jar-model.js';
import { OutcomeSink } from './outcome-sink.js';

const MINUTE = 60_000;
const FORM_SUBMISSION = 'iglu:com.snowplowanalytics.snowplow/submit_form/jsonschema/1-0-0';
const CHANGE_FORM = 'iglu:com.snowplowanalytics.snowplow/change_form/jsonschema/1-0-0';
const APPLICATION_ERROR = 'iglu:com.snowplowanalytics.snowplow/application_error/jsonschema/1-0-1';

describe('rxplow/browser: hostile and inherited state (issue 21)', function () {
  const trackers: BrowserTracker[] = [];
  let root: HTMLDivElement;
  function rig(options: Parameters<typeof createBrowserTracker>[0] = {}) {
    const sink = new OutcomeSink();
    const scheduler = new ManualScheduler();
    const tracker = createBrowserTracker({ sinks: [sink], scheduler, ...options });
    trackers.push(tracker);
    return { tracker, sink, scheduler };
  }
  const track = (t: BrowserTracker, action = 'a') => t.track(structEvent({ category: 'c', action }));

  beforeEach(() => {
    clearIds();
    root = document.createElement('div');
    document.body.appendChild(root);
  });
  afterEach(async () => {
    await Promise.all(trackers.splice(0).map((t) => t.shutdown()));
    root.remove();
    clearIds();
  });

  describe('cookie.domain and an older host-only cookie (a cookie jar for www.shop.example)', () => {
    let jar: CookieJarModel;
    beforeEach(() => (jar = new CookieJarModel('www.shop.example').install()));
    afterEach(() => jar.uninstall());

    it('adopts the host-only entry, deletes it, and keeps one session in the Domain cookie (4 events, 1 sid)', () => {
      const duid = '0b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
      const sid = '1b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
      const last = Date.now() - 5 * MINUTE;
      jar.set(`_rxp_id=${duid}.3.${sid}.${last}..${sid}.${last}.7; Max-Age=1000; Path=/`);
      const { tracker, sink, scheduler } = rig({ cookie: { domain: '.shop.example' } });
      for (let i = 0; i < 4; i++) {
        track(tracker);
        scheduler.advance(MINUTE);
      }
      const fields = sink.events.map((e) => e.fields);
      expect(new Set(fields.map((f) => f['sid']))).to.deep.equal(new Set([sid]));
      expect(fields.map((f) => f['vid'])).to.deep.equal(['3', '3', '3', '3']);
      expect(fields.every((f) => f['duid'] === duid)).to.equal(true);
      const cookies = jar.named('_rxp_id');
      expect(cookies.map((c) => [c.domain, c.hostOnly])).to.deep.equal([['shop.example', false]]);
      expect(cookies[0]!.value.split('.')[7]).to.equal('11');
    });

    it('a Domain cookie older than the host-only one still wins when it is the newer entry', () => {
      const duid = '2b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
      const sid = '3b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
      const stale = '4b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
      const now = Date.now();
      jar.set(`_rxp_id=${duid}.2.${sid}.${now - MINUTE}..${sid}.${now - 2 * MINUTE}.4; Max-Age=1000; Path=/; Domain=shop.example`);
      jar.set(`_rxp_id=${stale}.9.${stale}.${now - 90 * MINUTE}...0.1; Max-Age=1000; Path=/`);
      const { tracker, sink } = rig({ cookie: { domain: 'shop.example' } });
      track(tracker);
      track(tracker);
      expect(sink.events.map((e) => [e.fields['duid'], e.fields['sid'], e.fields['vid']])).to.deep.equal([
        [duid, sid, '2'],
        [duid, sid, '2'],
      ]);
      expect(jar.named('_rxp_id').map((c) => c.hostOnly)).to.deep.equal([false]);
    });

    it('root-domain discovery: the widest domain the browser accepts; none for an IP address or localhost', () => {
      const a = { path: '/', sameSite: 'Lax', secure: false } as const;
      expect(discoverRootDomain('www.shop.example', a)).to.equal('shop.example');
      expect(jar.cookies).to.deep.equal([]); // the test cookie is gone
      expect(new CookieJarModel('a.b.shop.co.uk').install() && discoverRootDomain('a.b.shop.co.uk', a)).to.equal('shop.co.uk');
      jar.install();
      expect(discoverRootDomain('127.0.0.1', a)).to.equal(undefined);
      expect(discoverRootDomain('localhost', a)).to.equal(undefined);
    });
  });

  describe('stored ids are checked on read', () => {
    const duid = '5b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
    const sid = '6b0c1d1e-aaaa-4bbb-8ccc-123456789abc';
    const seed = (value: string) => (document.cookie = `_rxp_id=${value}; Max-Age=1000; Path=/`);

    it('firstTs = 2^53 − 1: events are sent with a valid client_session, in a new session of the same user', () => {
      const now = Date.now();
      seed(`${duid}.4.${sid}.${now - MINUTE}..${sid}.${Number.MAX_SAFE_INTEGER}.3`);
      const { tracker, sink } = rig({ contexts: { session: true } });
      track(tracker);
      track(tracker);
      expect(sink.dropped).to.deep.equal([]);
      expect(sink.events).to.have.length(2);
      const [first, second] = sink.events.map((e) => entity(e, CLIENT_SESSION)!);
      expect(first!['userId']).to.equal(duid);
      expect(first!['sessionId']).to.match(UUID);
      expect(first!['sessionId']).to.not.equal(sid);
      expect(first!['previousSessionId']).to.equal(sid);
      expect(first!['sessionIndex']).to.equal(5);
      expect(Date.parse(first!['firstEventTimestamp'] as string)).to.be.closeTo(now, MINUTE);
      expect(second!['sessionId']).to.equal(first!['sessionId']);
    });

    it('a last-event time far in the future no longer keeps the session alive for ever', () => {
      seed(`${duid}.2.${sid}.${Date.now() + 10 * 365 * 24 * 60 * MINUTE}...0.3`);
      const { tracker, sink, scheduler } = rig();
      track(tracker);
      scheduler.advance(31 * MINUTE);
      track(tracker);
      const sids = sink.events.map((e) => e.fields['sid']);
      expect(sids[0]).to.not.equal(sid);
      expect(sids[1]).to.not.equal(sids[0]);
      expect(sink.events.map((e) => e.fields['vid'])).to.deep.equal(['3', '4']);
    });

    it('vid 4e9 and a non-UUID previous session: the user is kept, the session starts again at index 1', () => {
      seed(`${duid}.4000000000.${sid}.${Date.now() - MINUTE}.not-a-uuid..0.3`);
      const { tracker, sink } = rig({ contexts: { session: true } });
      track(tracker);
      const [e] = sink.events;
      expect(e!.fields['duid']).to.equal(duid);
      expect(e!.fields['vid']).to.equal('1');
      const session = entity(e!, CLIENT_SESSION)!;
      expect(session['sessionIndex']).to.equal(1);
      expect(session['previousSessionId']).to.equal(sid);
    });

    it('an unusable user id (or text that is no entry) means a new user; the absurd entry is overwritten', () => {
      seed(`not-a-uuid.1.${sid}.${Date.now()}...0.1`);
      const { tracker, sink } = rig();
      track(tracker);
      const [e] = sink.events;
      expect(e!.fields['duid']).to.match(UUID);
      expect(e!.fields['vid']).to.equal('1');
      expect(document.cookie).to.contain(`_rxp_id=${e!.fields['duid']}.1.`);
    });
  });

  describe('optional modules on hostile pages', () => {
    function start(...plugins: BrowserPlugin[]) {
      return rig({ storage: 'none', plugins });
    }
    const submit = (form: HTMLFormElement) => form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));

    it('forms: a field named "getAttribute", "id", "elements" or "classList" changes nothing, and the module keeps working', () => {
      const { sink } = start(formTracking());
      root.innerHTML =
        '<form id="checkout" class="c1"><input name="getAttribute" value="g"><input name="id" value="i">' +
        '<input name="elements" value="e"><input name="classList" value="l"></form>' +
        '<form name="plain"><input name="q" value="v"></form>';
      const [checkout, plain] = [...root.querySelectorAll('form')];
      submit(checkout!);
      checkout!.querySelector<HTMLInputElement>('input[name="id"]')!.dispatchEvent(new Event('change', { bubbles: true }));
      submit(plain!);
      expect(sink.dropped).to.deep.equal([]);
      expect(sink.events.map((e) => e.event)).to.deep.equal([
        {
          schema: FORM_SUBMISSION,
          data: {
            formId: 'checkout',
            formClasses: ['c1'],
            elements: ['getAttribute', 'id', 'elements', 'classList'].map((name) => ({
              name,
              value: name === 'classList' ? 'l' : name[0],
              nodeName: 'INPUT',
              type: 'text',
            })),
          },
        },
        {
          schema: CHANGE_FORM,
          data: { formId: 'checkout', elementId: 'id', nodeName: 'INPUT', type: 'text', elementClasses: [], value: 'i' },
        },
        {
          schema: FORM_SUBMISSION,
          data: { formId: 'plain', formClasses: [], elements: [{ name: 'q', value: 'v', nodeName: 'INPUT', type: 'text' }] },
        },
      ]);
    });

    it('forms: a hostile value (a transform returning a number) is one dropped event; the next one is tracked', () => {
      const { sink } = start(formTracking({ transform: (value, el) => (el.name === 'bad' ? (42 as unknown as string) : value) }));
      root.innerHTML = '<form id="f"><input name="bad" value="x"><input name="good" value="y"></form>';
      const [bad, good] = [...root.querySelectorAll('input')];
      bad!.dispatchEvent(new Event('change', { bubbles: true }));
      good!.dispatchEvent(new Event('change', { bubbles: true }));
      expect(sink.dropped.map((d) => d.reason)).to.deep.equal(['invalid']);
      expect(sink.events.map((e) => e.event!.data['elementId'])).to.deep.equal(['good']);
    });

    it('link clicks: a link whose own `classList` getter throws is one dropped event; the next click is tracked', () => {
      const { sink } = start(linkClickTracking());
      root.innerHTML = '<a id="bad" href="https://shop.test/a">a</a><a id="good" href="https://shop.test/b">b</a>';
      root.addEventListener('click', (e) => e.preventDefault());
      const [bad, good] = [...root.querySelectorAll('a')];
      Object.defineProperty(bad, 'classList', { get: () => { throw new Error('hostile'); } }); // prettier-ignore
      bad!.click();
      good!.click();
      expect(sink.dropped).to.have.length(1);
      expect(sink.dropped[0]!.reason).to.equal('invalid');
      expect(sink.dropped[0]!.error).to.contain('hostile');
      expect(sink.events.map((e) => e.event!.data['elementId'])).to.deep.equal(['good']);
    });

    it('errors: a rejection whose `stack` and `message` getters throw is tracked (as an unknown error); tracking goes on', () => {
      const { sink } = start(errorTracking());
      const hostile = new Error('x');
      Object.defineProperty(hostile, 'stack', { get: () => { throw new Error('no stack for you'); } }); // prettier-ignore
      Object.defineProperty(hostile, 'message', { get: () => { throw new Error('no message either'); } }); // prettier-ignore
      const stop = (e: Event) => e.stopImmediatePropagation();
      window.addEventListener('unhandledrejection', stop, true);
      try {
        window.dispatchEvent(new PromiseRejectionEvent('unhandledrejection', { promise: Promise.resolve(), reason: hostile }));
        window.dispatchEvent(
          new PromiseRejectionEvent('unhandledrejection', { promise: Promise.resolve(), reason: new RangeError('later') }),
        );
      } finally {
        window.removeEventListener('unhandledrejection', stop, true);
      }
      expect(sink.dropped).to.deep.equal([]);
      expect(sink.events.map((e) => e.event)).to.deep.equal([
        { schema: APPLICATION_ERROR, data: { programmingLanguage: 'JAVASCRIPT', message: 'Unknown error' } },
        {
          schema: APPLICATION_ERROR,
          data: {
            programmingLanguage: 'JAVASCRIPT',
            message: 'later',
            exceptionName: 'RangeError',
            stackTrace: sink.events[1]!.event!.data['stackTrace'],
          },
        },
      ]);
      expect(sink.events[1]!.event!.data['stackTrace']).to.contain('RangeError: later');
    });
  });
});

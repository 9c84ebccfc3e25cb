// rxplow/browser's optional modules in Chromium: link clicks (one delegated listener), forms (focus, change, submit;
// no password values), errors (error / unhandledrejection → application_error); every DOM listener of the tracker
// and its modules is removed by shutdown(); on a page with no plugins the tracker adds none.
import { expect } from 'chai';
import {
  activityTracking,
  createBrowserTracker,
  errorTracking,
  formTracking,
  linkClickTracking,
  type BrowserPlugin,
  type BrowserTracker,
} from '../../src/browser/index.js';
import { createTestingCollector } from '../../src/testing/index.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';

const LINK_CLICK = 'iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1';
const APPLICATION_ERROR = 'iglu:com.snowplowanalytics.snowplow/application_error/jsonschema/1-0-1';

describe('rxplow/browser: optional modules', function () {
  let root: HTMLDivElement;
  let tracker: BrowserTracker | undefined;
  let sink: RecordingSink;

  function start(...plugins: BrowserPlugin[]): BrowserTracker {
    sink = new RecordingSink();
    tracker = createBrowserTracker({ sinks: [sink], storage: 'none', scheduler: new ManualScheduler(), plugins });
    return tracker;
  }
  const events = () => sink.events.map((e) => e.event);

  beforeEach(() => {
    root = document.createElement('div');
    document.body.appendChild(root);
  });
  afterEach(async () => {
    await tracker?.shutdown();
    tracker = undefined;
    root.remove();
  });

  describe('linkClickTracking', () => {
    it('tracks clicks on links (also on their children, links added later, middle clicks), with id, classes, target', () => {
      start(linkClickTracking());
      root.innerHTML =
        '<a id="go" class="nav big" target="_blank" href="https://shop.test/next"><span>Next</span></a><a>no href</a><button>x</button>';
      root.addEventListener('click', (e) => e.preventDefault());
      root.querySelector('span')!.click();
      (root.querySelectorAll('a')[1] as HTMLElement).click();
      root.querySelector('button')!.click();
      root.querySelector('a')!.dispatchEvent(new MouseEvent('auxclick', { bubbles: true, button: 1 }));
      root.querySelector('a')!.dispatchEvent(new MouseEvent('auxclick', { bubbles: true, button: 2 })); // right click: no
      expect(events()).to.deep.equal([
        {
          schema: LINK_CLICK,
          data: { targetUrl: 'https://shop.test/next', elementId: 'go', elementClasses: ['nav', 'big'], elementTarget: '_blank' },
        },
        {
          schema: LINK_CLICK,
          data: { targetUrl: 'https://shop.test/next', elementId: 'go', elementClasses: ['nav', 'big'], elementTarget: '_blank' },
        },
      ]);
    });

    it('filter and trackContent; a throwing filter tracks nothing and breaks nothing', () => {
      start(
        linkClickTracking({ trackContent: true, filter: (a) => !a.classList.contains('skip') }),
        linkClickTracking({
          filter: () => {
            throw new Error('bad filter');
          },
        }),
      );
      root.innerHTML = '<a href="/a"> About us </a><a class="skip" href="/b">B</a>';
      root.addEventListener('click', (e) => e.preventDefault());
      root.querySelectorAll('a').forEach((a) => a.click());
      root.querySelector('a')!.click();
      expect(events()).to.deep.equal([
        { schema: LINK_CLICK, data: { targetUrl: `${location.origin}/a`, elementContent: 'About us' } },
        { schema: LINK_CLICK, data: { targetUrl: `${location.origin}/a`, elementContent: 'About us' } },
      ]);
    });
  });

  describe('formTracking', () => {
    function form(): HTMLFormElement {
      root.innerHTML = `<form id="signup" class="f">
        <input id="email" name="email" type="email" class="i" value="a@b.test">
        <input name="pw" type="password" value="secret">
        <input name="news" type="checkbox" value="yes">
        <textarea name="note">hi</textarea>
        <select name="size"><option value="m" selected>M</option></select>
      </form>`;
      return root.querySelector('form')!;
    }

    it('focus, change and submit events, with no password value and an unchecked box as null', () => {
      start(formTracking());
      const f = form();
      f.querySelector('#email')!.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
      const pw = f.querySelector<HTMLInputElement>('[name=pw]')!;
      pw.dispatchEvent(new Event('change', { bubbles: true }));
      f.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
      const [focus, change, submit] = events();
      expect(focus).to.deep.equal({
        schema: 'iglu:com.snowplowanalytics.snowplow/focus_form/jsonschema/1-0-0',
        data: { formId: 'signup', elementId: 'email', nodeName: 'INPUT', elementClasses: ['i'], elementType: 'email', value: 'a@b.test' },
      });
      expect(change).to.deep.equal({
        schema: 'iglu:com.snowplowanalytics.snowplow/change_form/jsonschema/1-0-0',
        data: { formId: 'signup', elementId: 'pw', nodeName: 'INPUT', elementClasses: [], type: 'password', value: null },
      });
      expect(submit).to.deep.equal({
        schema: 'iglu:com.snowplowanalytics.snowplow/submit_form/jsonschema/1-0-0',
        data: {
          formId: 'signup',
          formClasses: ['f'],
          elements: [
            { name: 'email', value: 'a@b.test', nodeName: 'INPUT', type: 'email' },
            { name: 'pw', value: null, nodeName: 'INPUT', type: 'password' },
            { name: 'news', value: null, nodeName: 'INPUT', type: 'checkbox' },
            { name: 'note', value: 'hi', nodeName: 'TEXTAREA' },
            { name: 'size', value: 'm', nodeName: 'SELECT' },
          ],
        },
      });
    });

    it('events, fields, forms and transform options', () => {
      start(
        formTracking({
          events: ['change_form'],
          fields: (el) => el.name !== 'note',
          transform: (value, el) => (el.name === 'email' ? '***' : value),
        }),
      );
      const f = form();
      for (const el of f.querySelectorAll('input, textarea')) el.dispatchEvent(new Event('change', { bubbles: true }));
      f.querySelector('#email')!.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
      f.dispatchEvent(new Event('submit', { bubbles: true }));
      expect(events().map((e) => [e!.data['elementId'], e!.data['value']])).to.deep.equal([
        ['email', '***'],
        ['pw', null],
        ['news', null],
      ]);
      void tracker!.shutdown();
      start(formTracking({ forms: (form) => form.id !== 'signup' }));
      form()
        .querySelector('#email')!
        .dispatchEvent(new Event('change', { bubbles: true }));
      expect(events()).to.deep.equal([]);
    });
  });

  describe('errorTracking', () => {
    /** Keeps Mocha's own window.onerror / unhandledrejection handlers from seeing the spec's synthetic errors. */
    function shielded(body: () => void): void {
      const stop = (e: Event) => e.stopImmediatePropagation();
      window.addEventListener('error', stop, true);
      window.addEventListener('unhandledrejection', stop, true);
      const onerror = window.onerror;
      window.onerror = null;
      try {
        body();
      } finally {
        window.onerror = onerror;
        window.removeEventListener('error', stop, true);
        window.removeEventListener('unhandledrejection', stop, true);
      }
    }

    it('error and unhandledrejection events become application_error events', () => {
      start(errorTracking({ filter: (e) => !(e instanceof ErrorEvent && e.message === 'ignored') }));
      const thrown = new TypeError('x is not a function');
      shielded(() => {
        window.dispatchEvent(
          new ErrorEvent('error', {
            message: 'Uncaught TypeError: x is not a function',
            filename: 'https://shop.test/app.js',
            lineno: 12,
            colno: 5,
            error: thrown,
          }),
        );
        window.dispatchEvent(new ErrorEvent('error', { message: 'ignored' }));
        window.dispatchEvent(new PromiseRejectionEvent('unhandledrejection', { promise: Promise.resolve(), reason: { code: 42 } }));
        window.dispatchEvent(
          new PromiseRejectionEvent('unhandledrejection', { promise: Promise.resolve(), reason: new RangeError('too far') }),
        );
        document.body.dispatchEvent(new Event('error')); // a resource error reaching the window in the capture phase: not an application error
      });
      const [fromError, fromObject, fromRejection, more] = events();
      expect(more).to.equal(undefined);
      expect(fromError).to.deep.equal({
        schema: APPLICATION_ERROR,
        data: {
          programmingLanguage: 'JAVASCRIPT',
          message: 'Uncaught TypeError: x is not a function',
          exceptionName: 'TypeError',
          stackTrace: thrown.stack,
          fileName: 'https://shop.test/app.js',
          lineNumber: 12,
          lineColumn: 5,
        },
      });
      expect(fromObject!.data).to.deep.equal({ programmingLanguage: 'JAVASCRIPT', message: '{"code":42}' });
      expect(fromRejection!.data).to.include({ message: 'too far', exceptionName: 'RangeError' });
    });
  });

  describe('DOM listeners', () => {
    const live = new Map<string, number>();
    const original = { add: EventTarget.prototype.addEventListener, remove: EventTarget.prototype.removeEventListener };
    const ids = new WeakMap<object, number>();
    let next = 0;
    const id = (o: object): number => {
      if (!ids.has(o)) ids.set(o, next++);
      return ids.get(o)!;
    };
    /** One listener registration: target, type, listener and capture flag (what removeEventListener matches on). */
    const keyOf = (target: EventTarget, type: string, listener: object, options: unknown) => {
      const capture = typeof options === 'boolean' ? options : !!(options as { capture?: boolean } | undefined)?.capture;
      return `${id(target)}|${type}|${id(listener)}|${capture}`;
    };

    beforeEach(() => {
      live.clear();
      EventTarget.prototype.addEventListener = function (
        type: string,
        listener: EventListenerOrEventListenerObject | null,
        options?: boolean | AddEventListenerOptions,
      ) {
        if (listener) {
          const key = keyOf(this, type, listener, options);
          live.set(key, 1);
        }
        return original.add.call(this, type, listener, options);
      };
      EventTarget.prototype.removeEventListener = function (
        type: string,
        listener: EventListenerOrEventListenerObject | null,
        options?: boolean | EventListenerOptions,
      ) {
        if (listener) live.delete(keyOf(this, type, listener, options));
        return original.remove.call(this, type, listener, options);
      };
    });
    afterEach(() => {
      EventTarget.prototype.addEventListener = original.add;
      EventTarget.prototype.removeEventListener = original.remove;
    });

    it('shutdown() removes every listener the tracker, its outbox and all its modules added', async () => {
      const scheduler = new ManualScheduler();
      sink = new RecordingSink();
      const collector = createTestingCollector();
      tracker = createBrowserTracker({
        endpoint: collector.url,
        emitter: { fetch: collector.fetch },
        outbox: { storage: 'memory' },
        sinks: [sink],
        storage: 'none',
        scheduler,
        plugins: [activityTracking({ minimumVisitLength: 1, heartbeatDelay: 1 }), linkClickTracking(), formTracking(), errorTracking()],
      });
      tracker.trackPageView();
      document.dispatchEvent(new MouseEvent('mousemove', { bubbles: true })); // a timer, and its visibilitychange listener
      const during = live.size;
      expect(during).to.be.greaterThan(15);
      await tracker.shutdown();
      expect([...live.keys()]).to.deep.equal([]);
      expect(scheduler.pending, 'and no timer').to.equal(0);
    });

    it('a plugin that fails to start: the constructor throws and leaves no listener behind', async () => {
      const collector = createTestingCollector();
      const failing: BrowserPlugin = () => {
        throw new Error('plugin failed');
      };
      expect(() =>
        createBrowserTracker({
          endpoint: collector.url,
          emitter: { fetch: collector.fetch },
          storage: 'none',
          plugins: [linkClickTracking(), failing],
        }),
      ).to.throw('plugin failed');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect([...live.keys()]).to.deep.equal([]);
    });

    it('a tracker without plugins (and no endpoint) adds no listener at all', async () => {
      tracker = createBrowserTracker({ sinks: [(sink = new RecordingSink())], storage: 'none', scheduler: new ManualScheduler() });
      tracker.trackPageView();
      expect(live.size).to.equal(0);
      const stop = tracker.use(linkClickTracking());
      expect(live.size).to.equal(2);
      stop.unsubscribe();
      expect(live.size).to.equal(0);
    });
  });
});

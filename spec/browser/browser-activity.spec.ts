// rxplow/browser activityTracking() in Chromium, on a scheduler the spec moves: Snowplow's minimumVisitLength /
// heartbeatDelay semantics, scroll offsets, no timer while idle or hidden, restart on each page view.
import { expect } from 'chai';
import { activityTracking, createBrowserTracker, type BrowserTracker } from '../../src/browser/index.js';
import { ManualScheduler, RecordingSink, setVisibility } from './browser-support.js';

describe('rxplow/browser: activityTracking (page pings)', function () {
  let tall: HTMLDivElement;
  let tracker: BrowserTracker;
  let sink: RecordingSink;
  let scheduler: ManualScheduler;

  const pings = () => sink.events.filter((e) => e.fields['e'] === 'pp');
  /** The ping times, in seconds after the page view at 0. */
  const pingSeconds = () => pings().map((e) => (Number(e.fields['dtm']) - scheduler.start) / 1000);
  const move = () => document.dispatchEvent(new MouseEvent('mousemove', { bubbles: true }));
  const scrollTo = (x: number, y: number) => {
    window.scrollTo(x, y);
    window.dispatchEvent(new Event('scroll'));
  };
  /** Advances to `seconds` after the start. */
  const at = (seconds: number) => scheduler.advance(scheduler.start + seconds * 1000 - scheduler.now());

  beforeEach(() => {
    tall = document.createElement('div');
    tall.style.cssText = 'width: 5000px; height: 5000px';
    document.body.appendChild(tall);
    window.scrollTo(0, 0);
    sink = new RecordingSink();
    scheduler = new ManualScheduler();
    tracker = createBrowserTracker({
      sinks: [sink],
      scheduler,
      storage: 'none',
      plugins: [activityTracking({ minimumVisitLength: 5, heartbeatDelay: 10 })],
    });
  });

  afterEach(async () => {
    await tracker.shutdown();
    setVisibility('visible');
    tall.remove();
    window.scrollTo(0, 0);
  });

  it('no ping and no timer without activity', () => {
    tracker.trackPageView();
    expect(scheduler.pending).to.equal(0);
    at(120);
    expect(pings()).to.deep.equal([]);
    expect(scheduler.pending).to.equal(0);
  });

  it('first ping at minimumVisitLength, then one per active heartbeat period, on its boundary; idle periods send none', () => {
    tracker.trackPageView();
    at(1);
    move();
    expect(scheduler.pending, 'a timer to the end of the period').to.equal(1);
    at(2);
    move(); // same period: no second timer
    expect(scheduler.pending).to.equal(1);
    at(5);
    expect(pingSeconds()).to.deep.equal([5]);
    expect(scheduler.pending, 'idle again: no timer').to.equal(0);
    at(7);
    move();
    at(40);
    move(); // at 40 s: in the period (35, 45]
    at(60);
    expect(pingSeconds()).to.deep.equal([5, 15, 45]);
    expect(scheduler.pending).to.equal(0);
    const [ping] = pings();
    expect(ping!.fields['url']).to.equal(location.href);
    expect(ping!.fields['e']).to.equal('pp');
  });

  it('minimumVisitLength 0: pings every heartbeat from the page view', () => {
    void tracker.shutdown();
    tracker = createBrowserTracker({
      sinks: [(sink = new RecordingSink())],
      scheduler,
      storage: 'none',
      plugins: [activityTracking({ minimumVisitLength: 0, heartbeatDelay: 10 })],
    });
    at(3);
    tracker.trackPageView();
    at(4);
    move();
    at(30);
    expect(pingSeconds()).to.deep.equal([13]);
  });

  it('pings carry the min and max scroll offsets since the previous ping (or the page view)', () => {
    scrollTo(0, 200);
    tracker.trackPageView();
    at(1);
    scrollTo(0, 900);
    at(2);
    scrollTo(30, 50);
    at(5);
    at(6);
    scrollTo(40, 400);
    at(15);
    const [first, second] = pings();
    expect(first!.fields).to.include({ pp_mix: '0', pp_max: '30', pp_miy: '50', pp_may: '900' });
    expect(second!.fields).to.include({ pp_mix: '30', pp_max: '40', pp_miy: '50', pp_may: '400' });
  });

  it('a hidden page has no timer and sends no ping; activity while hidden is ignored', () => {
    tracker.trackPageView();
    at(1);
    move();
    expect(scheduler.pending).to.equal(1);
    setVisibility('hidden');
    expect(scheduler.pending, 'hiding cancels the timer').to.equal(0);
    move();
    scrollTo(0, 300);
    expect(scheduler.pending).to.equal(0);
    at(60);
    expect(pings()).to.deep.equal([]);
    setVisibility('visible');
    move();
    at(75);
    expect(pingSeconds()).to.deep.equal([65]);
  });

  it('each page view restarts the periods', () => {
    tracker.trackPageView();
    at(3);
    tracker.trackPageView(); // periods now end at 8, 18, ...
    at(4);
    move();
    at(20);
    expect(pingSeconds()).to.deep.equal([8]);
  });

  it('does nothing before the first page view; the options are checked', () => {
    move();
    expect(scheduler.pending).to.equal(0);
    expect(() => activityTracking({ heartbeatDelay: 0 })).to.throw(/heartbeatDelay/);
    expect(() => activityTracking({ minimumVisitLength: 1.5 })).to.throw(/minimumVisitLength/);
  });
});

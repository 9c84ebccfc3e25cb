// The docs/testing.md recipe for RxJS's TestScheduler: your own pipelines into `tracker.input`, asserted on
// `tracker.payloads` in virtual time (payloads are built synchronously; no emitter, no I/O).
import { expect } from 'chai';
import { debounceTime, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { pageView, structEvent, Tracker, type TrackerEvent } from '../../src/index.js';

/** An app pipeline under test: a search box that tracks a structured event once typing pauses for 300 ms. */
const searchTracking = (terms: Observable<string>): Observable<TrackerEvent> =>
  terms.pipe(
    debounceTime(300),
    map((term) => structEvent({ category: 'search', action: 'type', label: term })),
  );

describe('rxplow with RxJS TestScheduler', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('asserts what a pipeline feeding tracker.input tracks, in virtual time', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const tracker = new Tracker([]);
      const labels = tracker.payloads.pipe(map((payload) => `${payload['e']}:${payload['se_la'] ?? payload['url']}`));
      expectObservable(labels).toBe('500ms a 99ms b 1000ms c', { a: 'se:rx', b: 'pv:https://shop.example/', c: 'se:rxjs' });
      searchTracking(cold('100ms r 99ms x 1000ms y 99ms z 99ms -', { r: 'r', x: 'rx', y: 'rxj', z: 'rxjs' })).subscribe(tracker.input);
      cold('600ms p', { p: pageView({ pageUrl: 'https://shop.example/' }) }).subscribe(tracker.input);
    });
  });
});

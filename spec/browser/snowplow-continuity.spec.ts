// Migrating from Snowplow in Chromium, with @snowplow/browser-tracker 4.x in the same page writing its own cookies:
// rxplow adopts `_sp_id.*` (user, session, index, first event) on a first load with no rxplow id, continues the
// session while `_sp_ses.*` lives and starts the next one when it is gone; with `snowplowCookies.write` a Snowplow
// tracker created after rxplow reads rxplow's user and session; an rxplow id wins over Snowplow's cookies.
import { newTracker } from '@snowplow/browser-tracker';
import { expect } from 'chai';
import { createBrowserTracker, snowplowCookies, type BrowserTracker } from '../../src/browser/index.js';
import { structEvent } from '../../src/index.js';
import { clearIds, CLIENT_SESSION, entity, ManualScheduler, RecordingSink, UUID } from './browser-support.js';

let trackerCount = 0;

/** A Snowplow tracker on this page (default cookie settings; synchronous cookie writes so the spec can read them at once). */
function snowplow(options: { cookieName?: string } = {}) {
  const id = `sp${++trackerCount}`;
  const t = newTracker(id, `${location.origin}/__rxplow/snowplow-continuity`, {
    appId: 'sp',
    eventMethod: 'post',
    synchronousCookieWrite: true,
    contexts: { session: true, webPage: true },
    ...options,
  })!;
  return t;
}

/** Deletes every Snowplow cookie (any domain the spec's trackers used). */
function clearSnowplowCookies(): void {
  for (const part of document.cookie.split(';')) {
    const name = part.split('=')[0]!.trim();
    if (!name.startsWith('_sp_') && !name.startsWith('_legacy_')) continue;
    for (const domain of ['', `; Domain=${location.hostname}`]) document.cookie = `${name}=; Max-Age=0; Path=/${domain}`;
  }
}

describe('rxplow/browser: continuity with Snowplow cookies (@snowplow/browser-tracker 4.x on the same page)', function () {
  this.timeout(10_000);
  const trackers: BrowserTracker[] = [];
  function rig(options: Parameters<typeof createBrowserTracker>[0] = {}) {
    const sink = new RecordingSink();
    const scheduler = new ManualScheduler();
    const tracker = createBrowserTracker({
      sinks: [sink],
      scheduler,
      contexts: { session: true },
      inherit: [snowplowCookies()],
      ...options,
    });
    trackers.push(tracker);
    return { tracker, sink, scheduler };
  }
  const track = (t: BrowserTracker) => t.track(structEvent({ category: 'c', action: 'a' }));

  beforeEach(() => {
    clearIds();
    clearSnowplowCookies();
  });
  afterEach(async () => {
    await Promise.all(trackers.splice(0).map((t) => t.shutdown()));
    clearIds();
    clearSnowplowCookies();
  });

  it('a returning Snowplow visitor keeps user, session, session index and first event; the event index goes on', () => {
    const sp = snowplow();
    sp.trackPageView();
    sp.trackPageView();
    const [, duid, , visits, , , sid, , firstId, firstTs, eventIndex] = sp.getDomainUserInfo();
    expect(duid).to.match(UUID);
    expect(eventIndex).to.equal(2);
    const { tracker, sink } = rig();
    track(tracker);
    const [e] = sink.events;
    expect([e!.fields['duid'], e!.fields['sid'], e!.fields['vid']]).to.deep.equal([duid, sid, String(visits)]);
    expect(entity(e!, CLIENT_SESSION)).to.deep.include({
      userId: duid,
      sessionId: sid,
      sessionIndex: visits,
      eventIndex: 3,
      firstEventId: firstId,
      firstEventTimestamp: new Date(firstTs!).toISOString(),
      previousSessionId: null,
    });
    expect(tracker.domainUserId).to.equal(duid);
    // From now on rxplow's own cookie holds the ids: Snowplow's cookies are not read again.
    expect(document.cookie).to.contain(`_rxp_id=${duid}.${visits}.${sid}.`);
  });

  it("Snowplow's session cookie gone (the session timed out): a new session of the same user, Snowplow's as the previous one", () => {
    const sp = snowplow();
    sp.trackPageView();
    const [, duid, , visits, , , sid] = sp.getDomainUserInfo();
    const ses = sp.getCookieName('ses');
    document.cookie = `${ses}=; Max-Age=0; Path=/`;
    document.cookie = `${ses}=; Max-Age=0; Path=/; Domain=${location.hostname}`;
    const { tracker, sink } = rig();
    const started: unknown[] = [];
    tracker.sessions.subscribe((s) => started.push(s));
    track(tracker);
    const session = entity(sink.events[0]!, CLIENT_SESSION)!;
    expect(session['userId']).to.equal(duid);
    expect(session['sessionId']).to.match(UUID).and.not.equal(sid);
    expect(session['previousSessionId']).to.equal(sid);
    expect(session['sessionIndex']).to.equal(visits + 1);
    expect(session['eventIndex']).to.equal(1);
    expect(started).to.deep.equal([
      {
        sessionId: session['sessionId'],
        sessionIndex: visits + 1,
        previousSessionId: sid,
        domainUserId: duid,
        timestamp: started[0] && (started[0] as { timestamp: number }).timestamp,
      },
    ]);
  });

  it('an rxplow id already stored wins; adopt: false ignores Snowplow cookies; a custom prefix; without the module, none is read', () => {
    const sp = snowplow();
    sp.trackPageView();
    const spDuid = sp.getDomainUserId();
    const first = rig({ inherit: [snowplowCookies({ adopt: false })] });
    track(first.tracker);
    expect(first.sink.events[0]!.fields['duid']).to.not.equal(spDuid);
    const second = rig();
    track(second.tracker);
    expect(second.sink.events[0]!.fields['duid']).to.equal(first.sink.events[0]!.fields['duid']);
    clearIds();
    clearSnowplowCookies();
    const legacy = snowplow({ cookieName: '_legacy_' });
    legacy.trackPageView();
    const third = rig({ inherit: [snowplowCookies({ prefix: '_legacy_' })] });
    track(third.tracker);
    expect(third.sink.events[0]!.fields['duid']).to.equal(legacy.getDomainUserId());
    clearIds();
    const without = rig({ inherit: [] });
    track(without.tracker);
    expect(without.sink.events[0]!.fields['duid']).to.not.equal(legacy.getDomainUserId());
    expect(() => snowplowCookies({ write: 'yes' as unknown as boolean })).to.throw(/write/);
  });

  it("snowplowCookies.write: a Snowplow tracker created after rxplow continues rxplow's user and session", () => {
    const { tracker, sink } = rig({ inherit: [snowplowCookies({ write: true })], cookie: { domain: 'auto' } });
    track(tracker);
    track(tracker);
    const { duid, sid, vid } = sink.events[1]!.fields as Record<string, string>;
    const sp = snowplow();
    sp.trackPageView();
    const [, spDuid, , visits, , , spSid, , , , eventIndex] = sp.getDomainUserInfo();
    expect([spDuid, spSid, String(visits), eventIndex]).to.deep.equal([duid, sid, vid, 3]);
  });

  it("clearUserData() forgets Snowplow's ids too: the next event is a new user", () => {
    const sp = snowplow();
    sp.trackPageView();
    const spDuid = sp.getDomainUserId();
    const { tracker, sink } = rig();
    tracker.clearUserData();
    track(tracker);
    expect(sink.events[0]!.fields['duid']).to.match(UUID).and.not.equal(spDuid);
    expect(document.cookie).to.not.contain('_sp_id.');
  });
});

// The browser's per-event enrichers (see tracker/enrich.ts): the page's fields and `web_page` entity, the session's
// fields and `client_session` entity. Each one does all of its own work for a payload; none reads what another left.
import type { Enricher } from '../tracker/enrich.js';
import type { Identity } from './identity.js';
import { viewport } from './page.js';

const WEB_PAGE_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0';
const CLIENT_SESSION_SCHEMA = 'iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2';
/** `client_session`'s `userId` in anonymous session mode (the schema requires one). */
const ANONYMOUS_USER_ID = '00000000-0000-0000-0000-000000000000';

/** The page as page views leave it: read by the page enricher, written by `trackPageView`. */
export interface PageState {
  /** The current `web_page` id; made by the first event that needs it. */
  id: string | undefined;
  /** Whether a page view used `id` already (the next page view makes a new one). */
  used: boolean;
  /** The last page view's URL. */
  url: string | undefined;
  /** The last page view's referrer: the `refr` of every later event. */
  referrer: string | undefined;
}

/** The current page view's id, made (by `newId`) when the first event needs one. */
export function pageViewId(page: PageState, newId: () => string): string {
  return (page.id ??= newId());
}

/**
 * The page's fields (`url`, `refr`, `vp` unless fixed, `cs`) in a browser, and the `web_page` entity when `entity`
 * is on.
 */
export function pageEnricher(
  page: PageState,
  options: { active: boolean; fixedViewport: boolean; entity: boolean; newId: () => string },
): Enricher {
  const { active, fixedViewport, entity, newId } = options;
  return () => {
    let fields: Record<string, string> | undefined;
    if (active) {
      fields = { url: location.href, cs: document.characterSet };
      const referrer = page.referrer ?? document.referrer;
      if (referrer) fields['refr'] = referrer;
      if (!fixedViewport) fields['vp'] = viewport();
    }
    return { fields, entities: entity ? [{ schema: WEB_PAGE_SCHEMA, data: { id: pageViewId(page, newId) } }] : undefined };
  };
}

/**
 * The session, per payload: counts the event (`ids.touch()`, which starts a new session when it is due), gives its
 * fields (`duid` unless anonymous, `sid`, `vid`) and, when `entity` is on, the `client_session` entity, recording the
 * session's first event from this payload's own `eid` and `dtm`.
 */
export function sessionEnricher(ids: Identity, entity: boolean): Enricher {
  return ({ payload }) => {
    const s = ids.touch();
    if (!s) return undefined;
    const fields: Record<string, string> = { sid: s.sid, vid: String(s.vid) };
    if (!ids.mode) fields['duid'] = s.duid;
    if (!entity) return { fields };
    const eventId = payload['eid'];
    const timestamp = Number(payload['dtm']);
    if (eventId !== undefined && Number.isFinite(timestamp)) ids.firstEvent(s, eventId, timestamp);
    const data = {
      userId: ids.mode ? ANONYMOUS_USER_ID : s.duid,
      sessionId: s.sid,
      sessionIndex: s.vid,
      eventIndex: s.index,
      previousSessionId: s.prev || null,
      storageMechanism: ids.mechanism,
      firstEventId: s.firstId || null,
      firstEventTimestamp: s.firstTs ? new Date(s.firstTs).toISOString() : null,
    };
    return { fields, entities: [{ schema: CLIENT_SESSION_SCHEMA, data }] };
  };
}

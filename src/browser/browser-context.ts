// The browser context entity (`browser_context` 2-0-0), as Snowplow's `contexts: { browser: true }` attaches it:
// viewport, document size, screen, device and language fields, and a tab id shared with Snowplow's tracker.
// An optional module: a global context generator for the tracker's `globalContexts`.
import { v4 as uuid } from 'uuid';
import type { SelfDescribing } from '../payload/self-describing-json.js';

const SCHEMA = 'iglu:com.snowplowanalytics.snowplow/browser_context/jsonschema/2-0-0';
/** The sessionStorage key of the tab id: Snowplow's, so both trackers on a page report the same tab. */
const TAB_KEY = '_sp_tab_id';

/** Options of {@link browserContext}. */
export interface BrowserContextOptions {
  /** Send `tabId`: a UUID kept in sessionStorage (`_sp_tab_id`, shared with Snowplow's tracker) for the tab's life. @default true */
  readonly tabId?: boolean | undefined;
}

const dimension = (width: number, height: number): string | null =>
  Number.isNaN(width) || Number.isNaN(height) ? null : `${Math.floor(width)}x${Math.floor(height)}`;

/** The tab's id from sessionStorage, made on first use; `null` when sessionStorage is unavailable. */
function tabId(): string | null {
  try {
    let id = sessionStorage.getItem(TAB_KEY);
    if (!id) {
      sessionStorage.setItem(TAB_KEY, uuid());
      id = sessionStorage.getItem(TAB_KEY);
    }
    return id || null;
  } catch {
    return null;
  }
}

/** The entity's data for the page now (Snowplow's `readBrowserProperties` plus `tabId`); absent values left out. */
export function browserProperties(withTab: boolean): Record<string, unknown> {
  const de = document.documentElement;
  const body = document.body as HTMLElement | null;
  const nav = navigator as Navigator & { deviceMemory?: number };
  const data: Record<string, unknown> = {
    viewport: dimension(Math.max(0, window.innerWidth), Math.max(0, window.innerHeight)),
    documentSize: dimension(
      Math.max(de.clientWidth, de.offsetWidth, de.scrollWidth),
      Math.max(de.clientHeight, de.offsetHeight, de.scrollHeight, body ? Math.max(body.offsetHeight, body.scrollHeight) : 0),
    ),
    resolution: dimension(screen.width, screen.height),
    colorDepth: screen.colorDepth,
    devicePixelRatio: window.devicePixelRatio,
    cookiesEnabled: nav.cookieEnabled,
    online: nav.onLine,
    browserLanguage: nav.language,
    documentLanguage: de.lang,
    webdriver: nav.webdriver,
    deviceMemory: nav.deviceMemory,
    hardwareConcurrency: Math.floor(nav.hardwareConcurrency) || undefined,
    tabId: withTab ? tabId() : null,
  };
  for (const key of Object.keys(data)) if (data[key] === undefined) delete data[key];
  return data;
}

/**
 * The browser context entity on every event, as Snowplow's `contexts: { browser: true }`: add it to the tracker's
 * `globalContexts`. Read per event (viewport and document size change).
 *
 * @example
 * createBrowserTracker({ endpoint, globalContexts: [browserContext()] });
 */
export function browserContext(options: BrowserContextOptions = {}): () => SelfDescribing {
  const withTab = options.tabId !== false;
  return () => ({ schema: SCHEMA, data: browserProperties(withTab) });
}

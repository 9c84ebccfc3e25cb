// The script-tag build's entry (dist/rxplow.iife.js, scripts/build-script-tag.mjs): sites without a bundler load one
// file; calls made before it loads wait in the snippet's queue (`window.rxplow.q`) and run, in order, when it does.
// Snowplow's snippet pattern: `rxplow('newTracker', {...}); rxplow('trackPageView');`. See docs/browser.md.
import { structEvent } from '../events/structured.js';
import { selfDescribingEvent } from '../events/structured.js';
import { activityTracking } from './activity.js';
import { errorTracking } from './errors.js';
import { formTracking } from './forms.js';
import { linkClickTracking } from './link-clicks.js';
import { createBrowserTracker } from './compose.js';
import type { BrowserTrackerOptions } from './options.js';
import type { BrowserTracker } from './tracker.js';

/** The global `rxplow` function: a command name and its arguments. */
type Command = (name: string, ...args: unknown[]) => void;

type Methods = Record<string, (tracker: BrowserTracker, ...args: never[]) => unknown>;

/** What the script-tag build understands, by command name (Snowplow's names where they exist). */
const METHODS: Methods = {
  trackPageView: (t, fields?: object) => t.trackPageView(fields),
  trackStructEvent: (t, fields: Parameters<typeof structEvent>[0]) => t.track(structEvent(fields)),
  trackSelfDescribingEvent: (t, event: { event: Parameters<typeof selfDescribingEvent>[0] }) => t.track(selfDescribingEvent(event.event)),
  setUserId: (t, id: string | null) => t.setUserId(id),
  newSession: (t) => t.newSession(),
  clearUserData: (t) => t.clearUserData(),
  flushBuffer: (t) => t.flush(),
  enableActivityTracking: (t, o?: object) => t.use(activityTracking(o)),
  enableLinkClickTracking: (t, o?: object) => t.use(linkClickTracking(o)),
  enableFormTracking: (t, o?: object) => t.use(formTracking(o)),
  enableErrorTracking: (t, o?: object) => t.use(errorTracking(o)),
};

/**
 * Runs one command: `newTracker` creates the tracker (later ones replace nothing: the first wins), every other
 * command goes to it. A command that throws (bad options, an invalid event) is dropped: the page never sees it.
 */
export function runCommand(state: { tracker?: BrowserTracker }, name: unknown, args: readonly unknown[]): void {
  try {
    if (name === 'newTracker') {
      state.tracker ??= createBrowserTracker(args[0] as BrowserTrackerOptions);
      return;
    }
    const method = typeof name === 'string' && Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
    if (state.tracker && method) void (method as (t: BrowserTracker, ...a: unknown[]) => unknown)(state.tracker, ...args);
  } catch {
    // A bad command changes nothing else.
  }
}

/** Installs the global `rxplow` function, then runs the queued calls (`rxplow.q`, from the snippet) in order. */
export function install(target: { rxplow?: Command & { q?: ArrayLike<ArrayLike<unknown>> } }): void {
  const queued = Array.from(target.rxplow?.q ?? []);
  const state: { tracker?: BrowserTracker } = {};
  const rxplow: Command = (name, ...args) => runCommand(state, name, args);
  target.rxplow = rxplow;
  for (const call of queued) runCommand(state, call[0], Array.from(call).slice(1));
}

import { filter, fromEvent, map, merge } from 'rxjs';
import { applicationError, type ErrorFields } from '../events/engagement.js';
import { guarded, isEvent, property } from './guard.js';
import { accepts } from './link-clicks.js';
import type { BrowserPlugin } from './tracker.js';

/** Options of {@link errorTracking}. */
export interface ErrorTrackingOptions {
  /** Which errors are tracked: given the window's `error` event or the `unhandledrejection` event. Default: all. */
  readonly filter?: ((event: ErrorEvent | PromiseRejectionEvent) => boolean) | undefined;
}

/**
 * Error tracking (`applicationError`, `application_error` 1-0-1): the window's `error` events (uncaught exceptions)
 * and `unhandledrejection` events (unhandled promise rejections). The error is reported, never swallowed.
 *
 * @example
 * createBrowserTracker({ endpoint, plugins: [errorTracking()] });
 */
export function errorTracking(options: ErrorTrackingOptions = {}): BrowserPlugin {
  return (tracker) =>
    // Capture phase: seen before a page's own handlers can stop the event. Resource load errors (plain `Event`s
    // that reach the window only in this phase) are left out.
    merge(
      fromEvent<ErrorEvent>(window, 'error', { capture: true }),
      fromEvent<PromiseRejectionEvent>(window, 'unhandledrejection', { capture: true }),
    )
      .pipe(
        map(
          guarded((event) => {
            if (!(event instanceof ErrorEvent || event.type === 'unhandledrejection') || !accepts(options.filter, event)) return undefined;
            return applicationError(event instanceof ErrorEvent ? fromErrorEvent(event) : fromThrown(property(event, 'reason')));
          }),
        ),
        filter(isEvent),
      )
      .subscribe(tracker.input);
}

function fromErrorEvent(event: ErrorEvent): ErrorFields {
  const thrown = fromThrown(property(event, 'error'));
  const line = (value: number): number | undefined => (Number.isInteger(value) && value >= 0 ? value : undefined);
  return {
    ...thrown,
    message: text(event.message) || thrown.message,
    fileName: text(event.filename).slice(0, 1024) || undefined,
    lineNumber: line(event.lineno),
    lineColumn: line(event.colno),
  };
}

/** The fields a thrown value gives: an Error's message, name and stack (each read that throws counts as absent), or the value as text. */
function fromThrown(thrown: unknown): ErrorFields {
  if (isError(thrown)) {
    const name = text(property(thrown, 'name'));
    return {
      message: text(property(thrown, 'message')) || name || 'Error',
      exceptionName: name.slice(0, 1024) || undefined,
      stackTrace: text(property(thrown, 'stack')) || undefined,
    };
  }
  let message: string;
  try {
    message = typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown));
  } catch {
    message = Object.prototype.toString.call(thrown);
  }
  return { message: message.trim() === '' ? 'Unknown error' : message };
}

/** `instanceof Error`, `false` when asking throws (a Proxy whose `getPrototypeOf` trap throws). */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

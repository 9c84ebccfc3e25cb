import { filter, fromEvent, map, merge } from 'rxjs';
import { applicationError, type ErrorFields } from '../events/engagement.js';
import { errorFieldsOf } from '../events/error-fields.js';
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
        filter((event) => (event instanceof ErrorEvent || event.type === 'unhandledrejection') && accepts(options.filter, event)),
        map((event) => applicationError(event instanceof ErrorEvent ? fromErrorEvent(event) : errorFieldsOf(event.reason))),
      )
      .subscribe(tracker.input);
}

function fromErrorEvent(event: ErrorEvent): ErrorFields {
  const line = (value: number): number | undefined => (Number.isInteger(value) && value >= 0 ? value : undefined);
  return {
    ...errorFieldsOf(event.error),
    message: text(event.message) || errorFieldsOf(event.error).message,
    fileName: text(event.filename).slice(0, 1024) || undefined,
    lineNumber: line(event.lineno),
    lineColumn: line(event.colno),
  };
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

// withErrorTracking: Angular's ErrorHandler reports each error as an application_error event, then hands it on.
import { ErrorHandler } from '@angular/core';
import { inject } from '@angular/core';
import { InvalidOptionsError } from '../errors.js';
import { applicationError } from '../events/engagement.js';
import { errorFieldsOf } from '../events/error-fields.js';
import { feature, TRACKER, type TrackerFeature } from './provide.js';

/** Options of {@link withErrorTracking}. */
export interface AngularErrorTrackingOptions {
  /** Which errors are tracked (all are still handed to `delegate`). Default: all. */
  readonly filter?: ((error: unknown) => boolean) | undefined;
  /**
   * The handler each error is handed to after it is tracked: your own ErrorHandler, if the app had one. Default:
   * Angular's `ErrorHandler` (logs `ERROR` and the error to the console).
   */
  readonly delegate?: ErrorHandler | undefined;
}

/**
 * Error tracking through Angular's `ErrorHandler`: every error Angular hands it (thrown in a template, a lifecycle
 * hook, an event listener, an effect; with `provideBrowserGlobalErrorListeners()`, the window's uncaught errors and
 * unhandled rejections too) is tracked as an `application_error` event (message, exception name, stack trace), then
 * passed on to `delegate`, which logs it as Angular's default handler does. Tracking never throws into the app. Do
 * not also add rxplow/browser's `errorTracking()` plugin: the same error would be tracked twice.
 */
export function withErrorTracking(options: AngularErrorTrackingOptions = {}): TrackerFeature<'errorTracking'> {
  const { filter, delegate } = options;
  if (filter !== undefined && typeof filter !== 'function') throw new InvalidOptionsError('filter', 'expected a function');
  if (delegate !== undefined && typeof delegate?.handleError !== 'function')
    throw new InvalidOptionsError('delegate', 'expected an ErrorHandler');
  return feature('errorTracking', [
    {
      provide: ErrorHandler,
      useFactory: (): ErrorHandler => {
        const tracker = inject(TRACKER);
        const next = delegate ?? new ErrorHandler();
        return {
          handleError(error: unknown): void {
            try {
              if (filter === undefined || filter(error)) tracker.track(applicationError(errorFieldsOf(error)));
            } catch {
              // Tracking an error must not raise another one.
            }
            next.handleError(error);
          },
        };
      },
    },
  ]);
}

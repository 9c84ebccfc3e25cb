import type { ErrorFields } from './engagement.js';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The fields of an `application_error` for a thrown value, the one extractor of rxplow/browser's `errorTracking()` and
 * rxplow/angular's `withErrorTracking()`: an Error's (or an error-like object's) message, name and stack, or the
 * value itself as text. Never throws: a value whose reading throws gives `Unknown error`.
 */
export function errorFieldsOf(thrown: unknown): ErrorFields {
  try {
    if (
      thrown instanceof Error ||
      (typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string')
    ) {
      const error = thrown as { message?: unknown; name?: unknown; stack?: unknown };
      const name = text(error.name).slice(0, 1024);
      return {
        message: text(error.message) || name || 'Error',
        exceptionName: name || undefined,
        stackTrace: text(error.stack) || undefined,
      };
    }
    let message: string;
    try {
      message = typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown));
    } catch {
      message = Object.prototype.toString.call(thrown);
    }
    return { message: message.trim() === '' ? 'Unknown error' : message };
  } catch {
    return { message: 'Unknown error' };
  }
}

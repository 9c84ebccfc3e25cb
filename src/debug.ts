// The debug switch: readable logging of every outcome, off until a line turns it on. The printer is the one `npm start`
// (src/cli/demo.ts) and `rxplow worker --verbose` use. Browser-safe: console only, no Node module.
import type { Observable, Subscription } from 'rxjs';
import type { DeliveryOutcome } from './emitter/outcome.js';

/** Where {@link debugOutcomes} writes: one readable line per outcome, with the outcome itself. */
export type DebugLogger = (line: string, outcome: DeliveryOutcome) => void;

/**
 * One readable line for an outcome, as `npm start` and `rxplow worker --verbose` print it:
 * `✔ POST http://…/tp2 sent     3 event(s) [pv,se,ue] status 200, attempt 1`,
 * `↻ … retrying 3 event(s) in 180 ms: … (attempt 1) [pv,se,ue]`, `✘ … failed …`, `✘ … dropped 1 event(s): invalid: pageUrl: required, …`.
 * An event dropped as `invalid` before it could be built has no payload: it counts as one event.
 */
export function formatOutcome(outcome: DeliveryOutcome): string {
  const count = outcome.events.length || 1;
  const kinds = outcome.events.map((e) => e['e']).join(',') || '-';
  const head = outcome.emitter.padEnd(8);
  switch (outcome.kind) {
    case 'sent':
      return `✔ ${head} sent     ${count} event(s) [${kinds}] status ${outcome.status}, attempt ${outcome.attempt}`;
    case 'retrying':
      return `↻ ${head} retrying ${count} event(s) in ${outcome.delayMs} ms: ${outcome.error.message} (attempt ${outcome.attempt}) [${kinds}]`;
    case 'failed':
      return `✘ ${head} failed   ${count} event(s) [${kinds}] (attempt ${outcome.attempt}): ${outcome.error.message}`;
    case 'dropped':
      return `✘ ${head} dropped  ${count} event(s) [${kinds}]: ${outcome.reason}${outcome.error ? `: ${outcome.error.message}` : ''}`;
  }
}

/** The default logger: `console.info` for sent, `console.warn` for the rest, each line prefixed `[rxplow]`. */
const consoleLogger: DebugLogger = (line, outcome) =>
  // eslint-disable-next-line no-console -- the debug switch's whole job is console output, when turned on
  (outcome.kind === 'sent' ? console.info : console.warn)(`[rxplow] ${line}`);

/**
 * The debug switch: logs every outcome of a tracker (or of one emitter) as a readable line: sent, each retry, failed,
 * and every drop with its reason (invalid, filtered, oversize, queue-full, shutdown, abandoned, error). Works in Node
 * and in the browser console. Off until called; `unsubscribe()` the result to turn it off again.
 *
 * @example
 * debugOutcomes(tracker); // one line, anywhere after the tracker is created
 *
 * @param source a tracker (`Tracker`, `createTracker`, `createBrowserTracker`), a sink (`Emitter`, …), or its outcomes
 * @param log where the lines go. @default `console.info` for `sent`, `console.warn` for the others, prefixed `[rxplow]`
 */
export function debugOutcomes(
  source: { readonly outcomes: Observable<DeliveryOutcome> } | Observable<DeliveryOutcome>,
  log: DebugLogger = consoleLogger,
): Subscription {
  const outcomes = 'outcomes' in source ? source.outcomes : source;
  return outcomes.subscribe((outcome) => {
    try {
      log(formatOutcome(outcome), outcome);
    } catch {
      // a logger that throws must not break delivery
    }
  });
}

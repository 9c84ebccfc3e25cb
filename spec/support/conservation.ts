// The conservation law as an assertion: every tracked event has exactly one final outcome per emitter, nothing
// happens to it after that, and the shutdown report counts the same events. Runs in Node and in the browser; imports
// only the public entry.
import { expect } from 'chai';
import type { Observable } from 'rxjs';
import type { DeliveryOutcome, DeliveryReport, FinalOutcome, Payload, Tracker } from '../../src/index.js';

export const isFinal = (outcome: DeliveryOutcome): outcome is FinalOutcome => outcome.kind !== 'retrying';
const eidOf = (payload: Payload): string => payload['eid'] ?? '(no eid)';

/** Records every outcome of one emitter (or tracker) and the eids a tracker built. */
export class OutcomeLog {
  readonly outcomes: DeliveryOutcome[] = [];
  readonly tracked: string[] = [];
  /** ms since the log started, per outcome (same index as `outcomes`). */
  readonly at: number[] = [];
  readonly #start = Date.now();

  constructor(outcomes: Observable<DeliveryOutcome>, tracker?: Tracker) {
    outcomes.subscribe((o) => {
      this.outcomes.push(o);
      this.at.push(Date.now() - this.#start);
    });
    tracker?.payloads.subscribe((p) => this.tracked.push(eidOf(p)));
  }

  /** The first final outcome of each eid (the law says there is only one). */
  finals(): Map<string, FinalOutcome> {
    const finals = new Map<string, FinalOutcome>();
    for (const outcome of this.outcomes)
      if (isFinal(outcome)) for (const p of outcome.events) if (!finals.has(eidOf(p))) finals.set(eidOf(p), outcome);
    return finals;
  }

  /** How many tracked events ended in each final kind (`dropped:<reason>` for drops). */
  tally(): Record<string, number> {
    const tally: Record<string, number> = {};
    for (const outcome of this.finals().values()) {
      const key = outcome.kind === 'dropped' ? `dropped:${outcome.reason}` : outcome.kind;
      tally[key] = (tally[key] ?? 0) + 1;
    }
    return tally;
  }

  /** `dropped` outcomes without events: what `tracker.input` reports for an event it could not build. */
  invalidDrops(): DeliveryOutcome[] {
    return this.outcomes.filter((o) => o.kind === 'dropped' && o.events.length === 0);
  }

  allFinal(): boolean {
    const finals = this.finals();
    return this.tracked.every((eid) => finals.has(eid));
  }

  storyOf(eid: string): string[] {
    return this.outcomes
      .filter((o) => o.events.some((p) => eidOf(p) === eid))
      .map((o) => (o.kind === 'dropped' ? `dropped:${o.reason}` : o.kind));
  }

  /** A short text of every outcome, for assertion messages. */
  describe(): string {
    return this.outcomes
      .map((o, i) => {
        const error = 'error' in o && o.error ? ` ${(o.error as Error).name}(${String((o.error as { code?: unknown }).code)})` : '';
        return `${this.at[i]}ms ${o.kind}${o.kind === 'dropped' ? `:${o.reason}` : ''} ×${o.events.length} attempt ${o.attempt}${error}`;
      })
      .join('; ');
  }
}

/**
 * The conservation law over one emitter's outcomes: each tracked eid has exactly one final outcome and nothing after
 * it, no outcome concerns an untracked eid, and (when given) the report counts the same events (an `invalid` drop
 * from `tracker.input` carries no event and counts as one).
 */
export function expectConservation(log: OutcomeLog, report?: DeliveryReport): void {
  const tracked = new Set(log.tracked);
  expect(tracked.size, 'eids are unique').to.equal(log.tracked.length);
  const closed = new Set<string>();
  for (const outcome of log.outcomes) {
    for (const p of outcome.events) {
      const eid = eidOf(p);
      expect(tracked.has(eid), `outcome for an eid never tracked: ${eid}`).to.be.true;
      expect(closed.has(eid), `${outcome.kind} after the final outcome of ${eid}: ${log.storyOf(eid).join(' → ')}`).to.be.false;
      if (isFinal(outcome)) closed.add(eid);
    }
  }
  const missing = log.tracked.filter((eid) => !closed.has(eid));
  expect(missing, `events that vanished (no final outcome); outcomes: ${log.describe()}`).to.deep.equal([]);
  if (report) {
    const tally = log.tally();
    const dropped = Object.entries(tally)
      .filter(([k]) => k.startsWith('dropped:') && k !== 'dropped:abandoned')
      .reduce((n, [, v]) => n + v, 0);
    expect(report).to.deep.equal({
      sent: tally['sent'] ?? 0,
      failed: tally['failed'] ?? 0,
      dropped: dropped + log.invalidDrops().length,
      abandoned: tally['dropped:abandoned'] ?? 0,
    });
  }
}

// The conservation law as an assertion: every tracked event has exactly one final outcome per emitter, nothing
// happens to it after that, and the shutdown report counts the same events. Runs in Node and in the browser.
import { expect } from 'chai';
import type { Observable } from 'rxjs';
import { isFinalOutcome, type DeliveryOutcome, type DeliveryReport, type FinalOutcome } from '../../src/emitter/outcome.js';
import type { Tracker } from '../../src/tracker/tracker.js';

/** Records every outcome of a stream, and the eids a tracker built. */
export class OutcomeLog {
  readonly outcomes: DeliveryOutcome[] = [];
  readonly tracked: string[] = [];

  constructor(outcomes: Observable<DeliveryOutcome>, tracker?: Tracker) {
    outcomes.subscribe((o) => this.outcomes.push(o));
    tracker?.payloads.subscribe((p) => this.tracked.push(p['eid']!));
  }

  /** The final outcome of each eid (the first one; the law is that there is only one). */
  finals(): Map<string, FinalOutcome> {
    const finals = new Map<string, FinalOutcome>();
    for (const outcome of this.outcomes)
      if (isFinalOutcome(outcome)) for (const p of outcome.events) if (!finals.has(p['eid']!)) finals.set(p['eid']!, outcome);
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

  /** True once every tracked event has a final outcome. */
  allFinal(): boolean {
    const finals = this.finals();
    return this.tracked.every((eid) => finals.has(eid));
  }

  /** The outcome kinds seen, in order, for one eid. */
  storyOf(eid: string): string[] {
    return this.outcomes.filter((o) => o.events.some((p) => p['eid'] === eid)).map((o) => o.kind);
  }
}

/**
 * Asserts the law over one emitter's outcomes: each tracked eid has exactly one final outcome and nothing after it,
 * no outcome concerns an untracked eid, and (when given) the report counts the same events.
 */
export function expectConservation(log: OutcomeLog, report?: DeliveryReport): void {
  const tracked = new Set(log.tracked);
  expect(tracked.size, 'eids are unique').to.equal(log.tracked.length);
  const finals = new Map<string, number>();
  const closed = new Set<string>();
  for (const outcome of log.outcomes) {
    for (const p of outcome.events) {
      const eid = p['eid']!;
      expect(tracked.has(eid), `outcome for an eid never tracked: ${eid}`).to.be.true;
      expect(closed.has(eid), `${outcome.kind} after the final outcome of ${eid}: ${log.storyOf(eid).join(' → ')}`).to.be.false;
      if (isFinalOutcome(outcome)) {
        finals.set(eid, (finals.get(eid) ?? 0) + 1);
        closed.add(eid);
      }
    }
  }
  const missing = log.tracked.filter((eid) => !finals.has(eid));
  expect(missing, 'events that vanished (no final outcome)').to.deep.equal([]);
  if (report) {
    const tally = log.tally();
    const dropped = Object.entries(tally)
      .filter(([k]) => k.startsWith('dropped:') && k !== 'dropped:abandoned')
      .reduce((n, [, v]) => n + v, 0);
    expect(report).to.deep.equal({
      sent: tally['sent'] ?? 0,
      failed: tally['failed'] ?? 0,
      dropped,
      abandoned: tally['dropped:abandoned'] ?? 0,
    });
  }
}

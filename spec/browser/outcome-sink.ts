// A sink for the rxplow/browser specs that keeps every event the tracker hands it and every event the tracker
// rejected (filtered, invalid, a generator that threw), with the reason: what becomes a `dropped` outcome.
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { Admission, DeliveryOutcome, DeliveryReport, Payload, Sink } from '../../src/index.js';
import { decode } from './browser-support.js';

/** A sink that reports `sent` for every event and `dropped` (with the reason) for every event the tracker rejected. */
export class OutcomeSink implements Sink {
  readonly name = 'outcomes';
  readonly kept: Payload[] = [];
  readonly dropped: { reason: string; error: string }[] = [];
  readonly #outcomes = new Subject<DeliveryOutcome>();
  readonly outcomes: Observable<DeliveryOutcome> = this.#outcomes.asObservable();
  #subscription: Subscription | undefined;

  connect(admissions: Observable<Admission>): Subscription {
    this.#subscription = admissions.subscribe((a) => {
      if (a.kind === 'event') this.kept.push(a.payload);
      else this.dropped.push({ reason: a.reason, error: String((a as { error?: unknown }).error) });
    });
    return this.#subscription;
  }
  flush = (): Promise<void> => Promise.resolve();
  shutdown = (): Promise<DeliveryReport> => {
    this.#subscription?.unsubscribe();
    return Promise.resolve({ sent: this.kept.length, failed: 0, dropped: this.dropped.length, abandoned: 0 });
  };
  get events() {
    return this.kept.map(decode);
  }
}

// A sink that records every admission a tracker hands it and answers at once (`sent`, or `dropped` with the
// rejection's reason); its shutdown reports nothing unless told otherwise. Node and browser specs.
import { Subject, type Observable } from 'rxjs';
import type { Admission, DeliveryOutcome, DeliveryReport, Payload, Sink } from '../../src/index.js';

export function recordingSink(
  name = 'recording',
  shutdown: () => Promise<DeliveryReport> = () => Promise.resolve({ sent: 0, failed: 0, dropped: 0, abandoned: 0 }),
): Sink & { readonly admissions: Admission[] } {
  const admissions: Admission[] = [];
  const outcomes = new Subject<DeliveryOutcome>();
  return {
    name,
    admissions,
    outcomes,
    connect: (stream: Observable<Admission>) =>
      stream.subscribe((a) => {
        admissions.push(a);
        const events = a.payload ? [a.payload] : [];
        if (a.kind === 'event') outcomes.next({ kind: 'sent', emitter: name, events, attempt: 1, status: 200, willRetry: false });
        else outcomes.next({ kind: 'dropped', emitter: name, events, attempt: 0, willRetry: false, reason: a.reason, error: a.error });
      }),
    flush: () => Promise.resolve(),
    shutdown,
  };
}

/** The payloads of the accepted admissions. */
export const payloadsOf = (sink: { admissions: Admission[] }): Payload[] =>
  sink.admissions.flatMap((a) => (a.kind === 'event' ? [a.payload] : []));

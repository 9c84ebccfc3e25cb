// What the testing collector keeps of a request: its events decoded (payload/decode.ts) and every problem found.
import { eventNameOf, readRequestEvents, unwrapEvent } from '../payload/decode.js';
import type { CollectedEvent, CollectedRequest } from './testing-collector.js';

/** A request as the collector records it (outcome `pending` until answered). */
export function recordRequest(index: number, request: Request, body: string | undefined): CollectedRequest {
  const method = request.method.toUpperCase() === 'GET' ? 'GET' : 'POST';
  const read = readRequestEvents(method, request.url, body);
  const errors = [...read.errors];
  const events = read.events.map((raw, position): CollectedEvent => {
    const event = decodeEvent(raw, method, index);
    errors.push(...event.errors.map((error) => `event ${position}: ${error}`));
    return event;
  });
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    index,
    method: request.method,
    url: request.url,
    path: new URL(request.url).pathname,
    headers,
    body,
    events,
    errors,
    outcome: 'pending',
  };
}

/** One event of a request, decoded, with what is wrong with it. */
function decodeEvent(raw: Readonly<Record<string, unknown>>, method: 'GET' | 'POST', requestIndex: number): CollectedEvent {
  const errors: string[] = [];
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') errors.push(`field "${key}" is a ${value === null ? 'null' : typeof value}, not a string`);
    fields[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const unwrapped = unwrapEvent(raw);
  errors.push(...unwrapped.errors);
  const eventType = fields['e'] ?? '';
  return {
    eventType,
    eventName: eventNameOf(fields['e']),
    eventId: fields['eid'],
    schema: unwrapped.unstruct?.schema,
    data: unwrapped.unstruct?.data,
    contexts: unwrapped.contexts,
    fields,
    method,
    requestIndex,
    errors,
  };
}

// Support for the differential specs against Snowplow's own tracker and plugins in the same page: a Snowplow tracker
// posting to a fresh Karma collector session, and what that session received.
import { newTracker, type TrackerConfiguration } from '@snowplow/browser-tracker';
import { createBrowserTracker, type BrowserTracker } from '../../src/browser/index.js';
import type { GlobalContext, Payload } from '../../src/index.js';
import { decodePayload } from '../helpers/decode.js';
import { ManualScheduler, RecordingSink } from './browser-support.js';

/** A fresh collector session's endpoint in the Karma server. */
export const sessionEndpoint = (name: string): string => `${location.origin}/__rxplow/${name}-${Math.random().toString(36).slice(2)}`;

/** A Snowplow tracker sending each event at once (POST, `bufferSize: 1`, no stored ids) to `endpoint`. */
export function snowplowTracker(
  id: string,
  endpoint: string,
  extra: Pick<TrackerConfiguration, 'plugins' | 'contexts' | 'stateStorageStrategy'> = {},
) {
  return newTracker(id, endpoint, { appId: 'sp', eventMethod: 'post', bufferSize: 1, stateStorageStrategy: 'none', ...extra })!;
}

/** The payloads the session received, once there are at least `count` (15 s deadline: a spec failure, never a measurement). */
export async function received(endpoint: string, count: number): Promise<Payload[]> {
  let events: Payload[] = [];
  const deadline = Date.now() + 15_000;
  while (events.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    events = ((await (await fetch(`${endpoint}/__received`)).json()) as { events: Payload[] }[]).flatMap((r) => r.events);
  }
  return events;
}

/** The data of the entity with `schema` in a payload, or undefined. */
export const entityData = (payload: Payload, schema: string): Record<string, unknown> | undefined =>
  decodePayload(payload).contexts?.data.find((c) => c.schema === schema)?.data as Record<string, unknown> | undefined;

/** An rxplow tracker with these global contexts, recording what it sends (no storage, a manual clock). */
export function recordingTracker(globalContexts: GlobalContext[]): { tracker: BrowserTracker; sink: RecordingSink } {
  const sink = new RecordingSink();
  const tracker = createBrowserTracker({ sinks: [sink], storage: 'none', scheduler: new ManualScheduler(), globalContexts });
  return { tracker, sink };
}

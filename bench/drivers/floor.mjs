// The floor: plain fetch and hand batching, no library. Builds the same wire payload as the trackers (e=ue,
// base64url ue_px and cx, eid, dtm, stm, tv/tna/aid/p), batches of 100 in a payload_data envelope, 4 requests in
// flight, retry on 503 / network error with short exponential backoff.
// Defaults variant (options.variant === 'defaults'): the trackers keep their default 40 000-byte POST limit, so the
// floor keeps one too: each event is serialised once when tracked, measured, and packed into bodies of at most
// 40 000 bytes (and 100 events); `stm` is spliced into each event's text when the body is built.
import { randomUUID } from 'node:crypto';
import { APP_ID, BATCH, contextEntity, EVENT_SCHEMA, eventData, NAMESPACE, runDriver } from './common.mjs';

const UE = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';
const CONTEXTS = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1';
const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
const b64 = (s) => Buffer.from(s).toString('base64url');
const MAX_POST_BYTES = 40_000; // Snowplow's (and rxplow's) default maxPostBytes
const PREFIX = `{"schema":"${PAYLOAD_DATA}","data":[`,
  SUFFIX = ']}';
const STM_BYTES = ',"stm":"0000000000000"'.length;

await runDriver(({ url, options }) => {
  const byBytes = options.variant === 'defaults';
  const endpoint = `${url}/com.snowplowanalytics.snowplow/tp2`;
  const ready = []; // full batches waiting; `head` is the next to send (no shift())
  let head = 0,
    batch = [],
    batchBytes = PREFIX.length + SUFFIX.length,
    inFlight = 0,
    pending = 0,
    retries = 0,
    waiters = [];
  const settle = () => {
    if (--pending === 0) for (const w of waiters.splice(0)) w();
  };
  const pump = () => {
    while (inFlight < 4 && head < ready.length) {
      const [b, attempt] = ready[head];
      ready[head++] = undefined;
      send(b, attempt);
    }
  };
  const bodyOf = (events, stm) => {
    if (!byBytes) return JSON.stringify({ schema: PAYLOAD_DATA, data: events.map((e) => ({ ...e, stm })) });
    const tail = `,"stm":"${stm}"}`;
    let body = PREFIX;
    for (let i = 0; i < events.length; i++) body += (i === 0 ? '' : ',') + events[i].slice(0, -1) + tail;
    return body + SUFFIX;
  };
  const send = (events, attempt) => {
    inFlight++;
    const body = bodyOf(events, String(Date.now()));
    fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body })
      .then(
        async (res) => {
          await res.arrayBuffer();
          return res.status;
        },
        () => 0,
      )
      .then((status) => {
        inFlight--;
        if (status >= 200 && status < 300) settle();
        else {
          retries++;
          setTimeout(
            () => {
              ready.push([events, attempt + 1]);
              pump();
            },
            Math.min(1000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2),
          );
        }
        pump();
      });
  };
  const enqueue = () => {
    ready.push([batch, 0]);
    batch = [];
    batchBytes = PREFIX.length + SUFFIX.length;
    pending++;
    pump();
  };
  return {
    track: (i) => {
      const event = {
        e: 'ue',
        eid: randomUUID(),
        dtm: String(Date.now()),
        tv: 'floor-1',
        tna: NAMESPACE,
        aid: APP_ID,
        p: 'srv',
        ue_px: b64(JSON.stringify({ schema: UE, data: { schema: EVENT_SCHEMA, data: eventData(i) } })),
        cx: b64(JSON.stringify({ schema: CONTEXTS, data: [contextEntity(i)] })),
      };
      if (byBytes) {
        const json = JSON.stringify(event);
        const size = Buffer.byteLength(json) + STM_BYTES; // (an event too big for any body does not occur here)
        if (batch.length && batchBytes + 1 + size > MAX_POST_BYTES) enqueue();
        batchBytes += (batch.length ? 1 : 0) + size;
        batch.push(json);
      } else batch.push(event);
      if (batch.length === BATCH) enqueue();
    },
    flush: () => {
      if (batch.length) enqueue();
      return pending === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r));
    },
    report: () => ({ retries }),
  };
});

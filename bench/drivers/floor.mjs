// The floor: plain fetch and hand batching, no library. Builds the same wire payload as the trackers (e=ue,
// base64url ue_px and cx, eid, dtm, stm, tv/tna/aid/p), batches of 100 in a payload_data envelope, 4 requests in
// flight, retry on 503 / network error with short exponential backoff.
import { randomUUID } from 'node:crypto';
import { APP_ID, BATCH, contextEntity, EVENT_SCHEMA, eventData, NAMESPACE, runDriver } from './common.mjs';

const UE = 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0';
const CONTEXTS = 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1';
const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
const b64 = (s) => Buffer.from(s).toString('base64url');

await runDriver(({ url }) => {
  const endpoint = `${url}/com.snowplowanalytics.snowplow/tp2`;
  const ready = []; // full batches waiting; `head` is the next to send (no shift())
  let head = 0, batch = [], inFlight = 0, pending = 0, retries = 0, waiters = [];
  const settle = () => { if (--pending === 0) for (const w of waiters.splice(0)) w(); };
  const pump = () => {
    while (inFlight < 4 && head < ready.length) { const [b, attempt] = ready[head]; ready[head++] = undefined; send(b, attempt); }
  };
  const send = (events, attempt) => {
    inFlight++;
    const stm = String(Date.now());
    const body = JSON.stringify({ schema: PAYLOAD_DATA, data: events.map((e) => ({ ...e, stm })) });
    fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body })
      .then(async (res) => { await res.arrayBuffer(); return res.status; }, () => 0)
      .then((status) => {
        inFlight--;
        if (status >= 200 && status < 300) settle();
        else { retries++; setTimeout(() => { ready.push([events, attempt + 1]); pump(); }, Math.min(1000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2)); }
        pump();
      });
  };
  const enqueue = () => { ready.push([batch, 0]); batch = []; pending++; pump(); };
  return {
    track: (i) => {
      batch.push({
        e: 'ue', eid: randomUUID(), dtm: String(Date.now()), tv: 'floor-1', tna: NAMESPACE, aid: APP_ID, p: 'srv',
        ue_px: b64(JSON.stringify({ schema: UE, data: { schema: EVENT_SCHEMA, data: eventData(i) } })),
        cx: b64(JSON.stringify({ schema: CONTEXTS, data: [contextEntity(i)] })),
      });
      if (batch.length === BATCH) enqueue();
    },
    flush: () => { if (batch.length) enqueue(); return pending === 0 ? Promise.resolve() : new Promise((r) => waiters.push(r)); },
    report: () => ({ retries }),
  };
});

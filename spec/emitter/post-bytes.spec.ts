// POST bytes: each event is measured exactly when an emitter accepts it (postJsonBytes, without building its JSON),
// and a body built from events packed by those counts never exceeds the limit (escapes, non-ASCII, lone
// surrogates, odd keys).
import { expect } from 'chai';
import fc from 'fast-check';
import { decideAdd, type BatchLimits, type QueuedEvent } from '../../src/emitter/batch.js';
import {
  buildPostRequest,
  eventsAsSent,
  measureForPost,
  POST_ENVELOPE_BYTES,
  postJsonBytes,
  STM_BYTES,
} from '../../src/emitter/request.js';
import { utf8ByteLength } from '../../src/payload/base64.js';

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
);
const payloadArb = fc.dictionary(text, text, { minKeys: 1 });
const STM = 1_764_000_000_000;

describe('POST bytes', () => {
  it('postJsonBytes equals the UTF-8 length of JSON.stringify(payload) for any string payload', () => {
    fc.assert(
      fc.property(fc.dictionary(text, text), (payload) => postJsonBytes(payload) === utf8ByteLength(JSON.stringify(payload))),
      { numRuns: 2_000 },
    );
  });

  it('counts escapes, control characters, lone surrogates, non-ASCII and integer-like keys exactly', () => {
    for (const payload of [{}, { a: '' }, { a: '\ud800' }, { '\u2028': '"\\\n\u0000\u007f\u0080é😀' }, { 1: 'x', b: 'y', 0: 'z' }]) {
      expect(postJsonBytes(payload)).to.equal(utf8ByteLength(JSON.stringify(payload)));
    }
  });

  it('an event adds its JSON, its stm and a comma to a body', () => {
    fc.assert(
      fc.property(payloadArb, (payload) => measureForPost(payload).bytes === utf8ByteLength(JSON.stringify(payload)) + STM_BYTES + 1),
      { numRuns: 500 },
    );
  });

  it('builds bodies that parse back to the payloads with their stm, and that fit when packed by those counts', () => {
    fc.assert(
      fc.property(fc.array(payloadArb, { minLength: 1, maxLength: 30 }), fc.integer({ min: 200, max: 4_000 }), (payloads, maxBytes) => {
        const limits: BatchLimits = { maxEvents: Infinity, maxBytes, emptyBytes: POST_ENVELOPE_BYTES };
        const items: QueuedEvent[] = payloads.map((payload, seq) => ({ seq, payload, ...measureForPost(payload) }));
        let batch: QueuedEvent[] = [];
        let bytes = limits.emptyBytes;
        const batches: QueuedEvent[][] = [];
        for (const item of items) {
          if (limits.emptyBytes + item.bytes > maxBytes) continue; // dropped as oversize when accepted
          if (decideAdd(batch.length, bytes, item.bytes, limits).sendBefore) {
            batches.push(batch);
            batch = [];
            bytes = limits.emptyBytes;
          }
          batch.push(item);
          bytes += item.bytes;
        }
        if (batch.length > 0) batches.push(batch);
        for (const group of batches) {
          const body = buildPostRequest('http://c.test/tp2', {}, eventsAsSent(group, STM)).body!;
          expect(utf8ByteLength(body)).to.be.at.most(maxBytes);
          const parsed = JSON.parse(body) as { data: Record<string, string>[] };
          expect(parsed.data).to.deep.equal(group.map((item) => ({ ...item.payload, stm: String(STM) })));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a stored JSON text (restored by a durable store) is measured and sent as it is: the same bytes as serialising the payload', () => {
    fc.assert(
      // A stored text never carries `stm` (the store's contract; the Redis worker checks it).
      fc.property(
        fc.array(
          payloadArb.filter((p) => !Object.hasOwn(p, 'stm')),
          { minLength: 1, maxLength: 30 },
        ),
        (payloads) => {
          const fresh: QueuedEvent[] = payloads.map((payload, seq) => ({ seq, payload, ...measureForPost(payload) }));
          const stored: QueuedEvent[] = payloads.map((payload, seq) => {
            const json = JSON.stringify(payload);
            return { seq, payload, json, ...measureForPost(payload, json) };
          });
          expect(stored.map((item) => item.bytes)).to.deep.equal(fresh.map((item) => item.bytes));
          const events = eventsAsSent(fresh, STM);
          const built = buildPostRequest('http://c.test/tp2', {}, events).body!;
          expect(buildPostRequest('http://c.test/tp2', {}, events, { items: stored, sentAt: STM }).body).to.equal(built);
          // One event without a stored text: the whole body is serialised from the payloads.
          const mixed = [...stored.slice(1), fresh[0]!];
          const body = buildPostRequest('http://c.test/tp2', {}, eventsAsSent(mixed, STM), { items: mixed, sentAt: STM }).body!;
          expect(JSON.parse(body).data).to.deep.equal(mixed.map((item) => ({ ...item.payload, stm: String(STM) })));
        },
      ),
      { numRuns: 300 },
    );
  });
});

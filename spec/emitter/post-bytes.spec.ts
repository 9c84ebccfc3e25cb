// POST bytes: each event is serialised once when an emitter accepts it; the byte count it batches by must be exact,
// and a body built from events packed by those counts never exceeds the limit (escapes, non-ASCII, odd keys).
import { expect } from 'chai';
import fc from 'fast-check';
import { decideAdd, type BatchLimits, type QueuedEvent } from '../../src/emitter/batch.js';
import { buildPostRequest, encodeForPost, POST_ENVELOPE_BYTES, STM_BYTES } from '../../src/emitter/request.js';
import { utf8ByteLength } from '../../src/payload/base64.js';

const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }));
const payloadArb = fc.dictionary(text, text, { minKeys: 1 });
const STM = 1_764_000_000_000;

describe('POST bytes', () => {
  it('counts an event as the UTF-8 bytes it adds to a body (its JSON, its stm, a comma)', () => {
    fc.assert(
      fc.property(payloadArb, (payload) => encodeForPost(payload).bytes === utf8ByteLength(JSON.stringify(payload)) + STM_BYTES + 1),
      { numRuns: 1_000 },
    );
  });

  it('builds bodies that parse back to the payloads with their stm, and that fit when packed by those counts', () => {
    fc.assert(
      fc.property(fc.array(payloadArb, { minLength: 1, maxLength: 30 }), fc.integer({ min: 200, max: 4_000 }), (payloads, maxBytes) => {
        const limits: BatchLimits = { maxEvents: Infinity, maxBytes, emptyBytes: POST_ENVELOPE_BYTES };
        const items: QueuedEvent[] = payloads.map((payload, seq) => ({ seq, payload, ...encodeForPost(payload) }));
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
          const body = buildPostRequest('http://c.test/tp2', {}, group, STM).body!;
          expect(utf8ByteLength(body)).to.be.at.most(maxBytes);
          const parsed = JSON.parse(body) as { data: Record<string, string>[] };
          expect(parsed.data).to.deep.equal(group.map((item) => ({ ...item.payload, stm: String(STM) })));
        }
      }),
      { numRuns: 300 },
    );
  });
});

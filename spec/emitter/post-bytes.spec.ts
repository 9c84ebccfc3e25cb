// postJsonBytes: the POST byte count an emitter batches by, computed without building the JSON text, must equal
// the UTF-8 length of encodeForPost for any payload (escapes, non-ASCII, lone surrogates, odd keys).
import { expect } from 'chai';
import fc from 'fast-check';
import { utf8ByteLength } from '../../src/payload/base64.js';
import { postJsonBytes } from '../../src/emitter/request.js';

const encodeForPost = (payload: Record<string, string>): string => JSON.stringify(payload);

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }));

describe('postJsonBytes', () => {
  it('equals the UTF-8 length of encodeForPost(payload) for any string payload', () => {
    fc.assert(fc.property(fc.dictionary(text, text), (payload) => postJsonBytes(payload) === utf8ByteLength(encodeForPost(payload))), { numRuns: 2_000 });
  });

  it('counts escapes, control characters, lone surrogates, non-ASCII and integer-like keys exactly', () => {
    for (const payload of [{}, { a: '' }, { a: '\ud800' }, { '\u2028': '"\\\n\u0000\u007f\u0080é😀' }, { 1: 'x', b: 'y', 0: 'z' }]) {
      expect(postJsonBytes(payload)).to.equal(utf8ByteLength(encodeForPost(payload)));
    }
  });
});

// In the browser there is no Buffer, so base64UrlEncode takes its TextEncoder + btoa path: check it against known
// vectors (RFC 4648 §10, without padding, URL-safe alphabet) and UTF-8 round trips. Browser only.
import { expect } from 'chai';
import { base64UrlDecode, base64UrlEncode } from '../../src/payload/base64.js';
import { UNICODE } from '../fixtures/events.js';

const VECTORS: readonly (readonly [text: string, encoded: string])[] = [
  ['', ''],
  ['f', 'Zg'],
  ['fo', 'Zm8'],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg'],
  ['fooba', 'Zm9vYmE'],
  ['foobar', 'Zm9vYmFy'],
  ['>>>', 'Pj4-'], // '+' in standard base64
  ['???', 'Pz8_'], // '/' in standard base64
  ['é', 'w6k'],
  ['東京', '5p2x5Lqs'],
  ['🚀', '8J-agA'],
  ['👩‍💻', '8J-RqeKAjfCfkrs'],
  [UNICODE, 'Q3LDqG1lIGJyw7tsw6llIMOgIFrDvHJpY2ggwrcg5p2x5Lqs44K_44Ov44O8IMK3IOyEnOyauCDCtyDwn5qA8J-RqeKAjfCfkrs'],
];

describe('base64url in the browser (TextEncoder + btoa path)', () => {
  it('runs without a Buffer global, so the fallback path is the one under test', () => {
    expect((globalThis as { Buffer?: unknown }).Buffer).to.equal(undefined);
  });

  for (const [text, encoded] of VECTORS) {
    it(`encodes ${JSON.stringify(text)} as "${encoded.length > 20 ? encoded.slice(0, 20) + '…' : encoded}" and decodes it back`, () => {
      expect(base64UrlEncode(text)).to.equal(encoded);
      expect(base64UrlDecode(encoded)).to.equal(text);
    });
  }

  it('encodes text longer than one 32 KiB chunk the same as in pieces of whole 3-byte groups', () => {
    const piece = 'abc東京🚀'.repeat(3000); // 3 + 6 + 4 = 13 bytes × 3000 = 39000 bytes, divisible by 3
    expect(base64UrlEncode(piece + piece)).to.equal(base64UrlEncode(piece) + base64UrlEncode(piece));
    expect(base64UrlDecode(base64UrlEncode(piece + piece))).to.equal(piece + piece);
  });
});

/**
 * base64url (RFC 4648 §5) of the UTF-8 bytes of `text`, without padding, as the JS tracker sends it.
 * Uses Node's native Buffer where there is one (much faster), TextEncoder + btoa elsewhere.
 */
interface BufferLike {
  from(text: string, encoding: 'utf8' | 'base64url'): { toString(encoding: string): string };
  byteLength(text: string, encoding: 'utf8'): number;
}
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
const utf8 = new TextEncoder();

export function base64UrlEncode(text: string): string {
  if (NodeBuffer) return NodeBuffer.from(text, 'utf8').toString('base64url');
  const bytes = utf8.encode(text);
  let binary = '';
  // Chunked so String.fromCharCode never gets more arguments than the engine allows.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url or standard base64, padded or not, to UTF-8 text. Throws on characters outside both alphabets. */
export function base64UrlDecode(encoded: string): string {
  if (!/^[A-Za-z0-9\-_+/]*={0,2}$/.test(encoded)) throw new TypeError('not base64 / base64url');
  const standard = encoded.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (standard.length % 4 === 1) throw new TypeError('not base64 / base64url: impossible length');
  const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** UTF-8 length of `text` in bytes, without allocating the bytes. */
export function utf8ByteLength(text: string): number {
  if (NodeBuffer) return NodeBuffer.byteLength(text, 'utf8');
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

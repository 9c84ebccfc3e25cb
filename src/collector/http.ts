// Small HTTP helpers of the collector: bounded body reading and answers.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Past the body limit, the rest of a body is read and thrown away up to this many bytes (so the client reads the 413), then the connection is dropped. */
const DRAIN_LIMIT_BYTES = 64 * 1_000_000;

/** A request body: its bytes and text, or its size when over the limit (nothing of it kept). */
export type Body =
  { readonly tooLarge: false; readonly bytes: Buffer; readonly text: string } | { readonly tooLarge: true; readonly size: number };

/** Reads a body up to `limit` bytes; past it, keeps nothing and drains the rest (up to 64 MB, then drops the connection). */
export function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > DRAIN_LIMIT_BYTES) {
      req.destroy();
      resolve({ tooLarge: true, size: declared });
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        chunks = [];
        if (size > DRAIN_LIMIT_BYTES) req.destroy();
      }
    });
    req.on('end', () => {
      if (size > limit) return resolve({ tooLarge: true, size });
      const bytes = Buffer.concat(chunks);
      resolve({ tooLarge: false, bytes, text: bytes.toString('utf8') });
    });
    req.on('error', reject);
    req.on('close', () => {
      if (req.complete) return;
      if (size > limit) resolve({ tooLarge: true, size });
      else reject(new Error('the client closed the connection before the body ended'));
    });
  });
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) }).end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), { 'Cache-Control': 'no-store', ...headers });
}

/** Answers a CORS preflight: these methods, these headers plus any well-formed requested ones, cached for an hour. */
export function preflight(req: IncomingMessage, res: ServerResponse, methods: string, headers: readonly string[]): void {
  const requested = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => /^[A-Za-z0-9-]{1,64}$/.test(h));
  res.setHeader('Access-Control-Allow-Methods', methods);
  res.setHeader('Access-Control-Allow-Headers', [...new Set([...headers, ...requested])].join(', '));
  res.setHeader('Access-Control-Max-Age', '3600');
  res.writeHead(204).end();
}

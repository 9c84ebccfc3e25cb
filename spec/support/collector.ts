// A loopback Snowplow collector for Node specs: a real http server on 127.0.0.1 (port 0) that records every request,
// decodes GET query strings and POST payload_data bodies, counts events per eid, and answers as the spec scripts it.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Payload } from '../../src/payload/payload.js';

/** How to answer one request. */
export type Answer =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>> }
  /** Never answer (until the collector closes). */
  | { readonly hang: true }
  /** Destroy the connection without a response. */
  | { readonly reset: true };

export interface RecordedRequest {
  /** 0 for the first request the collector received. */
  readonly index: number;
  readonly method: string;
  /** The path, without the query string. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Body size in bytes, as received. */
  readonly bodyBytes: number;
  /** The events it carried: the query string of a GET, the `data` of a POST. */
  readonly events: readonly Payload[];
  /** The `schema` of a POST body. */
  readonly schema: string | undefined;
  readonly answer: Answer;
}

/** Decides the answer to each request; `undefined` means 200. */
export type Script = (request: Omit<RecordedRequest, 'answer'>) => Answer | undefined;

export const ok: Answer = { status: 200 };
/** The i-th request gets answers[i]; later ones 200. */
export const inTurn =
  (...answers: (Answer | number)[]): Script =>
  (request) => {
    const answer = answers[request.index];
    return typeof answer === 'number' ? { status: answer } : answer;
  };
/** Every request gets this status. */
export const always =
  (status: number): Script =>
  () => ({ status });
/** A seeded share of requests get `answer`, the others 200: the same run gives the same answers. */
export function randomly(share: number, answer: Answer, seed = 42): Script {
  const random = mulberry32(seed);
  return () => (random() < share ? answer : undefined);
}
/** 413 for bodies over `maxBytes`. */
export const maxBody =
  (maxBytes: number, then: Script = () => undefined): Script =>
  (request) =>
    request.bodyBytes > maxBytes ? { status: 413 } : then(request);

/** Deterministic PRNG (mulberry32) in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const isSuccess = (answer: Answer): boolean => 'status' in answer && answer.status >= 200 && answer.status < 400;

export class LoopbackCollector {
  readonly requests: RecordedRequest[] = [];
  script: Script = () => undefined;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://collector');
        const decoded = decode(req.method ?? 'GET', url, raw.toString('utf8'));
        const partial = {
          index: this.requests.length,
          method: req.method ?? '',
          path: url.pathname,
          headers: req.headers,
          body: raw.toString('utf8'),
          bodyBytes: raw.length,
          ...decoded,
        };
        const answer = this.script(partial) ?? ok;
        this.requests.push({ ...partial, answer });
        if ('reset' in answer) req.socket.destroy();
        else if ('status' in answer) res.writeHead(answer.status, answer.headers).end();
      });
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Starts a collector on 127.0.0.1, on a free port. */
  static async start(script?: Script): Promise<LoopbackCollector> {
    const collector = new LoopbackCollector();
    if (script) collector.script = script;
    await collector.listen();
    return collector;
  }

  /** `http://127.0.0.1:<port>`: the endpoint to give an Emitter. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens again (on the same port once it has had one). */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops listening and cuts every open connection (hanging requests included). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }

  /** How many requests carried each eid. */
  receivedPerEid(): Map<string, number> {
    return countPerEid(this.requests);
  }

  /** How many ACCEPTED (2xx/3xx) requests carried each eid. */
  acceptedPerEid(): Map<string, number> {
    return countPerEid(this.requests.filter((r) => isSuccess(r.answer)));
  }
}

function countPerEid(requests: readonly RecordedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) for (const event of request.events) counts.set(event['eid']!, (counts.get(event['eid']!) ?? 0) + 1);
  return counts;
}

function decode(method: string, url: URL, body: string): { events: Payload[]; schema: string | undefined } {
  if (method === 'GET') return { events: url.pathname.endsWith('/i') ? [Object.fromEntries(url.searchParams)] : [], schema: undefined };
  try {
    const parsed = JSON.parse(body) as { schema?: string; data?: Payload[] };
    return { events: parsed.data ?? [], schema: parsed.schema };
  } catch {
    return { events: [], schema: undefined };
  }
}

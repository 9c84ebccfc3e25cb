// The example's server: Angular SSR (AngularNodeAppEngine) on node:http, the browser build's files served as they
// are. PORT (0: any free port) and HOST pick where it listens; it prints `listening on <url>`. RXPLOW_COLLECTOR, when
// set, is the collector the browser tracks to (put in a <meta> of each page: a real app would use its own config).
import { AngularNodeAppEngine, createNodeRequestHandler, isMainModule, writeResponseToNodeResponse } from '@angular/ssr/node';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const browserDist = fileURLToPath(new URL('../browser', import.meta.url));
const engine = new AngularNodeAppEngine();
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain',
};

async function serveFile(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const type = TYPES[extname(path)];
  if (type === undefined) return false;
  const file = normalize(join(browserDist, path));
  if (!file.startsWith(browserDist + sep)) return false;
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    res.end(body);
    return true;
  } catch {
    return false;
  }
}

const collector = process.env['RXPLOW_COLLECTOR'];
const meta = collector === undefined ? '' : `<meta name="rxplow-collector" content="${collector.replace(/[^\w.:/-]/g, '')}">`;

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (await serveFile(req, res)) return;
  const response = await engine.handle(req);
  if (response === null) {
    res.writeHead(404).end('not found');
    return;
  }
  if (meta === '' || !response.headers.get('content-type')?.includes('text/html')) {
    await writeResponseToNodeResponse(response, res);
    return;
  }
  const html = (await response.text()).replace('</head>', `${meta}</head>`);
  await writeResponseToNodeResponse(new Response(html, { status: response.status, headers: response.headers }), res);
}

const handler = (req: IncomingMessage, res: ServerResponse): void => {
  handle(req, res).catch((error: unknown) => {
    console.error(error);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
};

/** For `ng serve` and other hosts of the request handler. */
export const reqHandler = createNodeRequestHandler((req, res) => handler(req, res));

if (isMainModule(import.meta.url)) {
  const server = createServer(handler);
  server.listen(Number(process.env['PORT'] ?? 4000), process.env['HOST'] ?? '127.0.0.1', () => {
    const { address, port } = server.address() as AddressInfo;
    console.log(`listening on http://${address}:${port}`);
  });
}

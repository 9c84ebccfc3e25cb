// The collector's HTTP server (the class behind `startCollector`, src/collector/server.ts): it routes each request to
// the tracking endpoints (tracking.ts) or the Micro API (micro-api.ts), which share one ledger of records (ledger.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TP2_PATH } from '../payload/paths.js';
import { messageOf } from '../payload/decode.js';
import { allowedHostNames } from './access.js';
import { send } from './http.js';
import { Ledger } from './ledger.js';
import { handleMicro } from './micro-api.js';
import type { CollectorSummary, Reporter } from './output.js';
import type { SchemaResolver } from './schema-resolver.js';
import { handleTracking, type TrackingSettings } from './tracking.js';

import type { RunningCollector } from './server.js';

/** What a collector runs with: its checked limits, host and paths. */
export interface Settings {
  readonly host: string;
  readonly allowedHosts: readonly string[];
  readonly postPath: string | undefined;
  readonly maxBodyBytes: number;
  readonly maxEventsPerRequest: number;
  readonly maxStoredEvents: number;
  readonly maxStoredBytes: number;
}

export class Collector {
  readonly #resolver: SchemaResolver;
  readonly #reporter: Reporter;
  readonly #ledger: Ledger;
  readonly #tracking: TrackingSettings;
  readonly #microHosts: ReadonlySet<string>;
  readonly #maxBodyBytes: number;

  constructor(resolver: SchemaResolver, reporter: Reporter, warn: (message: string) => void, settings: Settings) {
    this.#resolver = resolver;
    this.#reporter = reporter;
    this.#ledger = new Ledger(resolver, reporter, warn, { maxRecords: settings.maxStoredEvents, maxBytes: settings.maxStoredBytes });
    this.#tracking = {
      postPaths: new Set([TP2_PATH, ...(settings.postPath ? [settings.postPath] : [])]),
      maxBodyBytes: settings.maxBodyBytes,
      maxEventsPerRequest: settings.maxEventsPerRequest,
    };
    this.#microHosts = allowedHostNames(settings.host, settings.allowedHosts);
    this.#maxBodyBytes = settings.maxBodyBytes;
  }

  async listen(port: number, host: string): Promise<RunningCollector> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) send(res, 500, 'text/plain', `rxplow collector: ${messageOf(error)}`);
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    this.#reporter.listening(url, address.port, this.#resolver.describeSources());
    const ledger = this.#ledger;
    let closing: Promise<CollectorSummary> | undefined;
    return {
      url,
      port: address.port,
      summary: () => ledger.counts(),
      good: () => ledger.good(),
      bad: () => ledger.bad(),
      idle: () => ledger.idle(),
      reset: () => ledger.reset(),
      close: () => (closing ??= this.#close(server)),
    };
  }

  async #close(server: Server): Promise<CollectorSummary> {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await this.#ledger.idle();
    const summary = this.#ledger.lifetime();
    this.#reporter.summary(summary);
    this.#reporter.detach();
    return summary;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://collector.invalid');
    if (url.pathname.startsWith('/micro/')) return handleMicro(req, res, url, this.#ledger, this.#microHosts, this.#maxBodyBytes);
    return handleTracking(req, res, url, this.#ledger, this.#tracking);
  }
}

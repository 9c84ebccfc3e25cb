// Every default of the collector in one place: `startCollector`, the command line and its help read them from here.

/** The defaults of {@link CollectorOptions} (`src/cli/collector.ts`); the docs and `rxplow collector --help` quote them. */
export const COLLECTOR_DEFAULTS = {
  /** `startCollector()` picks a free port. */
  port: 0,
  /** `rxplow collector` listens on 9090, as Snowplow Micro does. */
  cliPort: 9090,
  /** Loopback only. */
  host: '127.0.0.1',
  /** Larger bodies are answered 413, as Snowplow's collector refuses bodies over 1 MB. */
  maxBodyBytes: 1_000_000,
  /** Requests with more events are answered 413. */
  maxEventsPerRequest: 10_000,
  /** Records (good and bad) kept for the Micro API before the oldest are evicted. */
  maxStoredEvents: 10_000,
  /** Estimated bytes of received event text kept before the oldest records are evicted. */
  maxStoredBytes: 50_000_000,
} as const;

/** The host names `/micro/*` always answers to (with any port), besides the configured host and `allowedHosts`. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

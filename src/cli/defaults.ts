// Every default of the collector in one place: `startCollector`, the command line and its help read them from here.

/** The defaults of {@link CollectorOptions} (`src/cli/collector.ts`); the docs and `rxplow collector --help` quote them. */
export const COLLECTOR_DEFAULTS = {
  /** `startCollector()` picks a free port; the command line listens on 9090, as Snowplow Micro does. */
  port: 0,
  cliPort: 9090,
  host: '127.0.0.1',
  /** Snowplow's collector refuses bodies over 1 MB. */
  maxBodyBytes: 1_000_000,
  maxEventsPerRequest: 10_000,
  maxStoredEvents: 10_000,
  maxStoredBytes: 50_000_000,
} as const;

/** The host names `/micro/*` always answers to (with any port), besides the configured host and `allowedHosts`. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

// `rxplow worker`: its command line (help with every option and default, errors), and the real thing as a child
// process (`node --import tsx src/cli/main.ts worker ...`) against a redis-server of our own and a loopback collector.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HELP, parseCommandLine } from '../../../src/cli/args.js';
import { WORKER_DEFAULTS, WORKER_USAGE } from '../../../src/cli/worker-args.js';
import { createTracker, structEvent } from '../../../src/index.js';
import { RedisQueueEmitter } from '../../../src/redis/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { client, RedisServer, waitFor } from './support.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('rxplow worker (CLI)', function () {
  this.timeout(30_000);

  it('--help lists every option with its default; the top-level help names the command', () => {
    expect(parseCommandLine(['worker', '--help'])).to.deep.equal({ command: 'help', text: WORKER_USAGE });
    expect(HELP).to.match(/^ {2}worker +deliver events queued in a Redis stream/m);
    for (const flag of [
      '--collector URL',
      '--redis URL',
      '--stream KEY',
      '--group NAME',
      '--consumer NAME',
      '--dead-letter-stream KEY',
      '--buffer-size N',
      '--max-in-flight N',
      '--claim-idle-ms N',
      '--stop-timeout-ms N',
      '--metrics-interval-ms N',
      '--keep-acked',
      '--retry-base-delay-ms N',
      '--retry-max-delay-ms N',
      '--max-deliveries N',
      '--max-age-ms N',
      '--claim-interval-ms N',
      '--consumer-idle-ms N',
      '--dead-letter-max-len N',
      '--connect-timeout-ms N',
      '--log-interval-ms N',
      '--verbose',
    ]) {
      expect(WORKER_USAGE, flag).to.include(`  ${flag} `);
    }
    for (const value of [
      WORKER_DEFAULTS.redis,
      WORKER_DEFAULTS.stream,
      WORKER_DEFAULTS.group,
      String(WORKER_DEFAULTS.claimIdleMs),
      String(WORKER_DEFAULTS.stopTimeoutMs),
      String(WORKER_DEFAULTS.retryMaxDelayMs),
      String(WORKER_DEFAULTS.maxDeliveries),
      String(WORKER_DEFAULTS.maxAgeMs),
      String(WORKER_DEFAULTS.consumerIdleMs),
      String(WORKER_DEFAULTS.connectTimeoutMs),
    ]) {
      expect(WORKER_USAGE).to.include(`(default: ${value})`);
    }
  });

  it('parses options, fills defaults, refuses what it cannot use; the collector command is unchanged', () => {
    const parsed = parseCommandLine([
      'worker',
      '--collector',
      'http://127.0.0.1:9090',
      '--stream',
      's',
      '--max-in-flight',
      '50',
      '--keep-acked',
    ]);
    expect(parsed).to.have.property('command', 'worker');
    const options = (parsed as Extract<typeof parsed, { command: 'worker' }>).options;
    expect(options).to.include({
      collector: 'http://127.0.0.1:9090',
      stream: 's',
      group: WORKER_DEFAULTS.group,
      maxInFlight: 50,
      deleteAcked: false,
      redis: WORKER_DEFAULTS.redis,
    });
    expect(options.consumer).to.match(/-\d+$/);
    expect(() => parseCommandLine(['worker'])).to.throw(/--collector is required/);
    expect(() => parseCommandLine(['worker', '--collector', 'x', '--redis', 'http://x'])).to.throw(/--redis/);
    expect(() => parseCommandLine(['worker', '--collector', 'x', '--max-in-flight', '0'])).to.throw(/--max-in-flight/);
    expect(() => parseCommandLine(['worker', '--collector', 'x', '--port', '1'])).to.throw(/port/);
    expect(() => parseCommandLine(['worker', '--collector', 'x', '--max-deliveries', '0'])).to.throw(/--max-deliveries/);
    const tuned = parseCommandLine(['worker', '--collector', 'x', '--retry-max-delay-ms', '2000', '--max-age-ms', '60000', '--verbose']);
    expect((tuned as Extract<typeof tuned, { command: 'worker' }>).options).to.include({
      retryMaxDelayMs: 2_000,
      maxAgeMs: 60_000,
      verbose: true,
    });
    expect(parseCommandLine(['collector', '--port', '0'])).to.have.property('command', 'collector');
  });

  it('delivers a stream and exits 0 within its deadline on SIGTERM', async () => {
    const server = await RedisServer.start();
    const collector = await LoopbackCollector.start();
    const redis = await client(server.url);
    try {
      const tracker = createTracker(new RedisQueueEmitter({ redis, stream: 'cli:events', maxLen: 10_000 }));
      for (let i = 0; i < 300; i++) tracker.track(structEvent({ category: 'cli', action: 'a', value: i }));
      await tracker.shutdown();
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'worker',
          '--redis',
          server.url,
          '--stream',
          'cli:events',
          '--collector',
          collector.url,
          '--consumer',
          'cli-1',
          '--block-ms',
          '100',
          '--stop-timeout-ms',
          '3000',
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await waitFor(`300 events delivered (stderr: ${err})`, () => collector.acceptedPerEid().size === 300, 20_000);
      expect(out).to.match(/rxplow worker cli-1: reading cli:events as group rxplow, delivering to http/);
      const stopAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).to.equal(0);
      expect(Date.now() - stopAt, 'exit within the deadline').to.be.below(8_000);
      expect(out).to.match(/stopped on SIGTERM: \{"delivered":300,"deadLettered":0,"reclaimed":0,"released":0\}/);
    } finally {
      redis.destroy();
      await collector.close();
      await server.stop();
    }
  });
});

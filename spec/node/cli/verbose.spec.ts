// `--verbose` (issue 19): `rxplow collector --verbose` prints every error of a bad event (not "(+1 more)") and each good
// event's fields; `rxplow worker --verbose` prints every delivery outcome with the debug printer (`debugOutcomes`).
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { parseCommandLine, USAGE } from '../../../src/cli/args.js';
import { WORKER_USAGE } from '../../../src/cli/worker-args.js';
import { createTracker, structEvent } from '../../../src/index.js';
import { RedisQueueEmitter } from '../../../src/redis/index.js';
import { LoopbackCollector } from '../../support/collector.js';
import { client, RedisServer, waitFor } from '../redis/support.js';
import { baseEvent, Lines, postEvents, REPO_ROOT, startQuietCollector } from './support.js';

/** A self-describing event whose data breaks two rules of the demo's checkout_step schema. */
const twoErrors = baseEvent('ue', {
  ue_pr: JSON.stringify({
    schema: 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
    data: { schema: 'iglu:com.rxplow.demo/checkout_step/jsonschema/1-0-0', data: { step: 99, cartValue: 'lots' } },
  }),
});

describe('--verbose', function () {
  this.timeout(30_000);

  describe('rxplow collector --verbose', () => {
    it('is a documented flag, off by default', () => {
      expect(USAGE).to.match(/^ {2}--verbose +also print each good event's fields and every error of a bad event$/m);
      const parsed = (argv: string[]) =>
        (parseCommandLine(argv) as Extract<ReturnType<typeof parseCommandLine>, { command: 'collector' }>).options;
      expect(parsed(['collector']).verbose).to.equal(false);
      expect(parsed(['collector', '--verbose']).verbose).to.equal(true);
    });

    it('without it, a bad event shows its first error and how many more; with it, every error and the good events fields', async () => {
      const quiet = new Lines();
      const verbose = new Lines();
      for (const [out, isVerbose] of [
        [quiet, false],
        [verbose, true],
      ] as const) {
        const collector = await startQuietCollector({ out, verbose: isVerbose });
        await postEvents(collector, [twoErrors, baseEvent('se', { se_ca: 'shop', se_ac: 'buy' })]);
        await collector.idle();
        await collector.close();
      }
      const bad = (lines: Lines) => lines.lines.slice(lines.lines.findIndex((l) => l.startsWith('bad')));
      expect(quiet.lines.find((l) => l.startsWith('bad'))).to.match(/\(\+1 more; --verbose lists them\)$/);
      const [first, second] = bad(verbose);
      expect(first).to.match(/^bad .* — event iglu:com\.rxplow\.demo\/checkout_step\/jsonschema\/1-0-0: /);
      expect(first).not.to.include('more');
      expect(second).to.match(/^ {6}event iglu:com\.rxplow\.demo\/checkout_step\/jsonschema\/1-0-0: /);
      expect([first, second].join('\n')).to.include('/step must be <= 10').and.include('/cartValue must be number');
      const good = verbose.lines.findIndex((l) => l.startsWith('good'));
      expect(JSON.parse(verbose.lines[good + 1]!)).to.include({ se_category: 'shop', se_action: 'buy' });
    });
  });

  describe('rxplow worker --verbose', () => {
    it('is a documented flag, off by default', () => {
      expect(WORKER_USAGE).to.match(/^ {2}--verbose +print every delivery outcome/m);
      const parsed = (argv: string[]) =>
        (parseCommandLine(argv) as Extract<ReturnType<typeof parseCommandLine>, { command: 'worker' }>).options;
      expect(parsed(['worker', '--collector', 'localhost:9090']).verbose).to.equal(false);
      expect(parsed(['worker', '--collector', 'localhost:9090', '--verbose']).verbose).to.equal(true);
    });

    it("prints each delivery outcome with rxplow's debug printer", async () => {
      const server = await RedisServer.start();
      const collector = await LoopbackCollector.start();
      const redis = await client(server.url);
      let child: ChildProcess | undefined;
      try {
        const tracker = createTracker(new RedisQueueEmitter({ redis, stream: 'verbose:events', maxLen: 10_000 }));
        for (let i = 0; i < 3; i++) tracker.track(structEvent({ category: 'cli', action: 'a', value: i }));
        await tracker.shutdown();
        const worker = ['worker', '--redis', server.url, '--stream', 'verbose:events', '--collector', collector.url, '--verbose'];
        const worker$ = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...worker, '--block-ms', '100'], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child = worker$;
        worker$.stdout.on('data', (d: Buffer) => (out += d.toString()));
        const exited = new Promise((resolve) => worker$.on('exit', resolve));
        await waitFor(`a sent line (stdout: ${out})`, () =>
          /✔ POST http:\/\/127\.0\.0\.1:\d+\/com\.snowplowanalytics\.snowplow\/tp2 sent/.test(out),
        );
        worker$.kill('SIGTERM');
        await exited;
        // Each log line carries the worker's prefix (`rxplow worker <consumer>: `), then the debug printer's line.
        expect(out).to.match(/^rxplow worker \S+: ✔ POST http:\/\/\S+ sent +3 event\(s\) \[se,se,se\] status 200, attempt 1$/m);
      } finally {
        // A failed wait must not leave the worker running (mocha would wait for it forever).
        child?.kill('SIGKILL');
        redis.destroy();
        await collector.close();
        await server.stop();
      }
    });
  });
});

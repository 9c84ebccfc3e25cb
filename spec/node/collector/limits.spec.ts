// The collector's memory is bounded: a body limit (413), a limit on events per request (413), and a store of records
// that evicts the oldest and says so in /micro/all. The last suite runs `rxplow collector` as a child process and
// measures its resident memory under the requests that used to kill it.
import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { RunningCollector } from '../../../src/collector/server.js';
import { Reporter, MAX_OUTPUT_BACKLOG_BYTES } from '../../../src/collector/output.js';
import { RecordStore } from '../../../src/collector/store.js';
import { baseEvent, micro, postEvents, rawRequest, REPO_ROOT, startQuietCollector, TP2 } from '../cli/support.js';
import { InvalidOptionsError } from '../../../src/errors.js';

const PAYLOAD_DATA = 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4';
const envelope = (items: string): string => `{"schema":"${PAYLOAD_DATA}","data":[${items}]}`;
const post = (base: string, body: string) => rawRequest(base, TP2, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body });

describe('rxplow collector: limits', () => {
  let collector: RunningCollector | undefined;
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
  });

  it('answers 413 to a request with more events than maxEventsPerRequest, and keeps one bad record for it', async () => {
    collector = await startQuietCollector({ maxEventsPerRequest: 3 });
    const items = (n: number) => Array.from({ length: n }, () => JSON.stringify(baseEvent('pv'))).join(',');
    expect((await post(collector.url, envelope(items(4)))).status).to.equal(413);
    expect((await post(collector.url, envelope(items(3)))).status).to.equal(200);
    expect((await post(collector.url, envelope('1,2,3,4'))).status).to.equal(413); // items that are not events count too
    expect(await micro.all(collector)).to.deep.equal({ total: 5, good: 3, bad: 2 });
    const [bad] = await micro.bad(collector);
    expect(bad!.status).to.equal(413);
    expect(bad!.rawEvent).to.equal(undefined);
    expect(bad!.errors).to.deep.equal(['4 events in one request, over the limit of 3 (maxEventsPerRequest, --max-events-per-request)']);
  });

  it('evicts the oldest records past maxStoredEvents, counts them in /micro/all, and forgets the count on reset', async () => {
    collector = await startQuietCollector({ maxStoredEvents: 3 });
    const tracker = (n: number) => baseEvent('pv', { url: `https://shop.example/${n}` });
    await postEvents(collector, [tracker(1), tracker(2)]);
    expect(await micro.all(collector)).to.deep.equal({ total: 2, good: 2, bad: 0 }); // Micro's shape until something is evicted
    await postEvents(collector, [tracker(3), tracker(4), { e: 'pv' }]);
    expect(await micro.all(collector)).to.deep.equal({ total: 5, good: 4, bad: 1, evicted: 2 });
    expect((await micro.good(collector)).map((g) => g.event['page_url'])).to.deep.equal([
      'https://shop.example/3',
      'https://shop.example/4',
    ]);
    expect(await micro.bad(collector)).to.have.length(1);
    expect(collector.good()).to.have.length(2);
    expect((await rawRequest(collector.url, '/micro/reset', { method: 'POST' })).status).to.equal(200);
    expect(await micro.all(collector)).to.deep.equal({ total: 0, good: 0, bad: 0 });
    expect(await collector.close()).to.deep.equal({ total: 5, good: 4, bad: 1, evicted: 2 });
  });

  it('evicts the oldest records past maxStoredBytes, keeping the newest even when it alone is over', async () => {
    collector = await startQuietCollector({ maxStoredBytes: 50_000 });
    const big = (n: number) => baseEvent('pv', { url: `https://shop.example/${n}`, page: 'x'.repeat(10_000) });
    for (let n = 1; n <= 4; n++) await postEvents(collector, [big(n)]); // ~2 × 10 kB each as kept
    expect(await micro.all(collector)).to.deep.equal({ total: 4, good: 4, bad: 0, evicted: 2 });
    await postEvents(collector, [baseEvent('pv', { page: 'y'.repeat(60_000) })]);
    expect((await micro.all(collector)).evicted).to.equal(4);
    expect(collector.good()).to.have.length(1);
  });

  it('keeps 10 000 bytes of a body and at most 100 messages in a bad record', async () => {
    collector = await startQuietCollector();
    await post(collector.url, envelope(Array.from({ length: 150 }, (_, i) => String(i)).join(',') + ' '.repeat(20_000)));
    const [bad] = await micro.bad(collector);
    expect(bad!.collectorPayload.body).to.have.length(10_000);
    expect(bad!.errors).to.have.length(101);
    expect(bad!.errors[100]).to.equal('(50 more messages not kept)');
  });

  it('refuses limits that are not positive integers', async () => {
    for (const options of [{ maxBodyBytes: 0 }, { maxEventsPerRequest: 1.5 }, { maxStoredEvents: -1 }, { maxStoredBytes: Number.NaN }]) {
      let error: Error | undefined;
      await startQuietCollector(options).then(
        (c) => c.close(),
        (e: Error) => (error = e),
      );
      // The library's one option validator: an InvalidOptionsError naming the option (not a bare RangeError).
      expect(error, JSON.stringify(options)).to.be.instanceOf(InvalidOptionsError);
      expect((error as InvalidOptionsError).option).to.match(/^max\w+$/);
    }
  });
});

describe('RecordStore', () => {
  it('is first in, first out, bounded by count and bytes, and counts evictions', () => {
    const store = new RecordStore<string>({ maxRecords: 3, maxBytes: 100 });
    expect(store.push('a', 10)).to.deep.equal([]);
    store.push('b', 10);
    store.push('c', 10);
    expect(store.push('d', 10)).to.deep.equal(['a']);
    expect(store.records()).to.deep.equal(['b', 'c', 'd']);
    expect(store.push('e', 85)).to.deep.equal(['b', 'c']);
    expect(store.push('f', 500)).to.deep.equal(['d', 'e']);
    expect(store.records()).to.deep.equal(['f']);
    expect([store.size, store.bytes, store.evicted]).to.deep.equal([1, 500, 5]);
    store.clear();
    expect([store.size, store.bytes, store.evicted, store.records().length]).to.deep.equal([0, 0, 0, 0]);
  });

  it('stays correct across many evictions (its array is cut now and then)', () => {
    const store = new RecordStore<number>({ maxRecords: 10, maxBytes: Infinity });
    for (let i = 0; i < 5_000; i++) store.push(i, 1);
    expect(store.records()).to.deep.equal([4_990, 4_991, 4_992, 4_993, 4_994, 4_995, 4_996, 4_997, 4_998, 4_999]);
    expect(store.evicted).to.equal(4_990);
  });
});

describe('Reporter: a broken or slow output does not stop the collector', () => {
  it('stops printing after the stream errors (EPIPE), and says so once', () => {
    const written: string[] = [];
    const warnings: string[] = [];
    let onError: ((error: Error) => void) | undefined;
    const stream = {
      write: (text: string) => written.push(text),
      on: (_event: 'error', listener: (error: Error) => void) => (onError = listener),
      off: () => (onError = undefined),
    };
    const reporter = new Reporter(stream, false, (message) => warnings.push(message));
    reporter.summary({ total: 0, good: 0, bad: 0 });
    onError!(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    onError!(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    reporter.summary({ total: 1, good: 1, bad: 0 });
    expect(written).to.deep.equal(['rxplow collector: 0 event(s): 0 good, 0 bad\n']);
    expect(warnings).to.deep.equal(['the output is closed (EPIPE): no more lines are printed; the collector keeps running']);
    reporter.detach();
    expect(onError).to.equal(undefined);
  });

  it('drops lines while the stream is backed up, then says how many', () => {
    const written: string[] = [];
    const stream = { writableLength: MAX_OUTPUT_BACKLOG_BYTES + 1, write: (text: string) => written.push(text) };
    const reporter = new Reporter(stream, false, () => undefined);
    for (let i = 0; i < 3; i++) reporter.summary({ total: i, good: i, bad: 0 });
    stream.writableLength = 0;
    reporter.summary({ total: 9, good: 9, bad: 0 });
    expect(written).to.deep.equal([
      '(3 line(s) not printed: the output was not keeping up)\n',
      'rxplow collector: 9 event(s): 9 good, 0 bad\n',
    ]);
  });

  it('survives a write that throws', () => {
    const warnings: string[] = [];
    const reporter = new Reporter(
      {
        write: () => {
          throw new Error('disk full');
        },
      },
      true,
      (message) => warnings.push(message),
    );
    reporter.summary({ total: 0, good: 0, bad: 0 });
    expect(warnings).to.deep.equal(['the output is closed (disk full): no more lines are printed; the collector keeps running']);
  });
});

/** The resident set size of a process now and at its peak, in MB (Linux: /proc; elsewhere: ps, now only). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = `/proc/${pid}/status`;
  if (existsSync(status)) {
    const text = readFileSync(status, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1]);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  }
  const rss =
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) / 1024;
  return { rss, peak: rss };
}

describe('rxplow collector (child process): memory stays bounded under hostile requests', function () {
  this.timeout(120_000);
  const LIMIT_MB = 600;
  let child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  let url: string;
  let stderr = '';

  before(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'collector', '--port', '0', '--json'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise<string>((resolve) => lines.once('line', resolve));
    url = (JSON.parse(first) as { url: string }).url;
    lines.on('line', () => undefined); // keep reading: a full pipe is not what is measured here
  });
  after(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  const alive = async (): Promise<{ total: number; good: number; bad: number; evicted?: number }> => {
    expect(child!.exitCode, stderr).to.equal(null);
    return micro.all({ url });
  };

  it('20 POSTs of 0.9 MB holding 300 000 {} each: each answered 413, the process alive and under 600 MB', async () => {
    const body = envelope(new Array(300_000).fill('{}').join(','));
    expect(body.length).to.be.within(900_000, 1_000_000);
    const before = memoryOf(child!.pid!);
    for (let i = 0; i < 20; i++) expect((await post(url, body)).status, `request ${i}`).to.equal(413);
    expect(await alive()).to.deep.equal({ total: 20, good: 0, bad: 20 });
    const after = memoryOf(child!.pid!);
    console.log(`      RSS ${before.rss.toFixed(0)} MB before, ${after.rss.toFixed(0)} MB after, peak ${after.peak.toFixed(0)} MB`);
    expect(after.peak).to.be.below(LIMIT_MB);
  });

  it('20 POSTs of 9 999 {} each (under the per-request limit): the store evicts, memory stays under 600 MB', async () => {
    const body = envelope(new Array(9_999).fill('{}').join(','));
    for (let i = 0; i < 20; i++) expect((await post(url, body)).status, `request ${i}`).to.equal(200);
    const all = await alive();
    expect(all).to.deep.include({ total: 20 + 199_980, good: 0, bad: 20 + 199_980 });
    expect(all.evicted).to.equal(all.total - 10_000);
    const after = memoryOf(child!.pid!);
    console.log(`      RSS ${after.rss.toFixed(0)} MB after, peak ${after.peak.toFixed(0)} MB`);
    expect(after.peak).to.be.below(LIMIT_MB);
  });

  it('400 POSTs of one 0.9 MB event each: evicted by bytes, memory stays under 600 MB', async () => {
    const body = envelope(JSON.stringify(baseEvent('pv', { page: 'p'.repeat(900_000) })));
    for (let i = 0; i < 400; i++) expect((await post(url, body)).status, `request ${i}`).to.equal(200);
    const all = await alive();
    expect(all.good).to.equal(400);
    expect(all.evicted).to.be.above(200_000);
    const after = memoryOf(child!.pid!);
    console.log(`      RSS ${after.rss.toFixed(0)} MB after, peak ${after.peak.toFixed(0)} MB`);
    expect(after.peak).to.be.below(LIMIT_MB);
  });

  it('stops cleanly on SIGTERM with the summary of the whole run', async () => {
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
});

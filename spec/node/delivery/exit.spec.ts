// After shutdown() the Node process has no timers or sockets left and exits by itself.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LoopbackCollector } from '../../support/collector.js';

const CHILD = fileURLToPath(new URL('../../support/exit-child.ts', import.meta.url));

describe('delivery: process exit after shutdown', function () {
  this.timeout(20_000);

  it('exits on its own with code 0 after shutdown, with requests hanging and retries pending', async () => {
    // Every other request hangs (an open socket), the rest are 503 (a pending retry timer).
    const collector = await LoopbackCollector.start((request) => (request.index % 2 === 0 ? { hang: true } : { status: 503 }));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, collector.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let reportedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      reportedAt = Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let killed = false;
    const watchdog = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, 8_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    const exitedAfterMs = Date.now() - reportedAt;
    clearTimeout(watchdog);
    const requests = collector.requests.length;
    await collector.close();
    expect(killed, `the child had to be killed; stderr: ${stderr}`).to.be.false;
    expect(code, stderr).to.equal(0);
    expect(exitedAfterMs, 'time from the shutdown report to exit').to.be.below(2_000);
    const report = JSON.parse(stdout.trim()) as Record<string, number>;
    // 6 events at 2 emitters: none accepted, all abandoned at the deadline.
    expect(report).to.deep.equal({ sent: 0, failed: 0, dropped: 0, abandoned: 12 });
    expect(requests).to.be.above(0);
  });
});

// The README's first command: `npm start` (src/cli/demo.ts) runs to the end, shows one retry (a 503 answered once, on
// purpose) and says that its two bad events are deliberate.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('docs: `npm start` (the demo)', function () {
  this.timeout(60_000);

  it('is what package.json runs', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['start']).to.equal('tsx src/cli/demo.ts');
  });

  it('delivers everything, shows a retry, and explains the two bad events', () => {
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/demo.ts'], { cwd: root, env, encoding: 'utf8', timeout: 50_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output).to.equal(0);
    expect(r.stdout).to.match(/front +│ POST \S+ → 503 Service Unavailable \(once, on purpose\)/);
    expect(r.stdout).to.match(/↻ POST tp2 retrying \d+ event\(s\) in \d+ ms: collector answered 503/);
    expect(r.stdout).to.match(/✔ POST tp2 sent +\d+ event\(s\) .* attempt 2/);
    const sent = /sent (\d+), failed 0, dropped 0, abandoned 0/.exec(r.stdout);
    const received = /collector: (\d+) events received, (\d+) good, 2 bad/.exec(r.stdout);
    expect(sent, 'the tracker report').to.not.equal(null);
    expect(received, 'the collector summary').to.not.equal(null);
    expect(Number(received![1])).to.equal(Number(sent![1]));
    expect(Number(received![2])).to.equal(Number(sent![1]) - 2);
    expect(r.stdout).to.include('As intended: the 2 bad events are the one checkout step with step 99');
    expect(r.stderr).to.equal('');
  });
});

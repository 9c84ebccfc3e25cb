// Issue 20: production bundles carry diagnostic codes without their texts, with no configuration. The built package
// (dist/esm, as a user's bundler sees it) is bundled as each build tool does it in production, and in development.
import { expect } from 'chai';
import { build as esbuild, type BuildOptions } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as vite, type Rollup } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = join(root, '.build/diagnostics-bundles');
const entry = join(dir, 'entry.mjs');
// Reports an invalid option and an invalid event: both go through the diagnostics.
const SOURCE = `import { Emitter, createTracker, pageView } from 'rxplow';
try { new Emitter('https://c.example.com', { bufferSize: 0 }); } catch (e) { console.log(e.option, e.message); }
const t = createTracker(new Emitter('https://c.example.com'), { invalidEvents: 'throw' });
try { t.track(pageView({ pageUrl: 5 })); } catch (e) { console.log(e.field, e.message); }
`;
/** Texts of the table (docs/errors.md) that the probe's code paths reach, and one it does not. */
const TEXTS = ['expected an integer', 'circular reference', 'not an Iglu URI', 'a header value must be Latin-1'];

async function bundle(options: BuildOptions): Promise<string> {
  const result = await esbuild({ entryPoints: [entry], bundle: true, format: 'esm', write: false, logLevel: 'silent', ...options });
  return (result.outputFiles ?? []).map((file) => file.text).join('\n');
}

const textsIn = (code: string): string[] => TEXTS.filter((text) => code.includes(text));

describe('diagnostics in bundles (issue 20)', function () {
  this.timeout(60_000);

  before(() => {
    if (!existsSync(join(root, 'dist/esm/index.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before this spec');
    mkdirSync(dir, { recursive: true });
    writeFileSync(entry, SOURCE);
  });

  it('esbuild, minifying for the browser: codes only (esbuild defines process.env.NODE_ENV as "production")', async () => {
    const code = await bundle({ minify: true, platform: 'browser' });
    expect(textsIn(code)).to.deep.equal([]);
    expect(code).to.contain('RXP0');
  });

  it("Angular's builder (ngDevMode false; also without identifier mangling, where esbuild says development): codes only", async () => {
    const code = await bundle({ minifySyntax: true, minifyWhitespace: true, platform: 'browser', define: { ngDevMode: 'false' } });
    expect(textsIn(code)).to.deep.equal([]);
  });

  it('Vite, vite build: codes only', async () => {
    // vite build sets process.env.NODE_ENV in this process when it is unset: put it back for the specs after this one
    const nodeEnv = process.env['NODE_ENV'];
    const out = (await vite({
      root: dir,
      configFile: false,
      logLevel: 'silent',
      resolve: { alias: { rxplow: join(root, 'dist/esm/index.js') } },
      build: { write: false, rollupOptions: { input: entry } },
    }).finally(() => {
      if (nodeEnv === undefined) delete process.env['NODE_ENV'];
      else process.env['NODE_ENV'] = nodeEnv;
    })) as Rollup.RollupOutput;
    const code = out.output.map((o) => (o.type === 'chunk' ? o.code : '')).join('\n');
    expect(textsIn(code)).to.deep.equal([]);
    expect(code).to.contain('RXP0');
  });

  it('development builds (esbuild without minification, as dev servers bundle) keep the texts', async () => {
    const code = await bundle({ platform: 'browser' });
    expect(textsIn(code)).to.deep.equal(TEXTS);
  });
});

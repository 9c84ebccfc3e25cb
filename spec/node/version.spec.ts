// The tracker version sent as tv must be package.json's version (Node only: it reads the file).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { VERSION, TRACKER_VERSION } from '../../src/version.js';

describe('VERSION', () => {
  it('equals the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).to.equal(pkg.version);
    expect(TRACKER_VERSION).to.equal(`rxplow-${pkg.version}`);
  });
});

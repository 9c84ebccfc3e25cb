// Rig smoke spec (throwaway): Node only (spec/node/** is not bundled for the browser).
import { expect } from 'chai';

describe('rig smoke (node only)', () => {
  it('runs in Node', () => {
    expect(typeof process.versions.node).to.equal('string');
    expect(typeof window).to.equal('undefined');
  });
});

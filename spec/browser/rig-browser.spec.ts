// Rig smoke spec (throwaway): browser only (mocha in Node ignores spec/browser/**).
import { expect } from 'chai';

describe('rig smoke (browser only)', () => {
  it('runs in a browser', () => {
    expect(typeof document !== 'undefined').to.equal(true);
    expect(window.location.origin).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

// Rig smoke spec (throwaway): runs in BOTH Node and the browser.
import { expect } from 'chai';
import ky from 'ky';
import { firstValueFrom, from, map, toArray } from 'rxjs';
import { v4 as uuidv4, validate as uuidValidate } from 'uuid';

describe('rig smoke (node + browser)', () => {
  it('runs rxjs pipelines', async () => {
    const out = await firstValueFrom(from([1, 2, 3]).pipe(map((x) => x * 2), toArray()));
    expect(out).to.deep.equal([2, 4, 6]);
  });

  it('generates v4 uuids', () => {
    const id = uuidv4();
    expect(uuidValidate(id)).to.equal(true);
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('loads ky', () => {
    expect(typeof ky).to.equal('function');
  });

  it('knows which environment it is in', () => {
    const env = typeof window !== 'undefined' ? 'browser' : 'node';
    expect(['browser', 'node']).to.include(env);
  });
});

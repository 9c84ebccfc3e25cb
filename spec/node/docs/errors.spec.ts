// Issue 20: docs/errors.md lists every diagnostic code, with an anchor the development messages point to.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DIAGNOSTIC_TEXTS } from '../../../src/diagnostic-texts.js';

describe('docs/errors.md', () => {
  it('documents every code in docs/errors.md, with its development text', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(RXP\d{4})` \|/gm)].map((m) => m[1]);
    const codes = Object.keys(DIAGNOSTIC_TEXTS).map((code) => `RXP0${code}`);
    expect(documented).to.deep.equal(codes);
    for (const code of codes) expect(doc, code).to.contain(`<a id="${code.toLowerCase()}"></a>`);
    // A text without details is quoted as it is (Markdown escapes aside).
    for (const [code, text] of Object.entries(DIAGNOSTIC_TEXTS) as [string, (...details: unknown[]) => string][])
      if (text.length === 0) expect(doc, `RXP0${code}`).to.contain(`<a id="rxp0${code}"></a>${text().replace(/\|/g, '\\|')} |`);
  });
});

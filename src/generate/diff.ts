// What changed between a generated module on disk and a fresh one (for `rxplow generate --check`), by schema
// version: the module has one section per version, headed `// iglu:…`. Pure.

const SECTION = /^\/\/ (iglu:\S+)$/m;

/** The module's sections: `''` for what precedes the first schema, then one per Iglu URI. */
function sections(text: string): Map<string, string> {
  const parts = text.split(/^(?=\/\/ iglu:\S+$)/m);
  return new Map(parts.map((part) => [SECTION.exec(part)?.[1] ?? '', part]));
}

/** Lines only in `a`, as a multiset (order kept). */
function onlyIn(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of b) counts.set(line, (counts.get(line) ?? 0) + 1);
  return a.filter((line) => {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    return n === 0;
  });
}

const exportsOf = (text: string): string[] => [...text.matchAll(/^export (?:const|type|interface) (\w+)/gm)].map((m) => m[1]!);

/**
 * Readable lines saying how `before` (the file on disk) differs from `after` (generated now): schema versions added
 * (with their exports) and removed, then for each changed one its lines removed (`-`) and added (`+`), at most
 * `maxLines` per version. Empty when the texts are equal.
 */
export function describeChanges(before: string, after: string, maxLines = 12): string[] {
  if (before === after) return [];
  const [was, now] = [sections(before), sections(after)];
  const out: string[] = [];
  for (const [uri, text] of now) if (!was.has(uri)) out.push(`new: ${uri || '(header)'} (${exportsOf(text).join(', ')})`);
  for (const uri of was.keys()) if (!now.has(uri)) out.push(`gone: ${uri || '(header)'}`);
  for (const [uri, text] of now) {
    const old = was.get(uri);
    if (old === undefined || old === text) continue;
    const [a, b] = [old.split('\n'), text.split('\n')];
    const lines = [...onlyIn(a, b).map((line) => `-${line}`), ...onlyIn(b, a).map((line) => `+${line}`)];
    out.push(`changed: ${uri || '(header)'}`, ...lines.slice(0, maxLines).map((line) => `  ${line}`));
    if (lines.length > maxLines) out.push(`  (${lines.length - maxLines} more lines)`);
  }
  return out;
}

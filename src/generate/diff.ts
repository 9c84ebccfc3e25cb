// What changed between a generated module on disk and a fresh one (for `rxplow generate --check`). Pure.

const exportsOf = (text: string): Set<string> => new Set([...text.matchAll(/^export (?:const|type|interface) (\S+)/gm)].map((m) => m[1]!));

/** Lines only in one of the texts, as a multiset (order kept). */
function onlyIn(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of b) counts.set(line, (counts.get(line) ?? 0) + 1);
  return a.filter((line) => {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    return n === 0;
  });
}

/**
 * Readable lines saying how `before` (the file on disk) differs from `after` (generated now): exports added and
 * removed, then up to `maxLines` lines removed (`-`) and added (`+`). Empty when the texts are equal.
 */
export function describeChanges(before: string, after: string, maxLines = 20): string[] {
  if (before === after) return [];
  const [was, now] = [exportsOf(before), exportsOf(after)];
  const added = [...now].filter((name) => !was.has(name));
  const removed = [...was].filter((name) => !now.has(name));
  const out: string[] = [];
  if (added.length) out.push(`new exports: ${added.join(', ')}`);
  if (removed.length) out.push(`exports gone: ${removed.join(', ')}`);
  const [a, b] = [before.split('\n'), after.split('\n')];
  const lines = [...onlyIn(a, b).map((line) => `- ${line}`), ...onlyIn(b, a).map((line) => `+ ${line}`)];
  out.push(`${lines.length} line(s) differ${lines.length > maxLines ? ` (first ${maxLines})` : ''}:`, ...lines.slice(0, maxLines));
  return out;
}

// Docs that compile: every ```ts (or ```typescript) block in README.md and docs/*.md is typechecked under `strict`,
// each block as its own ES module, against the sources: `rxplow`, `rxplow/testing`, ... map to src/ through the
// package.json "exports" map (each entry's types path dist/esm/X.d.ts -> src/X.ts), so a new entry works unchanged.
//
// A block may use, without defining them, only the names in ./prelude.ts (the tracker of an earlier example, the
// reader's own logger and streams, Jest-style `expect`); everything else it must import or declare itself. Mocha's
// globals (`describe`, `it`, ...) and Node's and the DOM's types are available. A block fenced ```ts nocompile is
// skipped (and counted in the title below); prefer a block that compiles. A block may import `./tracking.js`: the module
// `rxplow generate` writes for the demo schemas (schemas/demo), as docs/typed-events.md generates it.
//
// Each block is one test named `<file>:<line>` (the line of its opening fence); a failure lists every error as
// `<file>:<line>:<column> TS<code>: <message>` with the offending line.
//
// Also: every relative link in those files (outside code) points at a file or folder that exists.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { generate } from '../../../src/generate/index.js';
import { PRELUDE } from './prelude.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const virtualDir = join(root, '.build/docs-snippets');
const preludePath = join(virtualDir, '__prelude.d.ts');

interface Block {
  /** e.g. `docs/delivery.md:143`: the file and the line of the opening fence. */
  readonly where: string;
  readonly file: string;
  /** 1-based line in the Markdown file of the block's first code line. */
  readonly firstLine: number;
  readonly code: string;
  readonly skip: boolean;
  readonly virtualPath: string;
}

const TS_LANGS = new Set(['ts', 'typescript']);

/** The ```ts blocks of one Markdown file. */
function extractBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end]!)) end++;
    const lang = open[2]!.toLowerCase();
    if (TS_LANGS.has(lang)) {
      const where = `${file}:${i + 1}`;
      blocks.push({
        where,
        file,
        firstLine: i + 2,
        code: lines.slice(i + 1, end).join('\n'),
        skip: /\bnocompile\b/.test(open[3]!),
        virtualPath: join(virtualDir, `${file.replace(/[/\\]/g, '__')}__L${i + 1}.ts`),
      });
    }
    i = end;
  }
  return blocks;
}

/** `rxplow` -> src/index.ts, `rxplow/testing` -> src/testing/index.ts, ... from package.json "exports". */
function pathsFromExports(): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: Record<string, unknown> };
  const paths: Record<string, string[]> = {};
  for (const [key, target] of Object.entries(pkg.exports)) {
    const types = findTypes(target);
    if (types === undefined) continue; // e.g. "./package.json"
    const source = types.replace(/^\.\/dist\/(esm|cjs)\//, 'src/').replace(/\.d\.(m|c)?ts$/, '.ts');
    const specifier = key === '.' ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, '')}`;
    paths[specifier] = [join(root, source)];
  }
  return paths;
}

function findTypes(target: unknown): string | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const conditions = target as Record<string, unknown>;
  if (typeof conditions['types'] === 'string') return conditions['types'];
  for (const condition of ['import', 'default', 'require']) {
    const found = findTypes(conditions[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}

const markdownFiles = (): string[] => [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** `[text](target)` links outside fenced code whose target is a relative path, with their line. */
function relativeLinks(text: string): { readonly line: number; readonly target: string }[] {
  const found: { line: number; target: string }[] = [];
  let fence: RegExp | undefined;
  text.split(/\r?\n/).forEach((line, i) => {
    if (fence) {
      if (fence.test(line)) fence = undefined;
      return;
    }
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (open) {
      fence = new RegExp(`^ {0,3}${open[1]![0] === '`' ? '`' : '~'}{${open[1]!.length},}\\s*$`);
      return;
    }
    for (const match of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      found.push({ line: i + 1, target });
    }
  });
  return found;
}

const blocks = markdownFiles().flatMap((file) => extractBlocks(file, readFileSync(join(root, file), 'utf8')));
const compiled = blocks.filter((b) => !b.skip);

describe(`docs: every ts block in README.md and docs/*.md compiles under strict (${compiled.length} blocks, ${blocks.length - compiled.length} marked nocompile)`, function () {
  this.timeout(60_000);
  const paths = pathsFromExports();
  const options: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node', 'mocha'],
    typeRoots: [join(root, 'node_modules/@types')],
    skipLibCheck: true,
    noEmit: true,
    paths,
  };
  let program: ts.Program;

  before(() => {
    const virtual = new Map<string, string>([
      [preludePath, PRELUDE],
      [join(virtualDir, 'tracking.ts'), generate({ schemas: [join(root, 'schemas/demo')] })],
      ...compiled.map((b): [string, string] => [b.virtualPath, `${b.code}\nexport {};\n`]),
    ]);
    const host = ts.createCompilerHost(options, true);
    const { fileExists, readFile, getSourceFile, directoryExists } = host;
    host.fileExists = (path) => virtual.has(path) || fileExists.call(host, path);
    host.directoryExists = (path) => path === virtualDir || (directoryExists?.call(host, path) ?? true); // for ./tracking.js
    host.readFile = (path) => virtual.get(path) ?? readFile.call(host, path);
    host.getSourceFile = (path, languageVersion, onError, shouldCreate) => {
      const text = virtual.get(path);
      return text !== undefined
        ? ts.createSourceFile(path, text, languageVersion, true)
        : getSourceFile.call(host, path, languageVersion, onError, shouldCreate);
    };
    program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  });

  it('finds the blocks, and the package.json exports map to existing sources', () => {
    expect(compiled.length).to.be.greaterThan(10);
    expect(paths).to.have.property('rxplow');
    expect(paths).to.have.property('rxplow/testing');
    for (const [specifier, [source]] of Object.entries(paths)) expect(existsSync(source!), `${specifier} -> ${source}`).to.equal(true);
  });

  it('the compiler setup and the prelude have no errors, and `rxplow` resolves to src/', () => {
    const setup = format([
      ...program.getOptionsDiagnostics(),
      ...program.getGlobalDiagnostics(),
      ...program.getSemanticDiagnostics(program.getSourceFile(preludePath)),
    ]);
    if (setup !== '') throw new Error(`the compiler setup or spec/node/docs/prelude.ts has errors:\n${setup}`);
    const resolved = ts.resolveModuleName('rxplow', compiled[0]!.virtualPath, options, ts.sys).resolvedModule?.resolvedFileName;
    expect(resolved).to.equal(join(root, 'src/index.ts'));
  });

  it('every relative link points at something that exists', () => {
    const dangling = markdownFiles().flatMap((file) =>
      relativeLinks(readFileSync(join(root, file), 'utf8'))
        .filter(({ target }) => !existsSync(join(root, dirname(file), decodeURIComponent(target.split('#')[0]!))))
        .map(({ line, target }) => `  ${file}:${line}: ${target}`),
    );
    if (dangling.length > 0) throw new Error(`dangling links:\n${dangling.join('\n')}`);
  });

  for (const block of blocks) {
    (block.skip ? it.skip : it)(block.where, () => {
      const source = program.getSourceFile(block.virtualPath)!;
      const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      if (diagnostics.length > 0) throw new Error(`${block.where} does not compile:\n${format(diagnostics, block)}`);
    });
  }

  /** Diagnostics as `<file>:<line>:<column> TS<code>: <message>`, in Markdown coordinates for a block's own file. */
  function format(diagnostics: readonly ts.Diagnostic[], block?: Block): string {
    return diagnostics
      .map((d) => {
        const message = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
        if (!d.file || d.start === undefined) return `TS${d.code}: ${message}`;
        const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
        const text = d.file.text.split('\n')[line] ?? '';
        const where =
          block && d.file.fileName === block.virtualPath
            ? `${block.file}:${block.firstLine + line}`
            : `${relative(root, d.file.fileName)}:${line + 1}`;
        return `  ${where}:${character + 1} TS${d.code}: ${message}\n      ${text.trim()}`;
      })
      .join('\n');
  }
});

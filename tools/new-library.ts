/**
 * Scaffolds a new library: an invalid and a valid fixture under fixtures/<category>/, and a
 * catalogue row skeleton, printed for pasting at the end of the category's block of CATALOGUE
 * in core/knowledge/catalogue.ts. Nothing is overwritten.
 *
 *   npm run new:library -- <package> <category> [--export <name>] [--root <dir>]
 *
 * `--export`: the export that creates the store (default: the module's default export);
 * `--root`: another checkout (the test writes into a temporary copy).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CATALOGUE } from '../core/knowledge/index.js';
import { CATEGORIES, type Category } from '../core/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const USAGE = 'usage: npm run new:library -- <package> <category> [--export <name>]';

export interface Scaffold {
  /** Files to write, relative to the root. */
  files: { path: string; text: string }[];
  /** The catalogue row, as TypeScript to paste. */
  row: string;
}

/** Categories whose knowledge is library rows (the others are found from the code itself). */
export function libraryCategories(): Category[] {
  const used = new Set(CATALOGUE.map((entry) => entry.category));
  return CATEGORIES.filter((category) => used.has(category));
}

/** `@acme/cache` → `acme-cache`: a fixture's file name. */
function slug(name: string): string {
  return name
    .replace(/^@/, '')
    .replace(/[^a-zA-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/** `@acme/cache` → `AcmeCache`: the local name of the imported constructor or factory. */
function localName(name: string, exported: string | undefined): string {
  const words = (exported ?? name.replace(/^@[^/]+\//, '')).split(/[^a-zA-Z0-9]+/).filter(Boolean);
  const pascal = words.map((w) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`).join('');
  return /^[A-Za-z_$]/.test(pascal) ? pascal : `Lib${pascal}`;
}

/** The fixtures and the row for a package, or a problem with the request. */
export function scaffold(pkg: string, category: string, exported?: string): Scaffold | { problem: string } {
  if (!/^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(pkg))
    return { problem: `not a package name: ${JSON.stringify(pkg)}` };
  if (!(CATEGORIES as readonly string[]).includes(category))
    return { problem: `unknown category "${category}" (known: ${CATEGORIES.join(', ')})` };
  const libraries = libraryCategories();
  if (!libraries.includes(category as Category)) {
    return {
      problem: `${category} has no library rows: it is found from the code itself; add a detector case instead (known: ${libraries.join(', ')})`,
    };
  }
  const known = CATALOGUE.find((entry) => entry.modules.includes(pkg));
  if (known) return { problem: `${pkg} is already in the catalogue, as "${known.label}" (${known.category})` };
  if (exported !== undefined && !/^[A-Za-z_$][\w$]*$/.test(exported))
    return { problem: `not an export name: ${JSON.stringify(exported)}` };

  const name = slug(pkg);
  const Local = localName(pkg, exported);
  const importLine =
    exported === undefined
      ? `import ${Local} from '${pkg}';`
      : `import { ${exported === Local ? Local : `${exported} as ${Local}`} } from '${pkg}';`;
  const invalid = `// TODO: say what this case is and why it breaks on several instances: ${pkg} keeps its
// state in the memory of one process.
import express from 'express';
${importLine}

const store = new ${Local}(); // expect: ${category}

const app = express();

app.get('/items/:id', async (req, res) => {
  // TODO: use the store the way an app does at request time.
  res.json(await store.get(req.params.id));
});

export default app;
`;
  const valid = `// TODO: say why this is the fixed version: ${pkg} given a store that every instance shares.
import express from 'express';
${importLine}
import { sharedStore } from './shared-store.mjs';

const store = new ${Local}({ store: sharedStore });

const app = express();

app.get('/items/:id', async (req, res) => {
  res.json(await store.get(req.params.id));
});

export default app;
`;
  const row = `  {
    label: '${pkg}', category: '${category}', modules: ['${pkg}'], exports: ['${exported ?? ''}'], form: 'call-or-new',
    // TODO: the option that makes it shared (a kind of OptionCheck in core/knowledge/types.ts);
    // remove \`options\` if none does (then add \`localStore: true\`).
    options: { kind: 'store-key', arg: 0, keys: ['store'] },
    // TODO: completes "\`new ${Local}(…)\` (${pkg}) …", e.g. 'is a cache in process memory'.
    what: 'TODO',
    // TODO: where the state should live instead, and the packages that do it.
    suggestion: { summary: 'TODO', packages: [] },
  },`;
  return {
    files: [
      { path: `fixtures/${category}/invalid/${name}.mjs`, text: invalid },
      { path: `fixtures/${category}/valid/${name}-shared-store.mjs`, text: valid },
    ],
    row,
  };
}

/** Where main() writes: the process's streams, or a test's. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const PROCESS: Output = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };

/** Runs the command; returns its exit code (2: nothing written). */
export function main(args: readonly string[], out: Output = PROCESS): number {
  const options = { root: ROOT, exported: undefined as string | undefined };
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if ((arg === '--root' || arg === '--export') && args[i + 1] !== undefined) {
      if (arg === '--root') options.root = resolve(args[++i]!);
      else options.exported = args[++i];
    } else if (arg.startsWith('-')) {
      out.stderr(`new:library: unknown option ${arg}\n${USAGE}\n`);
      return 2;
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length !== 2) {
    out.stderr(`new:library: expected a package and a category\n${USAGE}\n`);
    return 2;
  }
  const [pkg, category] = positionals as [string, string];
  const result = scaffold(pkg, category, options.exported);
  if ('problem' in result) {
    out.stderr(`new:library: ${result.problem}\n${USAGE}\n`);
    return 2;
  }
  const taken = result.files.filter((f) => existsSync(join(options.root, f.path)));
  if (taken.length > 0) {
    out.stderr(`new:library: already there, nothing written: ${taken.map((f) => f.path).join(', ')}\n`);
    return 2;
  }
  for (const file of result.files) {
    const target = join(options.root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text, { flag: 'wx' });
  }
  const written = result.files
    .map((f) => `  ${relative(options.root, join(options.root, f.path)).split(sep).join('/')}`)
    .join('\n');
  out.stdout(`Wrote the fixtures:
${written}

Add this row at the end of the ${category} block of CATALOGUE in core/knowledge/catalogue.ts and fill in the
TODOs there and in the fixtures; \`npx vitest run test/core/fixtures.test.ts\` passes once the row
finds the invalid case and leaves the valid one alone:

${result.row}
`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}

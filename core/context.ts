import type { CodeUnit } from './ast.js';
import { Binder, indexNodes } from './binder.js';
import { formatPath, ImportResolver } from './imports.js';
import { entriesFor } from './library.js';
import { Reachability, SYMBOLS } from './reach.js';
import { FileSketch } from './sketch.js';
import { timerName } from './timers.js';
import type { AnalyzeOptions, Condition, TS, TypeScript } from './types.js';

/**
 * Two lists in source order as one, as the walk gives it: by start, an enclosing node before
 * the nodes inside it.
 */
function mergeInSourceOrder(a: readonly TS.Node[], b: readonly TS.Node[]): TS.Node[] {
  if (a.length === 0 || b.length === 0) return a.length === 0 ? [...b] : [...a];
  const out: TS.Node[] = new Array<TS.Node>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    out[k++] = x.pos < y.pos || (x.pos === y.pos && x.end >= y.end) ? (i++, x) : (j++, y);
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Whether code runs in the contexts asked about (`FileContext.when`). */
export interface When {
  holds: boolean;
  /** Cross-file analysis: it does only if the callers of these exports, in other files, do. */
  condition?: Condition;
}

/** How a file is analysed. */
export interface FileContextOptions {
  /** Packages the configuration declares as process-local state (`packages`). */
  packages?: AnalyzeOptions['packages'];
  /** Cross-file analysis: exported functions' contexts stay symbolic (see `when`). */
  crossFile?: boolean;
  /** A type checker (`--typed`): containers and stores are also recognised by type. */
  checker?: TS.TypeChecker;
  /** What the prefilter found out about the file (built from the file when not given). */
  sketch?: FileSketch;
}

const HOLDS: When = Object.freeze({ holds: true });
const NEVER: When = Object.freeze({ holds: false });

/**
 * The facts about one file that every detector reads: its nodes by kind, the prefilter's sketch
 * and, each built on first use, the scope analysis, the import resolver and the reachability
 * analysis; with `--typed`, the type checker. It answers questions and is never written to:
 * what the catalogue makes of the file is in library.ts, and work detectors share is declared
 * with `perFile`.
 */
export class FileContext {
  /** Every node, in source order. */
  readonly nodes: readonly TS.Node[];
  /** See FileContextOptions. */
  readonly packages: NonNullable<AnalyzeOptions['packages']>;
  readonly crossFile: boolean;
  readonly checker: TS.TypeChecker | undefined;
  readonly sketch: FileSketch;

  constructor(
    readonly ts: TypeScript,
    readonly sourceFile: TS.SourceFile,
    options: FileContextOptions = {},
  ) {
    this.packages = options.packages ?? {};
    this.crossFile = options.crossFile === true;
    this.checker = options.checker;
    this.sketch = options.sketch ?? new FileSketch(ts, sourceFile, this.packages);
    const index = indexNodes(ts, sourceFile);
    this.nodes = index.nodes;
    this.byKind = index.byKind;
  }

  private binderBuilt: Binder | undefined;
  private importsBuilt: ImportResolver | undefined;
  private reachBuilt: Reachability | undefined;

  /** The scope analysis: every binding and its references. */
  get binder(): Binder {
    return (this.binderBuilt ??= new Binder(this.ts, this.sourceFile, this.nodes));
  }

  /** What expressions stand for in terms of imported packages. */
  get imports(): ImportResolver {
    return (this.importsBuilt ??= new ImportResolver(this.ts, this.binder));
  }

  /** When each function can run: at load time, per request, on a timer, by unknown callers. */
  get reach(): Reachability {
    const ts = this.ts;
    return (this.reachBuilt ??= new Reachability(ts, this.sourceFile, this.binder, {
      isScheduler: (call) => entriesFor(this, call).some((e) => e.category === 'in-process-scheduler'),
      ofKinds: (...kinds) => this.ofKinds(...kinds),
      exportSymbols: this.crossFile,
      packageMember: (expr) => this.imports.resolve(expr),
      timer: (call) => timerName(ts, this.binder, this.imports, call.expression),
      decoratorName: (decorator) => {
        const target = ts.isCallExpression(decorator.expression)
          ? decorator.expression.expression
          : decorator.expression;
        const ref = this.imports.resolve(target);
        return ref && `${ref.module}#${formatPath(ref.path)}`;
      },
    }));
  }

  private readonly computed = new Map<(ctx: FileContext) => unknown, unknown>();

  /**
   * The value `compute` gives for this file, computed on first use (`perFile` declares such
   * values). Kept here, not in a WeakMap: a value goes with its context, without waiting for the
   * garbage collector to clear weak entries, which held whole syntax trees.
   */
  once<T>(compute: (ctx: FileContext) => T): T {
    if (this.computed.has(compute)) return this.computed.get(compute) as T;
    const value = compute(this);
    this.computed.set(compute, value);
    return value;
  }

  /** Whether the reachability analysis, if it was asked anything, settled within its bound. */
  get settled(): boolean {
    return this.reachBuilt?.settled ?? true;
  }

  /**
   * Whether code at `node` can run in one of the `need` contexts (reach.ts bits). With
   * cross-file analysis, code that runs there only if callers of an export in other files do
   * holds too, on that condition (for the finding to carry).
   */
  when(node: TS.Node, need: number): When {
    const mask = this.reach.maskAt(node);
    if (mask & need) return HOLDS;
    if (!(mask & SYMBOLS)) return NEVER;
    return { holds: true, condition: { exports: this.reach.symbolsOf(mask), need } };
  }

  private readonly byKind: readonly (TS.Node[] | undefined)[];

  /** The file's nodes of these kinds, in source order. */
  ofKinds(...kinds: TS.SyntaxKind[]): readonly TS.Node[] {
    if (kinds.length === 1) return this.byKind[kinds[0]!] ?? [];
    const key = kinds.join(',');
    let merged = this.mergedKinds.get(key);
    if (!merged) {
      merged = [];
      for (const kind of kinds) merged = mergeInSourceOrder(merged, this.byKind[kind] ?? []);
      this.mergedKinds.set(key, merged);
    }
    return merged;
  }

  private readonly mergedKinds = new Map<string, TS.Node[]>();

  /** Calls, in source order. */
  get calls(): readonly TS.CallExpression[] {
    return this.ofKinds(this.ts.SyntaxKind.CallExpression) as readonly TS.CallExpression[];
  }

  /** Class declarations and expressions, in source order. */
  get classes(): readonly TS.ClassLikeDeclaration[] {
    return this.ofKinds(
      this.ts.SyntaxKind.ClassDeclaration,
      this.ts.SyntaxKind.ClassExpression,
    ) as readonly TS.ClassLikeDeclaration[];
  }

  /** The function, class property or file whose code `node` runs as part of. */
  unitOf(node: TS.Node): CodeUnit {
    return this.reach.unitOf(node);
  }

  /**
   * With a type checker: the container kind of a value's type (`Map`, `Set`, an array), even
   * behind an alias or a factory's return type.
   */
  typedContainer(node: TS.Node): 'map' | 'set' | 'array' | undefined {
    const checker = this.checker;
    if (!checker) return undefined;
    const type = checker.getTypeAtLocation(node);
    if (checker.isArrayType(type) || checker.isTupleType(type)) return 'array';
    const symbol = type.getSymbol();
    if (!symbol || !isLibraryDeclaration(symbol)) return undefined;
    const name = symbol.getName();
    return name === 'Map' ? 'map' : name === 'Set' ? 'set' : undefined;
  }
}

/** Declared in TypeScript's own lib files (`Map` of lib.es2015.collection.d.ts), not a look-alike. */
function isLibraryDeclaration(symbol: TS.Symbol): boolean {
  return (symbol.declarations ?? []).some((d) => /(^|[\\/])lib\.[\w.]*\.d\.ts$/.test(d.getSourceFile().fileName));
}

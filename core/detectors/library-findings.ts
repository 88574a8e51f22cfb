import { skipOuter } from '../ast.js';
import type { CatalogueEntry } from '../knowledge/index.js';
import type { FileContext, When } from '../context.js';
import { creationContextOf, type LibraryCreation, libraryCreation, typedStore, unsafeCreations } from '../library.js';
import { code } from '../messages.js';
import { perFile } from '../per-file.js';
import { ANY_CONTEXT, REQUEST_TIME, SHARED_CONTEXT } from '../reach.js';
import type { Category, Condition, TS } from '../types.js';
import type { Finder } from './detector.js';
import { makeFinding, snippet } from './finding.js';

// Findings for the state libraries create (library.ts judges the creations), where it counts.

/** A library creation to report, with the condition under which it runs where it counts. */
interface ReportedCreation extends LibraryCreation {
  condition?: Condition;
}

/** The unsafe library creations (library.ts) made where they count, once per file. */
const reportedCreations = perFile((ctx): ReportedCreation[] => {
  const found: ReportedCreation[] = [];
  for (const creation of unsafeCreations(ctx)) {
    const when = creationContext(ctx, creation);
    if (!when.holds) continue;
    found.push(when.condition ? { ...creation, condition: when.condition } : creation);
  }
  return found;
});

/**
 * A store created per request is transient; one created at load time, in a start-up function, in
 * a singleton's constructor or by unknown callers is shared. Jobs and files count wherever they
 * are created; a job added to a registry counts at request time (the row's `context`).
 */
function creationContext(ctx: FileContext, creation: LibraryCreation): When {
  const ts = ctx.ts;
  const context = creationContextOf(creation.entry);
  if (context === 'anywhere') return ctx.when(creation.node, ANY_CONTEXT);
  if (context === 'request') return ctx.when(creation.node, REQUEST_TIME);
  const when = ctx.when(creation.node, SHARED_CONTEXT);
  if (!when.holds) return when;
  const unit = ctx.unitOf(creation.node);
  if ((ts.isPropertyDeclaration(unit) || ts.isConstructorDeclaration(unit)) && ts.isClassLike(unit.parent)) {
    const facts = ctx.reach.classFacts(unit.parent);
    if (facts.requestScoped) return { holds: false };
  }
  return when;
}

/**
 * The catalogue's `call`/`new`/`register`/`decorator` rows of a category, and with `--typed`, the
 * values whose type is one of its stores.
 */
export function libraryFinders(category: Category): Finder[] {
  return [
    {
      mayMatch: (file) => file.namesPackages,
      find: (ctx) =>
        reportedCreations(ctx)
          .filter((c) => c.entry.category === category)
          .map((c) =>
            makeFinding(ctx, {
              category,
              node: c.node,
              what: `${snippet(ctx, c.node)} (${c.entry.label}) ${c.entry.what}`,
              breaks: c.entry.breaks,
              suggestion: c.entry.suggestion,
              subject: c.entry.label,
              condition: c.condition,
              evidence: 'library',
              movesToCallers: creationContextOf(c.entry) === 'request' ? false : undefined,
            }),
          ),
    },
    {
      // Module variables and fields of singletons, where hand-rolled state lives too.
      mayMatch: (file) => file.declaresState,
      find: (ctx) =>
        typedStores(ctx)
          .filter((t) => t.entry.category === category)
          .map((t) =>
            makeFinding(ctx, {
              category,
              node: t.name,
              what: t.what,
              suggestion: t.entry.suggestion,
              subject: t.entry.label,
            }),
          ),
    },
  ];
}

/**
 * With a type checker (`--typed`): module variables and fields of singletons whose type is a
 * process-local store (`private cache: LRUCache<…>` filled by a factory from another package),
 * where the creating call itself is not visible. A value created by a project function is left to
 * the cross-file analysis of that function.
 */
function typedStores(ctx: FileContext): TypedStore[] {
  return ctx.checker ? typedStoresOf(ctx) : [];
}

interface TypedStore {
  name: TS.Node;
  entry: CatalogueEntry;
  what: string;
}

const typedStoresOf = perFile((ctx): TypedStore[] => {
  const ts = ctx.ts;
  const found: TypedStore[] = [];
  const consider = (name: TS.Node, label: string, values: readonly (TS.Expression | undefined)[]) => {
    if (values.some((v) => v !== undefined && (libraryCreation(ctx, v) || createdByProject(ctx, v)))) return;
    const entry = typedStore(ctx, name);
    const typeName = entry && ctx.checker!.getTypeAtLocation(name).getSymbol()?.getName();
    if (entry && typeName)
      found.push({
        name,
        entry,
        what: `${code(label)} holds a ${code(typeName)} (${entry.label}), which ${entry.what}`,
      });
  };
  for (const binding of ctx.binder.moduleScope().values()) {
    const decl = binding.declaration;
    if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer)
      consider(decl.name, binding.name, [decl.initializer]);
  }
  for (const node of ctx.classes) {
    if (!ctx.reach.classFacts(node).singleton) continue;
    const assigned = ctx.reach.thisMembers(node);
    for (const member of node.members) {
      if (
        !ts.isPropertyDeclaration(member) ||
        !ts.isIdentifier(member.name) ||
        (ts.getModifiers(member) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword)
      )
        continue;
      const writes = (assigned.get(member.name.text) ?? []).flatMap((a) =>
        ts.isBinaryExpression(a.parent) && a.parent.left === a ? [a.parent.right] : [],
      );
      if (!member.initializer && writes.length === 0) continue;
      consider(member.name, `this.${member.name.text}`, [member.initializer, ...writes]);
    }
  }
  return found;
});

/** `createCache()` with `createCache` imported from a project module (relative or aliased). */
function createdByProject(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  let e = skipOuter(ctx.ts, value);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return false;
  const ref = ctx.imports.resolve(e.expression);
  if (ref) return ref.module.startsWith('.') || ref.module.startsWith('@/') || ref.module.startsWith('~/');
  return ts.isIdentifier(e.expression) && ctx.binder.resolve(e.expression) !== undefined;
}

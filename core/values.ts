import { isAssignment, isFunctionNode, skipOuter, walk } from './ast.js';
import type { FileContext } from './context.js';
import { packageName } from './knowledge/index.js';
import { isClientPackage, libraryCreation } from './library.js';
import type { TS } from './types.js';

// Where a stored value comes from: a handle a package made, or data.

/**
 * Packages whose objects are data or process-local plumbing, not handles to something outside:
 * a map of documents, dates, numbers, streams or emitters per key is state.
 */
const DATA_PACKAGES = new Set([
  'events',
  'eventemitter2',
  'eventemitter3',
  'mitt',
  'rxjs',
  'stream',
  'yjs',
  'automerge',
  '@automerge/automerge',
  'immutable',
  'moment',
  'dayjs',
  'luxon',
  'date-fns',
  'decimal.js',
  'bignumber.js',
  'big.js',
  'bn.js',
  'long',
  'buffer',
  'p-queue',
]);

/** Factory names that open or make a handle: `createClient`, `connect`, `spawn`, `fork`. */
const FACTORY = /^(?:create|connect|spawn|fork|open)/;

/** A package, not a file of the project. */
export function isPackage(module: string): boolean {
  return !module.startsWith('.') && !module.startsWith('/');
}

/**
 * A handle made by a package constructor or factory: `new AppStoreClient(…)`, `new https.Agent()`,
 * `sdk.createClient(…)`, `child_process.fork(…)`, or a handle derived from one
 * (`logger.child({ label })`). Not a store the catalogue knows (its own rule judges it), nor an
 * object of a data package (DATA_PACKAGES).
 */
export function isPackageHandle(ctx: FileContext, e: TS.NewExpression | TS.CallExpression, depth = 0): boolean {
  const ts = ctx.ts;
  if (depth > 4 || libraryCreation(ctx, e)) return false;
  const ref = ctx.imports.resolve(e.expression);
  if (ref) {
    if (!isPackage(ref.module) || DATA_PACKAGES.has(packageName(ref.module))) return false;
    if (ts.isNewExpression(e)) return true;
    const last = ref.path[ref.path.length - 1];
    return last !== undefined && FACTORY.test(last);
  }
  // logger.child({ label }), pool.connect(): a method of a handle that makes another.
  const callee = skipOuter(ts, e.expression);
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(callee)) return false;
  if (!/^(?:child|create|connect|fork|duplicate)/.test(callee.name.text)) return false;
  const receiver = skipOuter(ts, callee.expression);
  return ts.isIdentifier(receiver) && holdsHandleOnly(ctx, receiver, depth + 1);
}

/**
 * What a variable is given: its initializer and the values assigned to it, leaving out reads
 * back from a container (`let agent = agents.get(k); if (!agent) agent = new Agent()`) and resets.
 * Undefined when it is not a variable or is given nothing else.
 */
export function assignedValues(ctx: FileContext, id: TS.Identifier): TS.Expression[] | undefined {
  const ts = ctx.ts;
  const binding = ctx.binder.resolve(id);
  if (!binding || !ts.isVariableDeclaration(binding.declaration)) return undefined;
  const values: TS.Expression[] = [];
  if (binding.declaration.initializer) values.push(binding.declaration.initializer);
  for (const ref of binding.references) {
    const parent = ref.parent;
    if (ts.isBinaryExpression(parent) && parent.left === ref && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken)
      values.push(parent.right);
  }
  const given = values.filter((v) => !isContainerRead(ctx, v));
  return given.length > 0 ? given : undefined;
}

/** `m.get(k)`, `o[k]`, and the resets `null` and `undefined`. */
function isContainerRead(ctx: FileContext, value: TS.Expression): boolean {
  const ts = ctx.ts;
  const e = skipOuter(ts, value);
  if (ts.isElementAccessExpression(e) || e.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(e) && e.text === 'undefined') return true;
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'get';
}

/** A variable every write of which (its initializer, its assignments) is a package handle. */
function holdsHandleOnly(ctx: FileContext, id: TS.Identifier, depth: number): boolean {
  const ts = ctx.ts;
  const values = assignedValues(ctx, id);
  return (
    values !== undefined &&
    values.every((v) => {
      let e = skipOuter(ts, v);
      if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
      return (ts.isNewExpression(e) || ts.isCallExpression(e)) && isPackageHandle(ctx, e, depth);
    })
  );
}

/**
 * Where a stored value comes from. `same`: only from the memo's key, configuration, files shipped
 * with the deployment and pure transforms of those, so every instance computes the same value;
 * `varying`: from a database or service, the request, the clock or randomness; `unseen`: from
 * code this file cannot see (a function of another file, a parameter).
 */
export type ValueSource = 'same' | 'varying' | 'unseen';

/** Packages whose functions transform their arguments and nothing else (templates, parsers, hashes, minifiers). */
const PURE_PACKAGES = new Set([
  'path',
  'url',
  'querystring',
  'util',
  'ejs',
  'handlebars',
  'pug',
  'mustache',
  'nunjucks',
  'eta',
  'js-yaml',
  'yaml',
  'json5',
  'toml',
  '@iarna/toml',
  'ini',
  'marked',
  'markdown-it',
  'terser',
  'uglify-js',
  'clean-css',
  'csso',
  'html-minifier',
  'html-minifier-terser',
  'semver',
  'ajv',
  'mime',
  'mime-types',
  'he',
  'escape-html',
  'slugify',
  'config',
]);
/** Node's modules that read files: a file read at run time is one shipped with the deployment. */
const FILE_READS = new Set([
  'fs#readFileSync',
  'fs#readFile',
  'fs#readdirSync',
  'fs#existsSync',
  'fs#statSync',
  'fs.promises#readFile',
  'fs/promises#readFile',
  'fs/promises#readdir',
]);
/** The clock and randomness. */
const VARYING_GLOBALS = new Set(['Date']);
const VARYING_MEMBERS = /^(?:random|randomBytes|randomUUID|randomInt|getRandomValues|now)$/;
const VARYING_PACKAGES = new Set(['uuid', 'nanoid', 'cuid', '@paralleldrive/cuid2', 'ulid', 'crypto-random-string']);
const PURE_GLOBAL_FUNCTIONS = new Set([
  'String',
  'Number',
  'Boolean',
  'parseInt',
  'parseFloat',
  'encodeURIComponent',
  'decodeURIComponent',
  'encodeURI',
  'decodeURI',
  'require',
]);
const PURE_GLOBAL_OWNERS = new Set(['Object', 'JSON', 'Array', 'String', 'Number', 'Buffer', 'Math']);

const REQUEST_PARAMS = new Set(['req', 'request', 'ctx', 'context', 'event']);

const MAX_DEPTH = 12;

function worst(a: ValueSource, b: ValueSource): ValueSource {
  if (a === 'varying' || b === 'varying') return 'varying';
  return a === 'unseen' || b === 'unseen' ? 'unseen' : 'same';
}

/**
 * Where `expr` comes from. `keys` are the memo's key expressions: a value derived from the key
 * (`cache.set(p, compile(readFileSync(p)))`) is the same wherever it is computed.
 */
export function valueSource(ctx: FileContext, expr: TS.Expression, keys: readonly TS.Expression[]): ValueSource {
  const keyNames = new Set<TS.Node>();
  for (const key of keys) {
    const e = skipOuter(ctx.ts, key);
    const decl = ctx.ts.isIdentifier(e) ? ctx.binder.resolve(e)?.declaration : undefined;
    if (decl) keyNames.add(decl);
  }
  return sourceOf(ctx, expr, keyNames, new Set(), 0);
}

function sourceOf(
  ctx: FileContext,
  expr: TS.Expression,
  keys: ReadonlySet<TS.Node>,
  seen: Set<TS.Node>,
  depth: number,
): ValueSource {
  const ts = ctx.ts;
  const e = skipOuter(ts, expr);
  if (depth > MAX_DEPTH || seen.has(e)) return 'unseen';
  seen.add(e);
  const all = (items: readonly TS.Expression[]): ValueSource =>
    items.reduce<ValueSource>((acc, item) => worst(acc, sourceOf(ctx, item, keys, seen, depth + 1)), 'same');
  if (
    ts.isStringLiteral(e) ||
    ts.isNumericLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e) ||
    ts.isRegularExpressionLiteral(e) ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    e.kind === ts.SyntaxKind.NullKeyword ||
    ts.isArrowFunction(e) ||
    ts.isFunctionExpression(e)
  )
    return 'same';
  if (ts.isTemplateExpression(e)) return all(e.templateSpans.map((s) => s.expression));
  if (ts.isPrefixUnaryExpression(e)) return sourceOf(ctx, e.operand, keys, seen, depth + 1);
  if (ts.isAwaitExpression(e) || ts.isTypeOfExpression(e) || ts.isSpreadElement(e))
    return sourceOf(ctx, e.expression, keys, seen, depth + 1);
  if (ts.isBinaryExpression(e)) return all([e.left, e.right]);
  if (ts.isConditionalExpression(e)) return all([e.condition, e.whenTrue, e.whenFalse]);
  if (ts.isArrayLiteralExpression(e)) return all([...e.elements]);
  if (ts.isObjectLiteralExpression(e)) {
    const parts: TS.Expression[] = [];
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p)) parts.push(p.initializer);
      else if (ts.isShorthandPropertyAssignment(p)) parts.push(p.name);
      else if (ts.isSpreadAssignment(p)) parts.push(p.expression);
      else return 'unseen';
    }
    return all(parts);
  }
  if (isEnvironment(ctx, e)) return 'same';
  if (ts.isPropertyAccessExpression(e)) return sourceOf(ctx, e.expression, keys, seen, depth + 1);
  if (ts.isElementAccessExpression(e)) return all([e.expression, e.argumentExpression]);
  if (ts.isIdentifier(e)) return identifierSource(ctx, e, keys, seen, depth);
  if (ts.isCallExpression(e) || ts.isNewExpression(e)) return callSource(ctx, e, keys, seen, depth);
  return 'unseen';
}

/** `process.env`, `__dirname`, `import.meta.url`: the same on every instance of a deployment. */
function isEnvironment(ctx: FileContext, e: TS.Expression): boolean {
  const ts = ctx.ts;
  if (ts.isIdentifier(e))
    return e.text === 'undefined' || ctx.binder.isGlobal(e, '__dirname') || ctx.binder.isGlobal(e, '__filename');
  if (ts.isPropertyAccessExpression(e)) {
    const owner = skipOuter(ts, e.expression);
    if (
      ts.isIdentifier(owner) &&
      ctx.binder.isGlobal(owner, 'process') &&
      (e.name.text === 'env' || e.name.text === 'platform')
    )
      return true;
    return ts.isMetaProperty(owner);
  }
  return false;
}

function identifierSource(
  ctx: FileContext,
  id: TS.Identifier,
  keys: ReadonlySet<TS.Node>,
  seen: Set<TS.Node>,
  depth: number,
): ValueSource {
  const ts = ctx.ts;
  const binding = ctx.binder.resolve(id);
  if (!binding) return 'unseen';
  const decl = binding.declaration;
  if (keys.has(decl)) return 'same';
  if (binding.kind === 'function' || binding.kind === 'class') return 'same';
  if (binding.kind === 'import') {
    const ref = ctx.imports.resolve(id);
    if (!ref) return 'unseen';
    if (/\.json$/.test(ref.module) || PURE_PACKAGES.has(packageName(ref.module))) return 'same';
    return 'unseen';
  }
  // The request: (req, res) => …, async (ctx) => … (Koa), (event) => … (serverless).
  if (ts.isParameter(decl)) return REQUEST_PARAMS.has(binding.name) ? 'varying' : 'unseen';
  if (ts.isVariableDeclaration(decl)) {
    const values = assignedValues(ctx, id);
    // headers[name] = token: what is written into the object later is part of it.
    for (const ref of binding.references) {
      const member = ref.parent;
      const write = member.parent;
      if (
        (ts.isPropertyAccessExpression(member) || ts.isElementAccessExpression(member)) &&
        member.expression === ref &&
        ts.isBinaryExpression(write) &&
        write.left === member &&
        isAssignment(ts, write.operatorToken.kind)
      )
        values?.push(write.right);
    }
    return values
      ? values.reduce<ValueSource>((acc, v) => worst(acc, sourceOf(ctx, v, keys, seen, depth + 1)), 'same')
      : 'unseen';
  }
  // for (const f of files), a destructured binding: what it is taken from.
  if (ts.isBindingElement(decl)) {
    let node: TS.Node = decl;
    while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node))
      node = node.parent;
    if (ts.isVariableDeclaration(node) && node.initializer)
      return sourceOf(ctx, node.initializer, keys, seen, depth + 1);
  }
  return 'unseen';
}

function callSource(
  ctx: FileContext,
  call: TS.CallExpression | TS.NewExpression,
  keys: ReadonlySet<TS.Node>,
  seen: Set<TS.Node>,
  depth: number,
): ValueSource {
  const ts = ctx.ts;
  const args = [...(call.arguments ?? [])];
  const argsSource = (): ValueSource =>
    args.reduce<ValueSource>((acc, a) => worst(acc, sourceOf(ctx, a, keys, seen, depth + 1)), 'same');
  const callee = skipOuter(ts, call.expression);
  // The clock and randomness: Date.now(), new Date(), Math.random(), crypto.randomUUID().
  if (ts.isIdentifier(callee) && ctx.binder.isGlobal(callee) && VARYING_GLOBALS.has(callee.text)) return 'varying';
  if (ts.isPropertyAccessExpression(callee) && VARYING_MEMBERS.test(callee.name.text)) return 'varying';
  if (ts.isCallExpression(call) && ts.isIdentifier(callee) && ctx.binder.isGlobal(callee, 'fetch')) return 'varying';
  if (ts.isIdentifier(callee) && ctx.binder.isGlobal(callee) && PURE_GLOBAL_FUNCTIONS.has(callee.text)) {
    // require('./package.json'), require('./dictionary.json')
    return argsSource();
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const owner = skipOuter(ts, callee.expression);
    if (ts.isIdentifier(owner) && ctx.binder.isGlobal(owner) && PURE_GLOBAL_OWNERS.has(owner.text)) return argsSource();
  }
  // A method of what a call returned: `createHash('sha1').update(text).digest('hex')`.
  if (ts.isPropertyAccessExpression(callee) && ts.isCallExpression(skipOuter(ts, callee.expression)))
    return worst(sourceOf(ctx, callee.expression, keys, seen, depth + 1), argsSource());
  const ref = ctx.imports.resolve(callee);
  if (ref) {
    if (ref.path.some((segment) => VARYING_MEMBERS.test(segment))) return 'varying';
    const pkg = packageName(ref.module);
    const member = `${ref.module}#${ref.path.join('.')}`;
    if (VARYING_PACKAGES.has(pkg)) return 'varying';
    if (
      FILE_READS.has(member) ||
      PURE_PACKAGES.has(pkg) ||
      (pkg === 'crypto' && /^create(?:Hash|Hmac)$/.test(ref.path[0] ?? ''))
    )
      return argsSource();
    if (isPackage(ref.module) && isClientPackage(pkg)) return 'varying';
    return 'unseen';
  }
  // A method of a value: `compiled.render(vars)`, `createHash('sha1').update(text).digest('hex')`,
  // `Object.entries(process.env).filter(…)`.
  if (ts.isPropertyAccessExpression(callee))
    return worst(sourceOf(ctx, callee.expression, keys, seen, depth + 1), argsSource());
  // A function of this file: what it returns, given these arguments.
  if (ts.isIdentifier(callee)) {
    const decl = ctx.binder.resolve(callee)?.declaration;
    const fn =
      decl && ts.isFunctionDeclaration(decl)
        ? decl
        : decl && ts.isVariableDeclaration(decl) && decl.initializer
          ? skipOuter(ts, decl.initializer)
          : undefined;
    if (fn && (ts.isFunctionDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
      const given = argsSource();
      if (given !== 'same') return given;
      const params = new Set<TS.Node>([...keys, ...fn.parameters]);
      return returnedValues(ctx, fn).reduce<ValueSource>(
        (acc, r) => worst(acc, sourceOf(ctx, r, params, seen, depth + 1)),
        'same',
      );
    }
  }
  return 'unseen';
}

/** The values a function returns: its `return` expressions, or an arrow's expression body. */
function returnedValues(ctx: FileContext, fn: TS.SignatureDeclaration): TS.Expression[] {
  const ts = ctx.ts;
  const body = (fn as TS.FunctionDeclaration).body;
  if (!body) return [];
  if (!ts.isBlock(body)) return [body as TS.Expression];
  const out: TS.Expression[] = [];
  walk(ts, body, (node) => {
    if (node !== body && isFunctionNode(ts, node)) return false;
    if (ts.isReturnStatement(node) && node.expression) out.push(node.expression);
  });
  return out;
}

/** The value a write stores: the last argument of `m.set(k, v)`, the right side of `o[k] = v`. */
export function storedValue(write: { method?: string; values: readonly TS.Expression[] }): TS.Expression | undefined {
  return write.values[write.values.length - 1];
}

import { isFunctionNode, memberName, skipOuter, stringValue, walk } from '../ast.js';
import type { FileContext } from '../context.js';
import { type FsWriteEntry, LOG_FIX, UPLOAD_FIX } from '../knowledge/index.js';
import { creations, objectLiteral, optionValue } from '../library.js';
import { REQUEST_TIME } from '../reach.js';
import type { CoreFinding, Suggestion, TS } from '../types.js';
import { detector } from './detector.js';
import { makeFinding, snippet } from './finding.js';
import { libraryFinders } from './library-findings.js';

const REMOVERS = new Set(['unlink', 'unlinkSync', 'rm', 'rmSync', 'remove', 'removeSync', 'rimraf']);
const MAX_DEPTH = 6;

const FILEUPLOAD = {
  summary:
    'upload the file to object storage (`PutObjectCommand` from @aws-sdk/client-s3) instead of `mv()` to a local folder',
  packages: ['@aws-sdk/client-s3'],
};

// fs.writeFile(path, data) in a handler; multer({ dest }); new Database('app.db'); req.files.x.mv(path)
export const fileWrite = detector(
  'file-write',
  ...libraryFinders('file-write'),
  { mayMatch: (file) => file.namesPackages, find: fsWrites },
  // Every way to move an upload names `mv` after a dot.
  { mayMatch: (file) => file.mentions(/\.\s*mv\b/), find: fileUploadMoves },
);

/** fs / fs-extra / fs/promises writes on a request path, unless to a temp file removed in the same function. */
function fsWrites(ctx: FileContext): CoreFinding[] {
  const ts = ctx.ts;
  const findings: CoreFinding[] = [];
  for (const { entry, node } of creations(ctx)) {
    if (entry.pattern !== 'fs-write' || !ts.isCallExpression(node)) continue;
    const when = ctx.when(node, REQUEST_TIME);
    if (!when.holds) continue;
    const target = node.arguments[entry.pathArg];
    if (target && isTempPath(ctx, target, 0) && removesFiles(ctx, node)) continue;
    findings.push(
      makeFinding(ctx, {
        category: 'file-write',
        node,
        what: `${snippet(ctx, node)} (${entry.label}) ${entry.what}`,
        suggestion: adviceFor(ctx, entry, node),
        subject: entry.label,
        condition: when.condition,
        unsure: when.unsure,
      }),
    );
  }
  return findings;
}

/**
 * Advice that fits what is written: an upload goes to object storage, log lines to stdout; a
 * file the server writes for its own use (data, an index, a configuration, a cache on disk) to
 * the database, object storage or a shared volume (the row's advice).
 */
function adviceFor(ctx: FileContext, entry: FsWriteEntry, node: TS.CallExpression): Suggestion {
  const ts = ctx.ts;
  const exported = ctx.imports.resolve(node.expression)?.path.at(-1);
  const data = node.arguments.filter((_, i) => i !== entry.pathArg);
  if (data.some((arg) => isUpload(ctx, arg, 0)) || isUpload(ctx, pipedInto(ctx, node), 0)) return UPLOAD_FIX;
  const path = stringValue(ts, node.arguments[entry.pathArg]);
  const options = exported === 'createWriteStream' && node.arguments[1] && objectLiteral(ctx, node.arguments[1]);
  const flags = options ? optionValue(ctx, options, 'flags') : undefined;
  const appends =
    flags?.presence === 'yes' && flags.value !== undefined && stringValue(ts, flags.value)?.startsWith('a') === true;
  if (exported?.startsWith('appendFile') || appends || path?.endsWith('.log')) return LOG_FIX;
  return entry.suggestion;
}

/** The stream piped into a write stream: `file` in `file.pipe(fs.createWriteStream(p))`. */
function pipedInto(ctx: FileContext, node: TS.CallExpression): TS.Expression | undefined {
  const ts = ctx.ts;
  const call = node.parent;
  if (!ts.isCallExpression(call) || !call.arguments.includes(node)) return undefined;
  const callee = skipOuter(ts, call.expression);
  return ts.isPropertyAccessExpression(callee) && callee.name.text === 'pipe' ? callee.expression : undefined;
}

/**
 * Whether written data comes from an upload: a member of `req.file`/`req.files` (multer,
 * express-fileupload, formidable's `files`), the raw request body (`express.raw()`), a part of
 * the request's form data (`(await request.formData()).get('file')`), or the stream of a
 * multipart `'file'` event (busboy); also as bytes (`Buffer.from(await file.arrayBuffer())`).
 * Data built by the server (`JSON.stringify(…)`, a report) is not.
 */
function isUpload(ctx: FileContext, expr: TS.Expression | undefined, depth: number): boolean {
  const ts = ctx.ts;
  if (!expr || depth > MAX_DEPTH) return false;
  let e = skipOuter(ts, expr);
  if (ts.isAwaitExpression(e)) e = skipOuter(ts, e.expression);
  if (ts.isCallExpression(e)) {
    const callee = skipOuter(ts, e.expression);
    const method = memberName(ts, callee);
    if (!ts.isPropertyAccessExpression(callee) || method === undefined) return false;
    // Buffer.from(bytes), file.arrayBuffer(), form.get('file'), request.formData()
    if (method === 'from' && ctx.binder.isGlobal(callee.expression, 'Buffer'))
      return isUpload(ctx, e.arguments[0], depth + 1);
    if (method === 'formData') return true;
    if (['arrayBuffer', 'bytes', 'stream', 'get', 'getAll'].includes(method))
      return isUpload(ctx, callee.expression, depth + 1);
    return false;
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(ts, e);
    if (name === 'file' || name === 'files') return true;
    if (name === 'body' && isParameter(ctx, e.expression)) return true;
    return isUpload(ctx, e.expression, depth + 1);
  }
  if (!ts.isIdentifier(e)) return false;
  const decl = ctx.binder.resolve(e)?.declaration;
  if (!decl) return false;
  if (ts.isVariableDeclaration(decl) && decl.initializer) return isUpload(ctx, decl.initializer, depth + 1);
  if (ts.isBindingElement(decl)) {
    let node: TS.Node = decl;
    while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node))
      node = node.parent;
    return (
      ts.isVariableDeclaration(node) && node.initializer !== undefined && isUpload(ctx, node.initializer, depth + 1)
    );
  }
  // bb.on('file', (name, file, info) => …)
  if (ts.isParameter(decl)) {
    const listener = decl.parent;
    const call = listener.parent;
    return (
      ts.isCallExpression(call) &&
      call.arguments[1] === listener &&
      memberName(ts, skipOuter(ts, call.expression)) === 'on' &&
      stringValue(ts, call.arguments[0]) === 'file'
    );
  }
  return false;
}

function isParameter(ctx: FileContext, expr: TS.Expression): boolean {
  const e = skipOuter(ctx.ts, expr);
  const decl = ctx.ts.isIdentifier(e) ? ctx.binder.resolve(e)?.declaration : undefined;
  return decl !== undefined && ctx.ts.isParameter(decl);
}

/** A path under `os.tmpdir()` or `/tmp`, directly or through local variables. */
function isTempPath(ctx: FileContext, expr: TS.Expression, depth: number): boolean {
  const ts = ctx.ts;
  if (depth > MAX_DEPTH) return false;
  let temp = false;
  walk(ts, expr, (node) => {
    if (temp) return false;
    if (isFunctionNode(ts, node)) return false;
    const literal = stringValue(ts, node);
    if (literal !== undefined && (literal === '/tmp' || literal.startsWith('/tmp/'))) temp = true;
    if (ts.isTemplateExpression(node) && (node.head.text === '/tmp' || node.head.text.startsWith('/tmp/'))) temp = true;
    if (ts.isCallExpression(node)) {
      const ref = ctx.imports.resolve(node.expression);
      if (ref && ref.module === 'os' && ref.path.join('.') === 'tmpdir') temp = true;
      if (memberName(ts, skipOuter(ts, node.expression)) === 'tmpdir') temp = true;
    }
    if (ts.isIdentifier(node)) {
      const decl = ctx.binder.resolve(node)?.declaration;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && isTempPath(ctx, decl.initializer, depth + 1))
        temp = true;
    }
  });
  return temp;
}

/** Whether the function that writes also removes files (`unlink`, `rm`) – the temp-file pattern. */
function removesFiles(ctx: FileContext, write: TS.Node): boolean {
  const ts = ctx.ts;
  const unit = ctx.unitOf(write);
  let removes = false;
  walk(ts, unit, (node) => {
    if (removes) return false;
    if (ts.isCallExpression(node)) {
      const callee = skipOuter(ts, node.expression);
      const name = ts.isIdentifier(callee) ? callee.text : memberName(ts, callee);
      if (name !== undefined && REMOVERS.has(name)) removes = true;
    }
  });
  return removes;
}

// req.files.avatar.mv(path)  (express-fileupload)
function fileUploadMoves(ctx: FileContext): CoreFinding[] {
  const ts = ctx.ts;
  const findings: CoreFinding[] = [];
  for (const node of ctx.calls) {
    const callee = skipOuter(ts, node.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'mv' || node.arguments.length === 0) continue;
    if (!fromUploadedFiles(ctx, callee.expression, 0)) continue;
    const when = ctx.when(node, REQUEST_TIME);
    if (!when.holds) continue;
    const what = `${snippet(ctx, node)} (express-fileupload) moves the upload into a local folder`;
    findings.push(
      makeFinding(ctx, {
        category: 'file-write',
        node,
        what,
        suggestion: FILEUPLOAD,
        subject: 'express-fileupload',
        condition: when.condition,
        unsure: when.unsure,
      }),
    );
  }
  return findings;
}

/** `req.files.avatar`, or a variable taken from `req.files`. */
function fromUploadedFiles(ctx: FileContext, expr: TS.Expression, depth: number): boolean {
  const ts = ctx.ts;
  if (depth > MAX_DEPTH) return false;
  const e = skipOuter(ts, expr);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    if (memberName(ts, e) === 'files') return true;
    return fromUploadedFiles(ctx, e.expression, depth + 1);
  }
  if (ts.isIdentifier(e)) {
    const decl = ctx.binder.resolve(e)?.declaration;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer)
      return fromUploadedFiles(ctx, decl.initializer, depth + 1);
    if (decl && ts.isBindingElement(decl)) {
      let node: TS.Node = decl;
      while (ts.isBindingElement(node) || ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node))
        node = node.parent;
      if (ts.isVariableDeclaration(node) && node.initializer)
        return fromUploadedFiles(ctx, node.initializer, depth + 1);
    }
  }
  return false;
}

import { isFunctionNode, memberName, skipOuter, stringValue, walk } from '../ast.js';
import type { FileContext } from '../context.js';
import { creations } from '../library.js';
import { REQUEST_TIME } from '../reach.js';
import type { CoreFinding, TS } from '../types.js';
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
        suggestion: entry.suggestion,
        subject: entry.label,
        condition: when.condition,
      }),
    );
  }
  return findings;
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

import { compactText, skipOuter, walk } from '../ast.js';
import type { FileContext } from '../context.js';
import type { TS } from '../types.js';

/** Methods that send to a connection: `send`, `write`, `emit`, `emitAgent`, `publish`, … */
const SEND = /^(?:send\w*|write|emit\w*|publish|json|notify|broadcast|postMessage|enqueue)$/;

/**
 * Whether the file uses a container of connections (`text`, as written) to fan out: it iterates
 * the container (`for (const c of clients)`, `clients.forEach(…)`, `for (id in list)`) or looks an
 * entry up (`sockets.get(userId)`, `sockets[room]`), then sends to what it found. A container
 * of this process's own connections kept only to close them at shutdown does not.
 */
export function fansOut(ctx: FileContext, text: string): boolean {
  const ts = ctx.ts;
  const isContainer = (e: TS.Expression): boolean => {
    let x = skipOuter(ts, e);
    // clients.values(), Object.values(clients), [...clients]
    if (ts.isCallExpression(x)) {
      const callee = skipOuter(ts, x.expression);
      if (ts.isPropertyAccessExpression(callee) && ['values', 'keys', 'entries'].includes(callee.name.text)) {
        x = skipOuter(ts, x.arguments[0] ?? callee.expression);
      }
    }
    if (ts.isArrayLiteralExpression(x) && x.elements.length === 1 && ts.isSpreadElement(x.elements[0]!))
      x = skipOuter(ts, x.elements[0].expression);
    return (ts.isIdentifier(x) || ts.isPropertyAccessExpression(x)) && compactText(ts, x, ctx.sourceFile) === text;
  };
  const isEntry = (e: TS.Expression): boolean => {
    const x = skipOuter(ts, e);
    if (ts.isElementAccessExpression(x)) return isContainer(x.expression);
    if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'get')
      return isContainer(x.expression.expression);
    return false;
  };
  const entries = new Set<string>();
  let sends = false;
  walk(ts, ctx.sourceFile, (node) => {
    if (sends) return false;
    if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && isContainer(node.expression)) {
      const decl = node.initializer;
      if (ts.isVariableDeclarationList(decl)) for (const d of decl.declarations) addNames(ts, d.name, entries);
    }
    if (ts.isVariableDeclaration(node) && node.initializer && isEntry(node.initializer))
      addNames(ts, node.name, entries);
    if (ts.isCallExpression(node)) {
      const callee = skipOuter(ts, node.expression);
      if (!ts.isPropertyAccessExpression(callee)) return;
      // clients.forEach((c) => …)
      if (['forEach', 'map', 'filter'].includes(callee.name.text) && isContainer(callee.expression)) {
        const fn = node.arguments[0] && skipOuter(ts, node.arguments[0]);
        if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)))
          for (const p of fn.parameters) addNames(ts, p.name, entries);
      }
      if (!SEND.test(callee.name.text)) return;
      // sockets.get(id).send(…), c.send(…), peer.socket.send(…)
      let receiver = skipOuter(ts, callee.expression);
      if (isEntry(receiver)) sends = true;
      while (ts.isPropertyAccessExpression(receiver) || ts.isElementAccessExpression(receiver))
        receiver = skipOuter(ts, receiver.expression);
      if (ts.isIdentifier(receiver) && entries.has(receiver.text)) sends = true;
    }
  });
  return sends;
}

function addNames(ts: FileContext['ts'], name: TS.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addNames(ts, element.name, into);
}

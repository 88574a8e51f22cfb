// Long flat code: one expression or statement list repeated until the file reaches a size, one
// operand per line (a long single line would be skipped as minified). A tree as deep as the
// expression is long, or a list as long: walkers that climb from every node to its function, or
// read a list again for every item, take time that grows with the square of the size. Shared by
// the hostile tests (results) and the bench (time).

const MIB = 1024 * 1024;

/** The shapes, each with the largest size statecheck analyses (1 MiB: `maxFileSize`). */
export const FLAT_SHAPES = {
  /** `total = n + n + … + n`: a left-deep tree of `+`. */
  plus: { bytes: MIB, head: 'let total = 0;\nexport function add(n) {\n  total =\n', item: 'n +\n', tail: 'n;\n}\n' },
  /** `seen.add((id, id, …, id))`: a comma list. */
  comma: {
    bytes: MIB,
    head: 'const seen = new Set();\nexport function track(id) {\n  seen.add((\n',
    item: 'id,\n',
    tail: 'id));\n}\n',
  },
  /**
   * `last = last = … = null`: a right-deep chain of assignments (at load time; one more per
   * request). The parser recurses once per `=`: a 1 MiB chain runs out of stack even on the
   * thread for deep files, so the analysed size is 256 KiB.
   */
  assign: {
    bytes: 256 * 1024,
    head: 'let last;\n',
    item: 'last =\n',
    tail: 'null;\nexport function remember(id) {\n  last = id;\n}\n',
  },
  /** `if (client) return client;` then `client = make();` over and over: lazy creation, not state. */
  statements: {
    bytes: MIB,
    head: 'let client;\nconst make = () => ({});\nexport function get() {\n  if (client) return client;\n',
    item: 'client = make();\n',
    tail: 'return client;\n}\n',
  },
} as const;

export type FlatShape = keyof typeof FLAT_SHAPES;

/** The text of a `shape` file of at most `bytes` bytes (ASCII: characters are bytes). */
export function flatFile(shape: FlatShape, bytes: number = FLAT_SHAPES[shape].bytes): string {
  const { head, item, tail } = FLAT_SHAPES[shape];
  const count = Math.max(1, Math.floor((bytes - head.length - tail.length) / item.length));
  return head + item.repeat(count) + tail;
}

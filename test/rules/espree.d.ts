// espree ships no types; the rule tests only hand it to ESLint as a parser.
declare module 'espree' {
  export const version: string;
  export function parse(code: string, options?: object): unknown;
}

/**
 * Path conventions of serverless and SSR server modules, whose instances are reused across
 * users: Next.js route handlers, API routes and middleware, SvelteKit server files, Nuxt/Nitro
 * server handlers, Netlify and Vercel functions.
 */
export const SERVERLESS_PATHS: readonly RegExp[] = [
  /(^|\/)app\/(.+\/)?route\.[cm]?[jt]sx?$/,
  /(^|\/)pages\/api\//,
  /(^|\/)middleware\.[cm]?[jt]s$/,
  /(^|\/)\+(page|layout)\.server\.[cm]?[jt]s$/,
  /(^|\/)\+server\.[cm]?[jt]s$/,
  /(^|\/)hooks\.server\.[cm]?[jt]s$/,
  /(^|\/)server\/(api|routes|middleware)\//,
  /(^|\/)(netlify|\.netlify)\/(edge-)?functions\//,
];

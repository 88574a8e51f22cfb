// What statecheck knows about libraries, frameworks and runtimes, as typed data: the catalogue
// of state-creating exports, the client packages, lifecycle events and hooks, serverless paths.
export * from './types.js';
export {
  CATALOGUE,
  CATALOGUED_MODULES,
  catalogueIndex,
  LOG_FIX,
  OWN_FILE_FIX,
  packageName,
  UPLOAD_FIX,
} from './catalogue.js';
export { CLIENT_MODULES } from './clients.js';
export {
  INHERITING_GLOBALS,
  INHERITING_METHODS,
  LIFECYCLE_EVENTS,
  LISTENER_METHODS,
  NEST_LIFECYCLE,
  NEST_REQUEST_CLASSES,
  NODE_STYLE_APIS,
  ONCE_METHODS,
} from './lifecycle.js';
export { SERVERLESS_PATHS } from './serverless.js';

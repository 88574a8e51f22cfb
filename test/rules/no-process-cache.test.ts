import rule from '../../rules/no-process-cache.js';
import { code, found, js, ruleTester, ts } from './tester.js';

const lru = code`
  import { LRUCache as Cache } from 'lru-cache';
  import { loadProduct } from './db';

  const productCache = new Cache<string, object>({ max: 500 });

  export async function getProduct(id: string) {
    let product = productCache.get(id);
    if (!product) {
      product = await loadProduct(id);
      productCache.set(id, product);
    }
    return product;
  }
`;

const nodeCache = code`
  const NodeCache = require('node-cache');
  const cache = new NodeCache({ stdTTL: 60 });
  module.exports = (req, res) => res.json(cache.get(req.params.id));
`;

ruleTester.run('no-process-cache', rule, {
  valid: [
    // keyv with a Redis store is shared by every instance.
    ts({
      code: code`
        import Keyv from 'keyv';
        import KeyvRedis from '@keyv/redis';
        export const cache = new Keyv({ store: new KeyvRedis(process.env.REDIS_URL) });
      `,
    }),
    // A local class named like the library is not the library.
    js({ code: `class LRUCache { get() {} }\nconst c = new LRUCache();\nmodule.exports = c;\n` }),
    ts({ code: lru, options: [{ allow: ['lru-cache'] }] }),
    ts({ code: lru, settings: { statecheck: { deployment: 'single-instance' } } }),
    // Suppressed with a reason.
    js({
      code: nodeCache.replace(
        'const cache',
        '// statecheck-disable-next-line no-process-cache -- immutable lookup data\nconst cache',
      ),
    }),
  ],
  invalid: [
    ts({ code: lru, errors: [found(lru, 'process-cache', 4, 22)] }),
    js({ code: nodeCache, errors: [found(nodeCache, 'process-cache', 2, 15)] }),
  ],
});

/**
 * Dependency-injection containers: how each says that a class has one instance per container,
 * which a server builds once. Read by the singleton idioms (core/state.ts) and the summaries of
 * registrations in other files (core/summary.ts).
 */
export interface SingletonRegistration {
  package: string;
  /**
   * `decorator`: `@singleton()` on the class (`unless`: an option of the decorator's object
   * that makes it per resolution); `wrapper`: the class (or a function constructing it) passed
   * to `name`, made a singleton by a chained `chain()` call or an `option` set to `value`;
   * `method`: `container.<name>(X)` or `container.<name>(token, X)`; `scope`: a registration
   * chain holding the class that ends in `.<name>()`.
   */
  kind: 'decorator' | 'wrapper' | 'method' | 'scope';
  name: string;
  chain?: string;
  option?: { key: string; value: string };
  unless?: string;
}

export const DI_SINGLETONS: readonly SingletonRegistration[] = [
  // awilix: asClass(X).singleton(), asClass(X, { lifetime: Lifetime.SINGLETON }), asFunction(() => new X(), { lifetime: 'SINGLETON' })
  {
    package: 'awilix',
    kind: 'wrapper',
    name: 'asClass',
    chain: 'singleton',
    option: { key: 'lifetime', value: 'SINGLETON' },
  },
  {
    package: 'awilix',
    kind: 'wrapper',
    name: 'asFunction',
    chain: 'singleton',
    option: { key: 'lifetime', value: 'SINGLETON' },
  },
  // tsyringe: @singleton(), container.registerSingleton(X) / registerSingleton('token', X)
  { package: 'tsyringe', kind: 'decorator', name: 'singleton' },
  { package: 'tsyringe', kind: 'method', name: 'registerSingleton' },
  // inversify: container.bind(X).toSelf().inSingletonScope(), bind(TYPES.X).to(X).inSingletonScope()
  { package: 'inversify', kind: 'scope', name: 'inSingletonScope' },
  // typedi: @Service() is a singleton per container unless `{ transient: true }`
  { package: 'typedi', kind: 'decorator', name: 'Service', unless: 'transient' },
];

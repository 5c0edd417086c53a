// OperatorService: the search-attribute administration the Temporal CLI uses
// (`temporal operator search-attribute create|list|remove`).
import type { Engine } from './engine';
import type { Visibility } from './visibility-store';
import type { Handler } from './workflow-service';
import { invalidArgument } from './errors';
import { temporal } from './proto';
import { SearchAttributeError, indexedValueTypes, searchAttributeTypeOf, type SearchAttributeType } from './visibility';

type OS = typeof temporal.api.operatorservice.v1;
type Req<M extends keyof OS> = OS[M] extends { prototype: infer T } ? Partial<T> : never;

export const SEARCH_ATTRIBUTES_GROUP = 'search-attributes';

export function operatorServiceHandlers(engine: Engine, visibility: Visibility): Record<string, Handler> {
  const registry = visibility.registry;
  const save = (): void =>
    engine.db.saveGlobal(SEARCH_ATTRIBUTES_GROUP, new Map<string, unknown>([['custom', registry.customAttributes()]]));
  const guarded = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof SearchAttributeError) throw invalidArgument(err.message);
      throw err;
    }
  };
  const toNumbers = (attrs: Record<string, SearchAttributeType>): Record<string, number> =>
    Object.fromEntries(Object.entries(attrs).map(([k, t]) => [k, indexedValueTypes[t]]));
  const handlers = {
    AddSearchAttributes: (req: Req<'AddSearchAttributesRequest'>) => {
      engine.db.transact(() =>
        guarded(() => {
          for (const [name, type] of Object.entries(req.searchAttributes ?? {})) registry.register(name, searchAttributeTypeOf(type));
          save();
        }),
      );
      return {};
    },
    RemoveSearchAttributes: (req: Req<'RemoveSearchAttributesRequest'>) => {
      engine.db.transact(() =>
        guarded(() => {
          for (const name of req.searchAttributes ?? []) registry.unregister(name);
          save();
        }),
      );
      return {};
    },
    ListSearchAttributes: () => ({
      customAttributes: toNumbers(registry.customAttributes()),
      systemAttributes: toNumbers(registry.systemAttributes()),
      storageSchema: {},
    }),
  };
  return handlers as unknown as Record<string, Handler>;
}

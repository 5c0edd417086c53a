// Visibility over the engine's runs: each run becomes a VisibilityRecord for the query compiler
// and listing order of ./visibility; results are rendered as WorkflowExecutionInfo.
import type { Engine } from './engine';
import type { Run } from './run-registry';
import { executionInfo } from './describe';
import { invalidArgument } from './errors';
import { long, type SearchAttributes } from './proto';
import {
  countWorkflowExecutions,
  decodeSearchAttributes,
  executionStatuses,
  indexedValueTypes,
  listWorkflowExecutions,
  SearchAttributeError,
  SearchAttributeRegistry,
  VisibilityQueryError,
  type SearchAttributeValue,
  type VisibilityRecord,
} from './visibility';

const STATUS_NAMES: Record<string, (typeof executionStatuses)[number]> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Terminated',
  continuedAsNew: 'ContinuedAsNew',
  timedOut: 'TimedOut',
};

export class Visibility {
  readonly registry = new SearchAttributeRegistry();

  constructor(private readonly engine: Engine) {}

  /** Rejects unknown or mistyped search attributes (INVALID_ARGUMENT); returns them unchanged. */
  validateSearchAttributes(searchAttributes: SearchAttributes | null | undefined): SearchAttributes | undefined {
    if (!searchAttributes) return undefined;
    asInvalidArgument(() => decodeSearchAttributes(searchAttributes.indexedFields, this.registry));
    return searchAttributes;
  }

  list(namespace: string, query: string, pageSize: number, nextPageToken: Uint8Array | null | undefined) {
    const page = asInvalidArgument(() =>
      listWorkflowExecutions(this.records(), { namespace, query, pageSize, nextPageToken }, this.registry),
    );
    return {
      executions: page.executions.map((r) => executionInfo(this.engine.runs.get(r.runId)!)),
      nextPageToken: page.nextPageToken,
    };
  }

  count(namespace: string, query: string) {
    const result = asInvalidArgument(() => countWorkflowExecutions(this.records(), { namespace, query }, this.registry));
    return {
      count: long(result.count),
      groups: result.groups.map((g) => ({ groupValues: g.groupValues, count: long(g.count) })),
    };
  }

  searchAttributeKeys(): Record<string, number> {
    const all = { ...this.registry.systemAttributes(), ...this.registry.customAttributes() };
    return Object.fromEntries(Object.entries(all).map(([name, type]) => [name, indexedValueTypes[type]]));
  }

  private *records(): Iterable<VisibilityRecord> {
    for (const run of this.engine.runs.all()) yield this.record(run);
  }

  private record(run: Run): VisibilityRecord {
    const s = run.state;
    let searchAttributes: Record<string, SearchAttributeValue> = {};
    try {
      const decoded = decodeSearchAttributes(s.searchAttributes?.indexedFields, this.registry);
      searchAttributes = Object.fromEntries(Object.entries(decoded).filter(([, v]) => v !== null)) as Record<string, SearchAttributeValue>;
    } catch {
      // Attributes were validated when set; one removed from the registry since is just not indexed.
    }
    return {
      namespace: s.namespace,
      workflowId: s.workflowId,
      runId: s.runId,
      workflowType: s.workflowType,
      taskQueue: s.taskQueue,
      status: STATUS_NAMES[s.status],
      startTime: s.startTime,
      executionTime: s.executionTime,
      closeTime: s.closeTime,
      historyLength: run.events.length,
      searchAttributes,
    };
  }
}

function asInvalidArgument<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof VisibilityQueryError || err instanceof SearchAttributeError) throw invalidArgument(err.message);
    throw err;
  }
}

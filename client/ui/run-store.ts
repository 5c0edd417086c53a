// Runs as the pages see them, from the Temporal server: the listing, each run's config (memo),
// results (the same object as `maft results --json`) and, while it runs, its progress. A closed
// run cannot change until it is resumed (a new execution, with a new close time), so its view is
// kept; reading a failed run's state may wait for a worker that is not there (client/api.ts).
import type { MaftClient, RunListing, RunProgress } from '../api';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import type { RunResults } from '../report/results';
import { runPlan } from './plan';
import type { PlannedMethod } from './plan';

export interface RunView {
  runId: string;
  /** Temporal's status of the latest execution, lower case: running, completed, failed, … */
  status: string;
  startTime: Date;
  closeTime: Date | null;
  config: ExperimentConfig | null;
  results: RunResults;
  plan: PlannedMethod[];
  progress: RunProgress | null;
}

export interface RunRow extends RunListing {
  config: ExperimentConfig | null;
}

export class RunStore {
  private readonly closed = new Map<string, RunView>();
  private readonly configs = new Map<string, ExperimentConfig | null>();

  constructor(readonly maft: MaftClient) {}

  async list(): Promise<RunRow[]> {
    const runs = (await this.maft.listRuns()).sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
    return Promise.all(runs.map(async (r) => ({ ...r, latestAccuracy: r.latestAccuracy ?? this.closed.get(r.runId)?.results.iterations.at(-1)?.accuracy ?? null, config: await this.configOf(r.runId) })));
  }

  async run(runId: string): Promise<RunView> {
    const d = await this.maft.client.workflow.getHandle(runId).describe().catch(() => null);
    const cached = this.closed.get(runId);
    if (d && cached && d.closeTime && cached.closeTime?.getTime() === d.closeTime.getTime()) return cached;
    // getResults names a missing run in its error (the page shows it as not found).
    const results = await this.maft.getResults(runId);
    const status = d?.status.name.toLowerCase() ?? results.status;
    const progress = status === 'running' ? await this.maft.getProgress(runId).catch(() => null) : null;
    const view: RunView = {
      runId,
      status,
      startTime: d?.startTime ?? new Date(NaN),
      closeTime: d?.closeTime ?? null,
      config: results.config,
      results,
      plan: runPlan(results.config, results),
      progress,
    };
    if (view.closeTime) this.closed.set(runId, view);
    return view;
  }

  private async configOf(runId: string): Promise<ExperimentConfig | null> {
    if (!this.configs.has(runId)) {
      const d = await this.maft.client.workflow.getHandle(runId).describe().catch(() => null);
      this.configs.set(runId, (d?.memo?.config as ExperimentConfig | undefined) ?? null);
    }
    return this.configs.get(runId) ?? null;
  }
}

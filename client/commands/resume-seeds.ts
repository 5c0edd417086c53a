// maft resume <experimentId>: every unfinished seed of an experiment continues — a stopped run is
// resumed, a seed never started (an interrupted `maft run --seeds`) is started, a running one is
// followed. With --in-process the seeds run one after another, as under `maft run --seeds`; for
// workers elsewhere they all continue at once.
import type { MaftClient } from '../api';
import { CliError } from '../cli-error';
import { followRun } from '../report/progress-view';
import { followOptions } from './options';
import type { ResumeOptions } from './resume';
import { continueSeed, seedState } from './seed-experiment';
import type { SeedExperiment, SeedState } from './seed-experiment';
import { showSeedResults } from './show-seed-results';

const done: Record<Exclude<SeedState, 'completed'>, string> = { 'not started': 'started', stopped: 'resumed', running: 'still running' };

/** The exit status: 0 when every seed completed, or when they were only set going. */
export async function resumeSeeds(maft: MaftClient, experiment: SeedExperiment, opts: ResumeOptions): Promise<number> {
  const states = await Promise.all(experiment.runs.map((r) => seedState(maft, r.runId)));
  if (states.every((s) => s === 'completed')) throw new CliError(`experiment ${experiment.id} has completed (every seed); nothing to resume`);
  const say = (line: string): void => void (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
  for (const [i, run] of experiment.runs.entries()) {
    const state = states[i];
    if (state === 'completed') continue;
    await continueSeed(maft, run, state);
    say(`${done[state]}: run ${run.runId} (experiment ${experiment.id}, seed ${run.seed})`);
    if (opts.inProcess) await followRun(maft, run.runId, followOptions(opts.json));
  }
  if (!opts.inProcess && !opts.wait) return 0;
  // Without --in-process the seeds run side by side; each is followed in turn (a finished one returns at once).
  if (!opts.inProcess) for (const run of experiment.runs) await followRun(maft, run.runId, followOptions(opts.json));
  const report = await showSeedResults(maft, experiment, { json: opts.json });
  return report.runs.every((r) => r.status === 'completed') ? 0 : 1;
}

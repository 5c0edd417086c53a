// maft resume RUN: a new execution of a failed, cancelled or terminated run. Steps whose outputs
// are complete (manifest matches their inputs) are reused; the rest are computed. Given the id of
// an experiment with several seeds, every unfinished seed continues (resume-seeds.ts).
import type { Command } from 'commander';
import { connectMaft } from '../api';
import type { MaftClient } from '../api';
import { withInProcessTemporal } from '../in-process';
import { followRun } from '../report/progress-view';
import { followOptions, globalOptions, temporalConfigOf, withClient } from './options';
import { resumeSeeds } from './resume-seeds';
import { runOrSeedExperiment } from './seed-experiment';
import { showResults } from './show-results';

export interface ResumeOptions {
  inProcess?: boolean;
  wait?: boolean;
  json?: boolean;
}

export function registerResume(program: Command): void {
  program
    .command('resume <runId>')
    .description('continue a stopped run after its last completed step (of an experiment id: every unfinished seed)')
    .option('--in-process', 'like `maft run`: server and workers in this process, wait for the end')
    .option('--wait', 'follow the run until it ends, then print its results')
    .option('--json', 'print the results as JSON (with --wait or --in-process)')
    .action(async (runId: string, opts: ResumeOptions, command: Command) => {
      const global = globalOptions(command);
      const temporal = temporalConfigOf(global);
      const resume = async (maft: MaftClient): Promise<number> => {
        const target = await runOrSeedExperiment(maft, runId);
        return 'experiment' in target ? resumeSeeds(maft, target.experiment, opts) : resumeRun(maft, runId, opts);
      };
      process.exitCode = opts.inProcess
        ? await withInProcessTemporal(temporal, async (server) => {
            const maft = await connectMaft({ temporal, address: server.address });
            try {
              return await resume(maft);
            } finally {
              await maft.close();
            }
          })
        : await withClient(global, resume, { selfStarting: `\`maft resume ${runId} --in-process\`` });
    });
}

async function resumeRun(maft: MaftClient, runId: string, opts: ResumeOptions): Promise<number> {
  // A run left RUNNING by a process that died (e.g. an interrupted `maft run`) needs no
  // new execution, only workers: with --in-process they are here, so just follow it.
  const running = opts.inProcess && (await maft.getProgress(runId).catch(() => null))?.status === 'RUNNING';
  if (!running) await maft.resumeRun(runId);
  if (!opts.wait && !opts.inProcess) {
    console.log(`resumed run ${runId}`);
    return 0;
  }
  await followRun(maft, runId, followOptions(opts.json));
  const results = await maft.getResults(runId);
  await showResults(results, { json: opts.json, runsRoot: maft.temporal.runsRoot });
  return results.status === 'completed' ? 0 : 1;
}

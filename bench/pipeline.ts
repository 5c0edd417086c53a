// `npm run bench -- pipeline [--config configs/ci-tiny.yaml] [--reps 3]`
// Runs the experiment on the embedded devserver with in-process workers and measures what
// Temporal orchestration costs: wall time of the run minus the time during which at least one
// activity was executing (the union of every execution's interval, timed in the worker by an
// activity interceptor), as a share of wall time — for the worker's first run (cold) and for
// runs on a warm worker. One warm run is then executed again with every step complete (all
// reused from manifests): its wall time is the orchestration of the whole graph with no model
// work in it, the baseline measured in the same session. Per step kind: its time as a share of
// the warm run's wall time (`--config configs/demo.yaml` gives the demo's own shares).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';

import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { connectMaft } from '../client/api';
import { loadExperimentConfig } from '../config/load-experiment';
import { loadTemporalConfig } from '../config/temporal-config';
import { installQuietRuntime } from '../temporal/quiet-runtime';
import { startLocalWorkers } from '../worker/local-workers';
import { startDevServer } from '../devserver';
import type { RunInput, RunState } from '../experiment/run-types';
import { intOption, stringOption } from './lib/args';
import { median, seconds } from './lib/median';
import { printTable } from './lib/table';

interface Interval {
  step: string;
  start: number;
  end: number;
}

/** Times every activity execution in the worker (the server's history has no start times to trust). */
function timingInterceptor(intervals: Interval[]): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const start = performance.now();
        try {
          return await next(input);
        } finally {
          intervals.push({ step: ctx.info.activityType, start, end: performance.now() });
        }
      },
    },
  });
}

interface Gap {
  ms: number;
  /** The step that ended the gap ("end" for the time after the last activity). */
  before: string;
}

/** The times within [from, to] when no activity was executing: orchestration only. */
function idleGaps(intervals: Interval[], from: number, to: number): Gap[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const gaps: Gap[] = [];
  let covered = from;
  for (const i of sorted) {
    if (i.start > covered) gaps.push({ ms: i.start - covered, before: i.step });
    covered = Math.max(covered, i.end);
  }
  if (to > covered) gaps.push({ ms: to - covered, before: 'end' });
  return gaps;
}

interface RunMeasure {
  wallS: number;
  activityBusyS: number;
  activitySumS: number;
  activities: number;
  orchestrationOverheadS: number;
  orchestrationOverheadShare: number;
  idleGaps: { count: number; medianMs: number; largest: Gap[] };
}

function measure(intervals: Interval[], t0: number, t1: number): RunMeasure {
  const wallMs = t1 - t0;
  const gaps = idleGaps(intervals, t0, t1);
  const idleMs = gaps.reduce((a, g) => a + g.ms, 0);
  return {
    wallS: wallMs / 1000,
    activityBusyS: (wallMs - idleMs) / 1000,
    activitySumS: intervals.reduce((s, i) => s + i.end - i.start, 0) / 1000,
    activities: intervals.length,
    orchestrationOverheadS: idleMs / 1000,
    orchestrationOverheadShare: idleMs / wallMs,
    idleGaps: { count: gaps.length, medianMs: median(gaps.map((g) => g.ms)), largest: [...gaps].sort((a, b) => b.ms - a.ms).slice(0, 3) },
  };
}

function describe(label: string, m: RunMeasure): string {
  return (
    `${label}: wall ${m.wallS.toFixed(1)} s, activities busy ${m.activityBusyS.toFixed(1)} s (Σ ${m.activitySumS.toFixed(1)} s over ${m.activities}); ` +
    `orchestration ${m.orchestrationOverheadS.toFixed(2)} s = ${(100 * m.orchestrationOverheadShare).toFixed(2)} % in ${m.idleGaps.count} gaps ` +
    `(median ${m.idleGaps.medianMs.toFixed(0)} ms; largest ${m.idleGaps.largest.map((g) => `${g.ms.toFixed(0)} ms before ${g.before}`).join(', ')})`
  );
}

export async function run(args: string[]): Promise<void> {
  const configFile = stringOption(args, 'config', 'configs/ci-tiny.yaml');
  const reps = intOption(args, 'reps', 3);
  const config = loadExperimentConfig(configFile);
  installQuietRuntime();
  const dir = mkdtempSync(join(tmpdir(), 'maft-bench-pipeline-'));
  const server = await startDevServer({ port: 0 });
  const temporalFile = join(dir, 'temporal.yaml');
  writeFileSync(temporalFile, stringify({ server: { mode: 'address', address: server.address }, runsDir: join(dir, 'runs') }));
  const temporal = loadTemporalConfig(temporalFile);
  const intervals: Interval[] = [];
  const workers = await startLocalWorkers(temporal, server.address, { activityInterceptors: [timingInterceptor(intervals)] });
  const maft = await connectMaft({ temporal });
  const timedRun = async (runId: string): Promise<{ measure: RunMeasure; runIntervals: Interval[] }> => {
    const first = intervals.length;
    const t0 = performance.now();
    await maft.startRun(config, { runId });
    const state: RunState = await maft.client.workflow.getHandle(runId).result();
    const t1 = performance.now();
    if (state.status !== 'completed') throw new Error(`run ${runId} ended ${state.status}`);
    const runIntervals = intervals.slice(first);
    return { measure: measure(runIntervals, t0, t1), runIntervals };
  };
  try {
    // Cold: the worker's first run (as in `maft run`), which pays for creating the workflow
    // sandbox and opening the model. Warm: the same experiment on the now running worker, as on
    // a long-lived worker fleet, `reps` times (this machine is shared: the median is reported).
    const cold = await timedRun('bench-cold');
    const warmRuns: Awaited<ReturnType<typeof timedRun>>[] = [];
    for (let r = 1; r <= reps; r++) warmRuns.push(await timedRun(`bench-warm-${r}`));
    // The median run by overhead share is the one reported in detail.
    const byShare = [...warmRuns].sort((a, b) => a.measure.orchestrationOverheadShare - b.measure.orchestrationOverheadShare);
    const warm = byShare[(byShare.length - 1) >> 1];
    const warmId = `bench-warm-${warmRuns.indexOf(warm) + 1}`;

    // The warm run once more: every step is complete, so only orchestration remains.
    const input: RunInput = { runId: warmId, config, steps: temporal.steps, workflowTaskQueue: temporal.taskQueues.cpu.name, searchAttributes: maft.searchAttributes };
    const reusedS = await seconds(() =>
      maft.client.workflow.execute('multiagentFinetune', {
        workflowId: warmId,
        taskQueue: temporal.taskQueues.cpu.name,
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      }),
    );

    const steps = [...new Set(warm.runIntervals.map((i) => i.step))].map((step) => {
      const times = warm.runIntervals.filter((i) => i.step === step).map((i) => (i.end - i.start) / 1000);
      const totalS = times.reduce((a, b) => a + b, 0);
      return { step, count: times.length, medianS: median(times), maxS: Math.max(...times), totalS, shareOfWall: totalS / warm.measure.wallS };
    });
    const warmShares = warmRuns.map((w) => w.measure.orchestrationOverheadShare);
    const result = {
      config: configFile,
      cold: cold.measure,
      warmShares,
      warmMedianShare: median(warmShares),
      warm: warm.measure,
      allStepsReusedS: reusedS,
      allStepsReusedShareOfWarm: reusedS / warm.measure.wallS,
      steps,
    };
    console.log(JSON.stringify(result));
    console.log(`\npipeline (${configFile})`);
    console.log(describe('cold worker', cold.measure));
    console.log(describe(`warm worker, median of ${reps}`, warm.measure));
    console.log(`warm overhead shares: ${warmShares.map((x) => `${(100 * x).toFixed(2)} %`).join(', ')}`);
    console.log(`warm run again with every step reused: ${reusedS.toFixed(2)} s (${(100 * result.allStepsReusedShareOfWarm).toFixed(1)} % of the warm run)\n`);
    // Steps of one kind may overlap (parallel shards), so the shares can sum past 100 %.
    printTable(
      ['step (warm run)', 'count', 'median s', 'max s', 'total s', 'share of wall'],
      steps.map((s) => [s.step, s.count, s.medianS.toFixed(2), s.maxS.toFixed(2), s.totalS.toFixed(2), `${((100 * s.totalS) / warm.measure.wallS).toFixed(1)} %`]),
    );
  } finally {
    await maft.close();
    await workers.shutdown();
    await server.close();
  }
}

// The results of a run as one JSON object (`maft results --json`) and its parts. Built from the
// workflow's state, so it reads the same whether the run completed, was cancelled or is running.
import type { CollaborationSummary, DatasetSizes } from '../../experiment/step-types';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import type { IterationResult, RunState } from '../../experiment/run-types';
import { rlTraining } from './rl-training';
import type { RlTrainingBatch } from './rl-training';

export interface IterationReport {
  iteration: number;
  /** eval.parquet of this evaluation, relative to the run directory (per-question outcomes). */
  evalFile: string;
  accuracy: number;
  stderr: number;
  questions: number;
  perRound: { round: number; accuracy: number; stderr: number }[];
  diversity: { consensus: number | null; nll: number | null };
  ties: number;
  /** Training-data outcome of this iteration (absent for evaluation-only iterations). */
  votes?: { questions: number; ties: number; noAnswer: number; majorityAccuracy: number };
  datasets: ({ trainee: string; agent: number; role: string } & DatasetSizes)[];
  training: { trainee: string; examples: number; skipped: boolean; steps: number; finalLoss: number | null; meanLoss: number | null; resumedFromStep: number }[];
  /** RL methods: expected-tie majority accuracy per turn and the revisions between turns (step-types.ts CollaborationSummary). */
  collaboration?: CollaborationSummary;
  /** RL methods: what each PPO batch (MAPoRL) or the rollout trees (MAGRPO) showed on training questions (rl-training.ts). */
  rlTraining?: RlTrainingBatch[];
}

export interface RunResults {
  runId: string;
  status: string;
  error?: string;
  config: ExperimentConfig | null;
  /** The method whose iterations `iterations` are: the config's, else the RL one the run's state holds. */
  method: string;
  iterations: IterationReport[];
  baselines: Record<string, IterationReport[]>;
}

export function iterationReport(r: IterationResult): IterationReport {
  const e = r.evaluation;
  const rl = rlTraining(r);
  return {
    iteration: r.iteration,
    evalFile: e.path,
    accuracy: e.accuracy,
    stderr: e.stderr,
    questions: e.questions,
    perRound: e.perRound.map((a, i) => ({ round: i + 1, accuracy: a.accuracy, stderr: a.stderr })),
    diversity: { consensus: e.consensusDiversity, nll: e.nllDiversity },
    ties: e.ties,
    ...(r.votes ? { votes: { questions: r.votes.questions, ties: r.votes.ties, noAnswer: r.votes.noAnswer, majorityAccuracy: r.votes.majorityAccuracy } } : {}),
    datasets: (r.datasets ?? []).map(({ id, agent, role, examples, dMinus, dPlus, fromMinus, fromPlus, repeats }) => ({
      trainee: id, agent, role, examples, dMinus, dPlus, fromMinus, fromPlus, repeats,
    })),
    training: (r.training ?? []).map(({ trainee, examples, skipped, steps, finalLoss, meanLoss, resumedFromStep }) => ({
      trainee, examples, skipped, steps, finalLoss, meanLoss, resumedFromStep,
    })),
    ...(e.collaboration ? { collaboration: e.collaboration } : {}),
    ...(rl ? { rlTraining: rl } : {}),
  };
}

export function runResults(state: RunState | null, base: { runId: string; status: string; error?: string; config: ExperimentConfig | null }): RunResults {
  // The run's main method, whose iterations are the variant of its name; the rest are baselines.
  const main = base.config?.method ?? (state?.results.magrpo ? 'magrpo' : state?.results.maporl ? 'maporl' : 'multiagent-ft');
  const baselines: Record<string, IterationReport[]> = {};
  for (const [name, results] of Object.entries(state?.results ?? {})) {
    if (name !== main && results) baselines[name] = results.map(iterationReport);
  }
  return { ...base, method: main, iterations: (state?.results[main] ?? []).map(iterationReport), baselines };
}

/** The name of the run's main method in reports. */
export function mainMethod(results: RunResults): string {
  return results.method;
}

/** Every evaluation of the run as [method, report], the main method's first, then each baseline's. */
export function methodReports(results: RunResults): [string, IterationReport][] {
  const main = mainMethod(results);
  return [
    ...results.iterations.map((r): [string, IterationReport] => [main, r]),
    ...Object.entries(results.baselines).flatMap(([name, rs]) => rs.map((r): [string, IterationReport] => [name, r])),
  ];
}

/**
 * The exit status of `maft results`: 1 for a run that failed, was terminated or timed out; with
 * --wait (a script waiting for the run to succeed) also for a cancelled one. 0 otherwise — a
 * running run is not an error when one only looks.
 */
export function resultsExitCode(status: string, { waited }: { waited: boolean }): number {
  if (status === 'completed') return 0;
  if (['failed', 'terminated', 'timed_out'].includes(status)) return 1;
  return waited ? 1 : 0;
}

// MAPoRL's learned verifier (`maporl.verifier: model`) as the Verifier page reads it: what it
// learned from — the base model's answers to the verifier's own questions (verifier/samples.parquet
// over questions/verifier.parquet), labelled 1/0 as trainVerifier labelled them — its BCE loss per
// optimizer step (verifier/losses.parquet), and how well its v(t, i) matched the ground truth on
// every PPO batch it scored afterwards (each batch's scores.parquet holds both).
import { questionsSchema, responseScoreSchema, rolloutSchema, rowToQuestion, trainingLogSchema } from '../../data/artifacts';
import type { ResponseScoreRow, RolloutRow, TrainingStepRow } from '../../data/artifacts';
import { agrees } from '../../data/method/majority-vote';
import { verifierCalibration } from '../../data/method/maporl/verifier-calibration';
import type { VerifierCalibration } from '../../data/method/maporl/verifier-calibration';
import type { Task } from '../../data/task';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import type { MaporlConfig } from '../../experiment/maporl-schema';
import { ADAPTER_DIR, batchDir, inStep, LOSSES_FILE, questionsFile, SCORES_FILE, stepDir, VERIFIER_DIR, VERIFIER_SAMPLES_FILE } from '../../experiment/run-layout';
import type { RunArtifacts } from './artifacts';
import type { PlannedIteration } from './plan';
import { share } from './rl-stats';

/** The verifier's training config when the run trains one; null for ground-truth scores, another method or no config. */
export function learnedVerifier(c: ExperimentConfig | null): MaporlConfig['verifierTraining'] | null {
  return c?.method === 'maporl' && c.maporl.verifier === 'model' ? c.maporl.verifierTraining : null;
}

export interface VerifierSample {
  rollout: RolloutRow;
  /** The label: the answer equals the reference; null where the task or the question is unknown. */
  correct: boolean | null;
}

export interface VerifierQuestion {
  id: string;
  /** null when questions/verifier.parquet does not hold the question. */
  question: string | null;
  reference: string | null;
  samples: VerifierSample[];
}

export interface LabelBalance {
  samples: number;
  /** Share of samples labelled 1. */
  correct: number;
  /** Questions by their samples' labels: only the mixed ones make the verifier tell answers to the same question apart. */
  allRight: number;
  mixed: number;
  noneRight: number;
}

export interface BatchCalibration {
  batch: number;
  scores: string;
  /** null until scoreRollouts has written the batch's scores. */
  calibration: VerifierCalibration | null;
}

export interface IterationCalibration {
  variant: string;
  iteration: number;
  batches: BatchCalibration[];
  /** Every scored response of the iteration together; null before the first is scored. */
  all: VerifierCalibration | null;
}

export interface MaporlVerifier {
  files: { questions: string; samples: string; losses: string; adapter: string };
  /** The verifier split's size; null until prepareRun has written it. */
  questions: number | null;
  /** null until trainVerifier has written its samples. */
  samples: VerifierQuestion[] | null;
  balance: LabelBalance | null;
  /** null while the verifier trains (or when it failed). */
  losses: TrainingStepRow[] | null;
  /** The RL iterations (l ≥ 1) that have PPO batches, in the order given. */
  calibration: IterationCalibration[];
}

/** The verifier of a run, and its calibration on the PPO batches of `iterations` (the RL variants' iterations l ≥ 1). */
export async function maporlVerifier(artifacts: RunArtifacts, runId: string, task: Task | null, iterations: readonly PlannedIteration[]): Promise<MaporlVerifier> {
  const files = {
    questions: questionsFile('verifier'),
    samples: inStep(VERIFIER_DIR, VERIFIER_SAMPLES_FILE),
    losses: inStep(VERIFIER_DIR, LOSSES_FILE),
    adapter: inStep(VERIFIER_DIR, ADAPTER_DIR),
  };
  const [questionRows, sampleRows, losses, calibration] = await Promise.all([
    artifacts.rows(questionsSchema, runId, files.questions),
    artifacts.rows(rolloutSchema, runId, files.samples),
    artifacts.rows(trainingLogSchema, runId, files.losses),
    Promise.all(iterations.map((it) => iterationCalibration(artifacts, runId, it))),
  ]);
  const byId = new Map((questionRows ?? []).map(rowToQuestion).map((q) => [q.id, q]));
  const samples = sampleRows
    ? [...new Set(sampleRows.map((r) => r.questionId))].map((id): VerifierQuestion => {
        const q = byId.get(id);
        return {
          id,
          question: q?.question ?? null,
          reference: q?.answer ?? null,
          // The label trainVerifier trained on: the extracted answer equals the reference.
          samples: sampleRows.filter((r) => r.questionId === id).map((rollout) => ({ rollout, correct: q && task ? agrees(rollout.answer, q.answer, task.isEquivalent) : null })),
        };
      })
    : null;
  return { files, questions: questionRows?.length ?? null, samples, balance: samples && labelBalance(samples), losses, calibration: calibration.filter((c) => c.batches.length > 0) };
}

function labelBalance(questions: readonly VerifierQuestion[]): LabelBalance {
  const labels = questions.map((q) => q.samples.flatMap((s) => (s.correct === null ? [] : [s.correct])));
  const known = labels.filter((l) => l.length > 0);
  return {
    samples: questions.reduce((n, q) => n + q.samples.length, 0),
    correct: share(labels.flat()),
    allRight: known.filter((l) => l.every(Boolean)).length,
    mixed: known.filter((l) => l.some(Boolean) && !l.every(Boolean)).length,
    noneRight: known.filter((l) => !l.some(Boolean)).length,
  };
}

async function iterationCalibration(artifacts: RunArtifacts, runId: string, it: PlannedIteration): Promise<IterationCalibration> {
  const names = await artifacts.subdirs(runId, it.dir, 'batch-');
  const scored = await Promise.all(
    names.map(async (name) => {
      const batch = Number(name.slice('batch-'.length));
      const scores = inStep(stepDir(batchDir(it.dir, batch), 'scores'), SCORES_FILE);
      return { batch, scores, rows: await artifacts.rows(responseScoreSchema, runId, scores) };
    }),
  );
  const all: ResponseScoreRow[] = scored.flatMap((b) => b.rows ?? []);
  return {
    variant: it.variant,
    iteration: it.iteration,
    batches: scored.map((b) => ({ batch: b.batch, scores: b.scores, calibration: b.rows ? verifierCalibration(b.rows) : null })),
    all: all.length > 0 ? verifierCalibration(all) : null,
  };
}

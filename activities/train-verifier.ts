// trainVerifier: MAPoRL's learned verifier (`maporl.verifier: model`; Park et al. 2025 section
// 3.2, the public code's train_reward.py), trained once per run before any RL: the base model
// answers each of the verifier's own questions (questions/verifier.parquet, drawn apart from the
// RL ones) maporl.verifierTraining.samplesPerQuestion times, each answer is labelled 1/0 by the
// reference, and base + LoRA + scalar head learn sigmoid(head) ≈ P(correct) with binary
// cross-entropy on every completion token (lm/'s verifier objective). scoreRollouts then reads
// the head's probability after the last token as v(t, i). The labelled answers are kept as
// samples.parquet beside the verifier's adapter/.
import { join } from 'node:path';
import { Context, CancelledFailure } from '@temporalio/activity';
import { rolloutSchema, writeRows } from '../data/artifacts';
import { jointActions } from '../data/method/magrpo/joint-actions';
import { agrees } from '../data/method/majority-vote';
import { runRollouts } from '../data/method/magrpo/rollouts';
import { deriveSeed } from '../data/method/seed';
import { inStep, questionsFile, VERIFIER_SAMPLES_FILE } from '../experiment/run-layout';
import type { TrainVerifierInput, VerifierSummary } from '../experiment/step-types';
import type { RlExample, RlObjective } from '../lm/types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import type { ModelPool } from './model-pool';
import { POLICY_BATCH_TOKENS } from './policy-update';
import { readQuestions, samplingOf, taskOf } from './run-files';
import { heartbeatWhile } from './heartbeat-while';
import { cachedStep } from './step-cache';
import { rlLoraOptions, trainRlInStep } from './rl-training';

export async function trainVerifier(deps: ActivityDeps, models: ModelPool, input: TrainVerifierInput): Promise<VerifierSummary> {
  const { runId, config, stepDir } = input;
  if (config.method !== 'maporl' || config.maporl.verifier !== 'model') throw new MaftInputError('trainVerifier runs for method maporl with verifier: model');
  const training = config.maporl.verifierTraining;
  const objective: RlObjective = { head: { kind: 'verifier', tokens: 'completion' }, normalize: 'token-mean' };
  const options = rlLoraOptions({ lora: training.lora, learningRate: training.learningRate, epochs: training.epochs, batchTokens: POLICY_BATCH_TOKENS, seed: deriveSeed(config.seed, 'maporl-verifier') });
  return cachedStep(deps, {
    step: 'trainVerifier',
    runId,
    stepDir,
    inputs: { model: config.model.path, task: config.task.name, promptStyle: config.task.promptStyle, sampling: config.sampling, seed: config.seed, training, objective, options },
    inputPaths: [questionsFile('verifier')],
    compute: async (dir) => {
      const task = taskOf(config);
      const questions = await readQuestions(deps, runId, 'verifier');
      const model = await models.get(config.model.path, { device: config.model.device, threads: config.model.threads });
      const k = training.samplesPerQuestion;
      const ctx = Context.current();
      // One turn of one agent with K samples per question: the base model's answers, as rollouts.
      const sampled = await heartbeatWhile(() => ({ step: 0, total: 0 }), () => runRollouts(model, {
        task,
        questions,
        agents: 1,
        turns: 1,
        k,
        actions: jointActions(1, k, 'aligned'),
        terminationThreshold: null,
        reward: () => Promise.resolve(0),
        adapterOf: () => undefined,
        sampling: samplingOf(config),
        seedOf: () => deriveSeed(config.seed, 'maporl-verifier-samples'),
      }));
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('verifier training cancelled');
      const samples = await writeRows(rolloutSchema, join(dir, VERIFIER_SAMPLES_FILE), sampled.rows);
      const byId = new Map(questions.map((q) => [q.id, q]));
      const examples = sampled.rows.map((r): RlExample => {
        const q = byId.get(r.questionId)!;
        return { prompt: task.generationPrompt(q), completion: r.tokenIds, label: agrees(r.answer, q.answer, task.isEquivalent) ? 1 : 0 };
      });
      const trained = await trainRlInStep(deps, config, { runId, dir, stepDir, trainee: 'verifier' }, { init: null, examples, objective, options });
      return { outputs: [...trained.outputs, samples], summary: { ...trained.summary, samples: inStep(stepDir, VERIFIER_SAMPLES_FILE), positives: examples.filter((e) => e.label === 1).length } };
    },
  });
}

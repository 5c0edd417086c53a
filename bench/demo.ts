// `npm run bench -- demo [--reps 3] [--examples 190] [--questions 32]`
// The demo's own model work at the demo's shapes (configs/demo.yaml) on the embedded tiny
// model: (a) one agent's LoRA finetunes through finetune() — a generation dataset (prompt
// ~35 + response ~95 tokens) and a critic dataset (prompt ~330 tokens), rank 8 on all seven
// projections, lr 5e-4, 5 warmup steps, 2 epochs, 2,048 batch tokens — with the share of
// each call spent before its first optimizer step (thread, model, graph, session);
// (b) one debate shard: 3 agents × 2 rounds over 32 questions at temperature 0.7, up to 128
// new tokens, through openModel() and data/method/debate.ts. Worked solutions come from the
// pretraining corpus generator, so the datasets look like the demo's (~190 examples per agent).
// Prints one JSON object and a table; `npm run bench -- lm` prints the same figures.

import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDrawRng } from '../data/draw-rng';
import { runDebate } from '../data/method/debate';
import type { Question } from '../data/task';
import { ARITHMETIC_MAX_VALUE, createArithmeticTask, generateArithmeticQuestions } from '../data/tasks/arithmetic';
import { finetune, openModel } from '../lm';
import type { TrainExample, FinetuneOptions } from '../lm/types';
import { LORA_MODULES } from '../lm/lora-modules';
import { formatResponse, workedSolution } from '../pretraining/worked-solution';
import { intOption } from './lib/args';
import { printTable } from './lib/table';

const MODEL_DIR = 'data/models/tiny';
const RUNTIME = { device: 'cpu' as const, threads: 2 };
const task = createArithmeticTask({ promptStyle: 'compact' });

/** configs/demo.yaml's finetune.generation (and .critic) block. */
export const DEMO_FINETUNE: FinetuneOptions = {
  method: 'lora', lora: { rank: 8, alpha: 16, dropout: 0, targetModules: [...LORA_MODULES] }, learningRate: 5e-4, epochs: 2, batchTokens: 2048,
  gradientAccumulation: 1, weightDecay: 0, betas: [0.9, 0.999], warmupSteps: 5, schedule: 'cosine', maxGradNorm: 1, seed: 1,
};

/** Demo-shaped datasets: worked solutions (3% step slips) of seeded questions, as an agent's own answers. */
export function demoDatasets(examples: number): Record<'generation' | 'critic', TrainExample[]> {
  const rng = createDrawRng(5);
  const solve = (q: Question): string => {
    const values = q.id.slice('arith-'.length).split('-').map(Number) as [number, number, number, number, number, number];
    if (values.some((v) => v > ARITHMETIC_MAX_VALUE)) throw new Error(`unexpected question id ${q.id}`);
    const s = workedSolution(values, 'products-first', rng, 0.03);
    return formatResponse(s.steps, s.result);
  };
  const questions = generateArithmeticQuestions(1, examples);
  return {
    generation: questions.map((q) => ({ prompt: task.generationPrompt(q), completion: solve(q) })),
    critic: questions.map((q) => ({ prompt: task.criticPrompt(q, solve(q), [solve(q), solve(q)]), completion: solve(q) })),
  };
}

interface FinetuneFigures {
  seconds: number;
  /** Before the first optimizer step reported: thread, model, graph, session, first step. */
  untilFirstStepShare: number;
  steps: number;
  trainedTokensPerSecond: number;
  finalLoss: number;
  meanLoss: number;
}

async function timeFinetune(examples: TrainExample[]): Promise<FinetuneFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'maft-bench-demo-'));
  try {
    const start = performance.now();
    let first: number | undefined;
    const r = await finetune({
      modelDir: MODEL_DIR, examples, options: DEMO_FINETUNE, outDir: join(dir, 'adapter'), checkpointDir: join(dir, 'checkpoints'), runtime: RUNTIME,
      onProgress: () => (first ??= performance.now()),
    });
    const seconds = (performance.now() - start) / 1000;
    return {
      seconds, untilFirstStepShare: ((first ?? start) - start) / 1000 / seconds, steps: r.steps,
      trainedTokensPerSecond: r.tokens / seconds, finalLoss: r.finalLoss, meanLoss: r.meanLoss,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface DebateFigures {
  seconds: number;
  generatedTokens: number;
  tokensPerSecond: number;
}

async function timeDebate(questions: number): Promise<DebateFigures> {
  const model = await openModel(MODEL_DIR, RUNTIME);
  try {
    const qs = generateArithmeticQuestions(2, questions);
    // Untimed warm-up: the first runs of a session allocate its buffers.
    await model.generate([{ prompt: task.generationPrompt(qs[0]) }], { maxNewTokens: 8, temperature: 0.7, seed: 1 });
    const start = performance.now();
    const { generatedTokens } = await runDebate(model, {
      task, questions: qs, agents: 3, rounds: 2, style: 'debate', summarize: false,
      generationAdapters: [undefined, undefined, undefined], criticAdapters: [undefined, undefined, undefined],
      sampling: { maxNewTokens: 128, temperature: 0.7 }, seedOf: (round, agent) => 100 * round + agent,
    });
    const seconds = (performance.now() - start) / 1000;
    return { seconds, generatedTokens, tokensPerSecond: generatedTokens / seconds };
  } finally {
    await model.close();
  }
}

export interface DemoFigures {
  loadAverage: number;
  finetune: Record<'generation' | 'critic', FinetuneFigures>;
  debate: DebateFigures;
}

/** Medians over `reps` of each measurement (repetitions interleaved, so load drifts hit all alike). */
export async function demoFigures(reps: number, examples: number, questions: number): Promise<DemoFigures> {
  const data = demoDatasets(examples);
  const runs: { generation: FinetuneFigures; critic: FinetuneFigures; debate: DebateFigures }[] = [];
  for (let r = 0; r < reps; r++) {
    runs.push({ generation: await timeFinetune(data.generation), critic: await timeFinetune(data.critic), debate: await timeDebate(questions) });
  }
  // The run of median time, whole (its loss is printed with it); with even reps the lower one.
  const byMedianSeconds = <T extends { seconds: number }>(xs: T[]): T => [...xs].sort((a, b) => a.seconds - b.seconds)[(xs.length - 1) >> 1];
  return {
    loadAverage: loadavg()[0],
    finetune: { generation: byMedianSeconds(runs.map((r) => r.generation)), critic: byMedianSeconds(runs.map((r) => r.critic)) },
    debate: byMedianSeconds(runs.map((r) => r.debate)),
  };
}

export function demoRows(f: DemoFigures): string[][] {
  const ft = (name: string, x: FinetuneFigures): string[] => [
    `finetune ${name}`, x.seconds.toFixed(2), `${x.steps} steps, ${x.trainedTokensPerSecond.toFixed(0)} trained tok/s`, `${(100 * x.untilFirstStepShare).toFixed(0)}% before step 1`, `loss mean ${x.meanLoss.toFixed(5)}, final ${x.finalLoss.toFixed(5)}`,
  ];
  return [
    ft('generation', f.finetune.generation),
    ft('critic', f.finetune.critic),
    ['debate shard (3 × 2 × 32)', f.debate.seconds.toFixed(2), `${f.debate.tokensPerSecond.toFixed(0)} generated tok/s`, '', `${f.debate.generatedTokens} tokens`],
  ];
}

export const DEMO_HEADER = ['demo workload (tiny model)', 'median s', 'throughput', 'start-up', 'check'];

export async function run(args: string[]): Promise<void> {
  const figures = await demoFigures(intOption(args, 'reps', 3), intOption(args, 'examples', 190), intOption(args, 'questions', 32));
  console.log(JSON.stringify({ benchmark: 'demo', ...figures }));
  printTable(DEMO_HEADER, demoRows(figures));
  console.log(`load average ${figures.loadAverage.toFixed(1)}`);
}

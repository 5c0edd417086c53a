// `npm run bench -- demo [--reps 3] [--examples 190] [--questions 32] [--only finetune|debate]`
// The demo's own model work at the demo's shapes (configs/demo.yaml) on the embedded tiny
// model: (a) one agent's LoRA finetunes through finetune() — a generation dataset (prompt
// ~35 + response ~95 tokens) and a critic dataset (prompt ~330 tokens), rank 8 on all seven
// projections, lr 5e-4, 5 warmup steps, 2 epochs, 2,048 batch tokens — with the share of
// each call spent before its first optimizer step (thread, model, graph, session);
// (b) one debate shard: 3 agents × 2 rounds over 32 questions at temperature 0.7, up to 128
// new tokens, through openModel() and data/method/debate.ts: with every agent on the base model
// (iteration 0) and with each agent on its own LoRA adapter (iterations 1+: random rank-8 adapters
// on all seven projections), each the first shard of a freshly opened model and then a second
// shard on the same model (the demo's workers keep their model open across shards). The rows'
// SHA-256 shows whether a change altered what the agents said. Worked solutions come from the
// pretraining corpus generator, so the datasets look like the demo's (~190 examples per agent).
// Prints one JSON object and a table; `npm run bench -- lm` prints the same figures.

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDrawRng } from '../data/draw-rng';
import { runDebate } from '../data/method/debate';
import type { Question } from '../data/task';
import { ARITHMETIC_MAX_VALUE, createArithmeticTask, generateArithmeticQuestions } from '../data/tasks/arithmetic';
import { finetune, openModel, writeRandomAdapterDir } from '../lm';
import type { TrainExample, FinetuneOptions } from '../lm/types';
import { LORA_MODULES } from '../lm/lora-modules';
import { formatResponse, workedSolution } from '../pretraining/worked-solution';
import { intOption, stringOption } from './lib/args';
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

/** CPU seconds of this process (every thread: ORT's, the finetune thread's) since `from`; under load they vary far less than wall time. */
function cpuSecondsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

interface FinetuneFigures {
  seconds: number;
  cpuSeconds: number;
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
    const cpu = process.cpuUsage();
    let first: number | undefined;
    const r = await finetune({
      modelDir: MODEL_DIR, examples, options: DEMO_FINETUNE, outDir: join(dir, 'adapter'), checkpointDir: join(dir, 'checkpoints'), runtime: RUNTIME,
      onProgress: () => (first ??= performance.now()),
    });
    const seconds = (performance.now() - start) / 1000;
    return {
      seconds, cpuSeconds: cpuSecondsSince(cpu), untilFirstStepShare: ((first ?? start) - start) / 1000 / seconds, steps: r.steps,
      trainedTokensPerSecond: r.tokens / seconds, finalLoss: r.finalLoss, meanLoss: r.meanLoss,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface DebateFigures {
  seconds: number;
  cpuSeconds: number;
  generatedTokens: number;
  tokensPerSecond: number;
  /** First 16 hex digits of the SHA-256 of the rows (JSON). */
  rows: string;
}

type ShardFigures = Record<'first' | 'second', DebateFigures>;

/** Two debate shards on one freshly opened model; `adapters`: each agent's adapter directory. */
async function timeDebate(questions: number, adapters: readonly (string | undefined)[]): Promise<ShardFigures> {
  const model = await openModel(MODEL_DIR, RUNTIME);
  try {
    // Untimed warm-up: the first runs of a session allocate its buffers.
    await model.generate([{ prompt: task.generationPrompt(generateArithmeticQuestions(2, 1)[0]) }], { maxNewTokens: 8, temperature: 0.7, seed: 1 });
    const shard = async (seed: number): Promise<DebateFigures> => {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const debate = await runDebate(model, {
        task, questions: generateArithmeticQuestions(seed, questions), agents: 3, rounds: 2, style: 'debate', summarize: false,
        generationAdapters: adapters, criticAdapters: adapters,
        sampling: { maxNewTokens: 128, temperature: 0.7 }, seedOf: (round, agent) => 100 * round + agent,
      });
      const seconds = (performance.now() - start) / 1000;
      const rows = createHash('sha256').update(JSON.stringify(debate.rows)).digest('hex').slice(0, 16);
      return { seconds, cpuSeconds: cpuSecondsSince(cpu), generatedTokens: debate.generatedTokens, tokensPerSecond: debate.generatedTokens / seconds, rows };
    };
    return { first: await shard(2), second: await shard(3) };
  } finally {
    await model.close();
  }
}

export interface DemoFigures {
  loadAverage: number;
  finetune?: Record<'generation' | 'critic', FinetuneFigures>;
  /** Every agent on the base model, and each on its own adapter. */
  debate?: Record<'base' | 'adapters', ShardFigures>;
}

/** Medians over `reps` of each measurement (repetitions interleaved, so load drifts hit all alike). */
export async function demoFigures(reps: number, examples: number, questions: number, only: 'all' | 'finetune' | 'debate' = 'all'): Promise<DemoFigures> {
  const data = demoDatasets(examples);
  const dir = await mkdtemp(join(tmpdir(), 'maft-bench-demo-adapters-'));
  try {
    const adapters = [1, 2, 3].map((k) => join(dir, `agent-${k}`));
    for (const [k, adapter] of adapters.entries()) await writeRandomAdapterDir(adapter, MODEL_DIR, { seed: k + 1, rank: 8, alpha: 16, std: 0.05 });
    const runs: { generation?: FinetuneFigures; critic?: FinetuneFigures; base?: ShardFigures; adapters?: ShardFigures }[] = [];
    for (let r = 0; r < reps; r++) {
      const run: (typeof runs)[number] = {};
      if (only !== 'debate') {
        run.generation = await timeFinetune(data.generation);
        run.critic = await timeFinetune(data.critic);
      }
      if (only !== 'finetune') {
        run.base = await timeDebate(questions, [undefined, undefined, undefined]);
        run.adapters = await timeDebate(questions, adapters);
      }
      runs.push(run);
    }
    // The run of median time, whole (its loss is printed with it); with even reps the lower one.
    const byMedianSeconds = <T extends { seconds: number }>(xs: T[]): T => [...xs].sort((a, b) => a.seconds - b.seconds)[(xs.length - 1) >> 1];
    const pick = <K extends keyof (typeof runs)[number]>(key: K) => runs.map((run) => run[key]!);
    const shards = (xs: ShardFigures[]): ShardFigures => ({ first: byMedianSeconds(xs.map((x) => x.first)), second: byMedianSeconds(xs.map((x) => x.second)) });
    return {
      loadAverage: loadavg()[0],
      ...(only !== 'debate' && { finetune: { generation: byMedianSeconds(pick('generation')), critic: byMedianSeconds(pick('critic')) } }),
      ...(only !== 'finetune' && { debate: { base: shards(pick('base')), adapters: shards(pick('adapters')) } }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function demoRows(f: DemoFigures): string[][] {
  const ft = (name: string, x: FinetuneFigures): string[] => [
    `finetune ${name}`, x.seconds.toFixed(2), `${x.steps} steps, ${x.trainedTokensPerSecond.toFixed(0)} trained tok/s, CPU ${x.cpuSeconds.toFixed(2)} s`, `${(100 * x.untilFirstStepShare).toFixed(0)}% before step 1`, `loss mean ${x.meanLoss.toFixed(5)}, final ${x.finalLoss.toFixed(5)}`,
  ];
  const debate = (name: string, x: DebateFigures): string[] => [name, x.seconds.toFixed(2), `${x.tokensPerSecond.toFixed(0)} generated tok/s, CPU ${x.cpuSeconds.toFixed(2)} s`, '', `${x.generatedTokens} tokens, rows ${x.rows}`];
  return [
    ...(f.finetune ? [ft('generation', f.finetune.generation), ft('critic', f.finetune.critic)] : []),
    ...(f.debate
      ? [
          debate('debate shard (3 × 2 × 32), base', f.debate.base.first),
          debate('  second shard, same model', f.debate.base.second),
          debate('debate shard, an adapter per agent', f.debate.adapters.first),
          debate('  second shard, same model', f.debate.adapters.second),
        ]
      : []),
  ];
}

export const DEMO_HEADER = ['demo workload (tiny model)', 'median s', 'throughput', 'start-up', 'check'];

export async function run(args: string[]): Promise<void> {
  const only = stringOption(args, 'only', 'all');
  if (only !== 'all' && only !== 'finetune' && only !== 'debate') throw new Error(`--only needs finetune or debate, got ${only}`);
  const figures = await demoFigures(intOption(args, 'reps', 3), intOption(args, 'examples', 190), intOption(args, 'questions', 32), only);
  console.log(JSON.stringify({ benchmark: 'demo', ...figures }));
  printTable(DEMO_HEADER, demoRows(figures));
  console.log(`load average ${figures.loadAverage.toFixed(1)}`);
}

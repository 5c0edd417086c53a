// The experiment YAML: the science of one run (method, task, model, agents N, rounds M,
// iterations L, critic mix w, sampling, finetuning per role, baselines). Validated completely —
// schema, then files on disk and task names — before any workflow starts.
//
// `method` says which method runs: multiagent-ft (Subramaniam et al. 2025, SFT on debate
// transcripts; the default), maporl or magrpo, each RL method with its own section. The task,
// model, agents, rounds (the RL methods' turns), iterations, debate, sampling and evaluation are
// shared; critic, finetune and baselines are multiagent-ft's. The RL methods give some shared
// keys other defaults (maporl-schema.ts, magrpo-schema.ts) — only in their configs, so a
// multiagent-ft config parses exactly as before (its sub-objects are hashed into step cache keys).
import { z } from 'zod';
import { magrpoSchema, magrpoSharedDefaults } from './magrpo-schema';
import type { MagrpoConfig } from './magrpo-schema';
import { rlBaselineNames } from './rl-baselines';
import { maporlSchema, maporlSharedDefaults } from './maporl-schema';
import type { MaporlConfig } from './maporl-schema';

export const methodNames = ['multiagent-ft', 'maporl', 'magrpo'] as const;
export type MethodName = (typeof methodNames)[number];

/** Baselines and ablations of the paper's tables 1 and 2; the main run is `multiagent-ft`. */
export const baselineNames = [
  'base',
  'majority',
  'debate',
  'majority-ft',
  'single-agent-ft',
  'without-summary',
  'without-critics',
] as const;
export type BaselineName = (typeof baselineNames)[number];

const roleFinetuneSchema = z
  .object({
    mode: z.enum(['lora', 'full']).default('lora'),
    rank: z.number().int().min(1).default(8),
    alpha: z.number().positive().default(16),
    dropout: z.number().min(0).max(1).default(0),
    targetModules: z.array(z.string().min(1)).min(1).default(['q_proj', 'k_proj', 'v_proj', 'o_proj']),
    learningRate: z.number().positive().default(1e-3),
    epochs: z.number().int().min(1).default(1),
    weightDecay: z.number().min(0).default(0),
    /** Examples are packed into batches of at most this many tokens. */
    batchTokens: z.number().int().min(1).default(1024),
    gradientAccumulation: z.number().int().min(1).default(1),
    warmupSteps: z.number().int().min(0).default(0),
    schedule: z.enum(['cosine', 'linear', 'constant']).default('cosine'),
    maxGradNorm: z.number().positive().default(1),
  })
  .strict();

const configSchema = z
  .object({
    name: z.string().min(1).optional(),
    method: z.enum(methodNames).default('multiagent-ft'),
    seed: z.number().int().min(0).default(1),
    task: z
      .object({
        name: z.string().min(1),
        promptStyle: z.enum(['paper', 'compact']).default('paper'),
        /** Data file of file-based tasks (relative paths are from the working directory). */
        file: z.string().min(1).optional(),
        testFile: z.string().min(1).optional(),
        trainSize: z.number().int().min(1),
        testSize: z.number().int().min(1),
        skipInvalid: z.boolean().default(false),
        filters: z.record(z.string(), z.string()).optional(),
      })
      .strict(),
    model: z
      .object({
        /** Hugging Face model directory; the embedded tiny model by default. */
        path: z.string().min(1).default('data/models/tiny'),
        device: z.enum(['cpu', 'cuda']).default('cpu'),
        threads: z.number().int().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /** N: generation agents (and as many critic agents). */
    agents: z.number().int().min(1).max(64),
    /** M: debate rounds; round 1 is the generation agents, rounds 2..M the critics. */
    rounds: z.number().int().min(1).max(16),
    /** L: finetuning iterations. */
    iterations: z.number().int().min(0).max(100),
    debate: z
      .object({
        /** debate: critique the others' answers; cooperative: combine them (paper appendix D). */
        style: z.enum(['debate', 'cooperative']).default('debate'),
        /** Summarize the other agents' answers with a summarizer agent (paper B.1) instead of concatenating them. */
        summarize: z.boolean().default(false),
        /** Questions per generateDebate activity; shards run in parallel. */
        shardSize: z.number().int().min(1).default(32),
      })
      .strict()
      .prefault({}),
    sampling: z
      .object({
        temperature: z.number().min(0).max(5).default(0.7),
        topP: z.number().gt(0).max(1).default(1),
        topK: z.number().int().min(1).optional(),
        maxTokens: z.number().int().min(1).default(256),
        stop: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .prefault({}),
    critic: z
      .object({
        /** w: the share of a critic's examples drawn from D⁻ (answers corrected during the debate). */
        w: z.number().min(0).max(1).default(0.5),
        /**
         * When one of D⁻ / D⁺ is too small for share w: `shrink` keeps the share exactly and uses
         * fewer examples; `replace` keeps |D⁻|+|D⁺| examples and samples the short side with replacement.
         */
        shortfall: z.enum(['shrink', 'replace']).default('shrink'),
      })
      .strict()
      .prefault({}),
    finetune: z
      .object({
        /**
         * previous: iteration l starts from the agent's adapter of iteration l−1 (the paper's
         * "finetuned agents are used" for the next iteration, and it keeps what each agent learned);
         * base: every iteration retrains from the base model on the new data.
         */
        from: z.enum(['previous', 'base']).default('previous'),
        /**
         * Questions whose final-round vote is a tie (several answers share the most votes, so ŷ is
         * a seeded pick among them): `use` labels them with that pick, as a plain majority vote
         * does; `skip` gives no agent an example from them.
         */
        ties: z.enum(['use', 'skip']).default('use'),
        generation: roleFinetuneSchema.prefault({}),
        critic: roleFinetuneSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    evaluation: z
      .object({
        /** Held-out questions evaluated (at most task.testSize); all of them by default. */
        size: z.number().int().min(1).optional(),
        /** Also evaluate before any finetuning (iteration 0). */
        includeBase: z.boolean().default(true),
        /** Likelihood-based diversity: NLL of the other agents' answers under a held-out agent. */
        nllDiversity: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    baselines: z.array(z.enum(baselineNames)).default([]),
    maporl: maporlSchema.optional(),
    magrpo: magrpoSchema.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
    for (const role of ['generation', 'critic'] as const) {
      if (c.finetune[role].mode === 'full') {
        issue(['finetune', role, 'mode'], 'full finetuning is not supported by the pipeline yet: agents are LoRA adapters over one shared base; use "lora"');
      }
    }
    if (c.iterations === 0 && !c.evaluation.includeBase) issue(['evaluation', 'includeBase'], 'with iterations: 0 there is nothing to run unless includeBase is true');
    if (c.evaluation.size !== undefined && c.evaluation.size > c.task.testSize) {
      issue(['evaluation', 'size'], `must be at most task.testSize (${c.task.testSize})`);
    }
    if (c.baselines.includes('without-summary') && !c.debate.summarize) {
      issue(['baselines'], '"without-summary" needs debate.summarize: true (otherwise it is the main run)');
    }
    if (c.baselines.includes('without-critics') && c.rounds < 2) {
      issue(['baselines'], '"without-critics" needs rounds ≥ 2 (with one round there are no critics)');
    }
    if (new Set(c.baselines).size !== c.baselines.length) issue(['baselines'], 'lists a baseline twice');
    if (c.maporl) {
      if (c.maporl.trainTurns === 'from-2' && c.rounds < 2) issue(['maporl', 'trainTurns'], '"from-2" trains turns ≥ 2, and rounds is 1; set rounds ≥ 2 or trainTurns: all');
      if (c.maporl.verifier === 'model' && c.maporl.verifierTraining.trainSize === undefined) {
        issue(['maporl', 'verifierTraining', 'trainSize'], 'required with verifier: model: the questions the verifier is trained on, disjoint from the RL ones (the paper: 7,463 of GSM8K)');
      }
      if (c.sampling.temperature === 0) issue(['sampling', 'temperature'], 'MAPoRL samples its policies: greedy decoding (0) has no log-probabilities for the PPO ratio; the code uses 0.7');
      if (c.maporl.ppo.batchSize % c.maporl.ppo.miniBatches !== 0) {
        issue(['maporl', 'ppo', 'miniBatches'], `must divide ppo.batchSize (${c.maporl.ppo.batchSize}) into equal minibatches`);
      }
    }
    const threshold = c.magrpo?.terminationThreshold;
    if (c.magrpo && typeof c.magrpo.reward === 'string' && c.rounds > 1 && threshold != null && threshold < 0) {
      issue(
        ['magrpo', 'terminationThreshold'],
        `${threshold} stops every branch after turn 1: "${c.magrpo.reward}" rewards are in [0, 1], so every node's mean reward exceeds it (CoMLRL's default −0.2 is for its rewards shifted by −4); use a value in [0, 1), or null to expand every branch`,
      );
    }
  });

/**
 * Fills in what depends on the method before validation: the RL methods' defaults of shared
 * keys and their own section; and refuses keys that belong to another method.
 */
function withMethodDefaults(raw: unknown, ctx: z.RefinementCtx): unknown {
  if (!isRecord(raw)) return raw;
  const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  if (isRecord(raw.finetune) && raw.finetune.method !== undefined) {
    issue(['finetune', 'method'], 'removed: the top-level `method` says which method runs (multiagent-ft finetunes with SFT; maporl, magrpo)');
  }
  const given = raw.method ?? 'multiagent-ft';
  if (!methodNames.includes(given as MethodName)) return raw;
  const method = given as MethodName;
  for (const section of ['maporl', 'magrpo'] as const) {
    if (raw[section] !== undefined && method !== section) issue([section], `a ${section} section is given, but method is "${method}"; set method: ${section} or remove the section`);
  }
  if (method === 'multiagent-ft') return raw;
  if (raw.baselines !== undefined) issue(['baselines'], `multiagent-ft's baselines; method "${method}" lists its own in \`${method}.baselines\` (${rlBaselineNames.join(', ')})`);
  // critic and finetune configure SFT, which an RL run trains only for its multiagent-sft baseline.
  const section = raw[method];
  const sft = isRecord(section) && Array.isArray(section.baselines) && section.baselines.includes('multiagent-sft');
  for (const key of ['critic', 'finetune'] as const) {
    if (raw[key] !== undefined && !sft) issue([key], `multiagent-ft's setting, unused by method "${method}" unless \`${method}.baselines\` lists multiagent-sft (its settings are in its \`${method}:\` section)`);
  }
  const defaults = method === 'maporl' ? maporlSharedDefaults : magrpoSharedDefaults;
  const sampling = raw.sampling ?? {};
  return {
    agents: defaults.agents,
    rounds: defaults.rounds,
    ...raw,
    sampling: isRecord(sampling) ? { ...defaults.sampling, ...sampling } : sampling,
    [method]: raw[method] ?? {},
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type ParsedConfig = z.output<typeof configSchema>;
type SharedConfig = Omit<ParsedConfig, 'method' | 'maporl' | 'magrpo'>;

/** The config as the pipeline sees it: narrowing on `method` gives the method's own section. */
export type ExperimentConfig = SharedConfig &
  ({ method: 'multiagent-ft' } | { method: 'maporl'; maporl: MaporlConfig } | { method: 'magrpo'; magrpo: MagrpoConfig });

function byMethod(c: ParsedConfig): ExperimentConfig {
  const { maporl, magrpo, ...shared } = c;
  // withMethodDefaults gave the active RL method its section.
  if (c.method === 'maporl') return { ...shared, method: c.method, maporl: maporl! };
  if (c.method === 'magrpo') return { ...shared, method: c.method, magrpo: magrpo! };
  return { ...shared, method: c.method };
}

export const experimentSchema = z.preprocess(withMethodDefaults, configSchema).transform(byMethod);
export type RoleFinetuneConfig = z.infer<typeof roleFinetuneSchema>;

// The experiment YAML: the science of one run (task, model, agents N, rounds M, iterations L,
// critic mix w, sampling, finetuning per role, baselines). Validated completely — schema, then
// files on disk and task names — before any workflow starts.
import { z } from 'zod';

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

/** Only SFT is implemented; PPO and GRPO (MAPoRL, MAGRPO) are reserved names. */
export const finetuneMethods = ['sft', 'ppo', 'grpo'] as const;

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

export const experimentSchema = z
  .object({
    name: z.string().min(1).optional(),
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
        method: z.enum(finetuneMethods).default('sft'),
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
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: PropertyKey[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
    if (c.finetune.method !== 'sft') {
      issue(['finetune', 'method'], `"${c.finetune.method}" is reserved for reinforcement-learning finetuning and not implemented yet; use "sft"`);
    }
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
  });

export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type RoleFinetuneConfig = z.infer<typeof roleFinetuneSchema>;

// The `magrpo:` section of the experiment YAML: MAGRPO (Liu et al. 2025) — group-relative
// policy gradient over joint actions of all agents on a multi-turn rollout tree
// (data/method/magrpo/). Defaults are CoMLRL's MAGRPOConfig (OpenMLRL/CoMLRL,
// comlrl/trainers/reinforce/magrpo.py); the paper's experiments (OpenMLRL/LLM_Collab_Code_Generation
// configs/magrpo_he_config.yaml) differ where noted.
import { z } from 'zod';
import { rlBaselinesSchema } from './rl-baselines';
import type { AdvantageMode } from '../data/method/magrpo/group-advantages';
import type { JointMode } from '../data/method/magrpo/joint-actions';
import type { BuiltinReward } from '../data/method/magrpo/joint-reward';
import { loraSchema } from './lora-schema';

/** The shared keys MAGRPO sets when the YAML does not: CoMLRL num_agents 2, num_turns 2, its sampling. */
export const magrpoSharedDefaults = {
  agents: 2,
  rounds: 2,
  // CoMLRL temperature 0.6, top_p 0.6, top_k 50 (paper config: top_k null), max_new_tokens 256 (= maft's default).
  sampling: { temperature: 0.6, topP: 0.6, topK: 50 },
};

const builtinRewards = ['mean-correct', 'majority-correct'] as const satisfies readonly BuiltinReward[];

export const magrpoSchema = z
  .object({
    /** Trained beside the method on the same questions (experiment/rl-baselines.ts). */
    baselines: rlBaselinesSchema,
    /** K completions per agent and node (CoMLRL num_generations; ≥ 2 for a group baseline). */
    numGenerations: z.number().int().min(2).default(4),
    /** γ of R_j = r_j + γ · mean(child returns) (CoMLRL 0.9; paper config 1.0). */
    discount: z.number().min(0).max(1).default(0.9),
    jointMode: z.enum(['aligned', 'cross'] as const satisfies readonly JointMode[]).default('aligned'),
    /**
     * A branch stops expanding when its node's mean reward exceeds this (CoMLRL −0.2, for its
     * rewards shifted by −4); null: never stop early.
     */
    terminationThreshold: z.number().nullable().default(-0.2),
    advantageMode: z.enum(['mean', 'rloo', 'raw'] as const satisfies readonly AdvantageMode[]).default('mean'),
    /** CoMLRL 5e-6; paper config 2e-5. */
    learningRate: z.number().positive().default(5e-6),
    /** The joint reward: built in, or a module's export (a JointRewardFunction; paths from the working directory). */
    reward: z
      .union([z.enum(builtinRewards), z.object({ module: z.string().min(1), export: z.string().min(1).default('default') }).strict()])
      .default('mean-correct'),
    /** β of a k3 KL penalty to the base model (CoMLRL reference_kl_coef, 0.1 when enabled); off by default, as CoMLRL. */
    klBeta: z.number().positive().optional(),
    /** CoMLRL trains every parameter; maft's agents are adapters, with maft's SFT defaults. */
    lora: loraSchema({ rank: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] }).prefault({}),
  })
  .strict();

export type MagrpoConfig = z.infer<typeof magrpoSchema>;

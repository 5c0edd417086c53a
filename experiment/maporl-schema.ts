// The `maporl:` section of the experiment YAML: MAPoRL (Park et al. 2025) — multi-agent PPO on
// a collaborative debate with the influence-aware reward (Definition 1) and the incentives of
// Tables 1–2 (data/method/maporl/). Where the paper gives no value the default is the public
// code's (chanwoo-park-official/MAPoRL, config/ppo_config/config_ppo2_multi_agent2_turn3_gsm8k_*.py,
// abbreviated "code" below); client/README.md lists every key with its source.
import { z } from 'zod';
import { loraSchema } from './lora-schema';
import { rlBaselinesSchema } from './rl-baselines';

/** The shared keys MAPoRL sets when the YAML does not: 2 agents, 3 turns (code agent_num, round_num). */
export const maporlSharedDefaults = {
  agents: 2,
  rounds: 3,
  // code: temperature 0.7 (TEMPERATURE_DICT, Phi-3); paper 4.2: max 300 tokens on GSM8K.
  sampling: { temperature: 0.7, maxTokens: 300 },
};

export const maporlSchema = z
  .object({
    /** Trained beside the method on the same questions (experiment/rl-baselines.ts). */
    baselines: rlBaselinesSchema,
    /** γ of Definition 1 (code rule_discount 0.3; the paper only says γ ∈ [0, 1]). */
    rewardDiscount: z.number().min(0).max(1).default(0.3),
    /** α0, α1, β0, β1 of Tables 1–2 (code default [0, 0, 0, 0]; its sweep 0, 0.5, 1, 2). */
    incentives: z
      .object({
        alpha0: z.number().min(0).default(0),
        alpha1: z.number().min(0).default(0),
        beta0: z.number().min(0).default(0),
        beta1: z.number().min(0).default(0),
      })
      .strict()
      .prefault({}),
    /**
     * Verifier(q, s) of Definition 1: `ground-truth` is 1/0 correctness against the reference
     * (the code's reward_feedback False); `model` trains the paper's verifier first.
     */
    verifier: z.enum(['ground-truth', 'model']).default('ground-truth'),
    /** The verifier model (verifier: model): its own questions and training (code train_reward.py). */
    verifierTraining: z
      .object({
        /** Questions drawn for the verifier, disjoint from the RL questions (paper: 7,463 of GSM8K); required with verifier: model. */
        trainSize: z.number().int().min(1).optional(),
        /** Responses the base model samples per verifier question, labelled by correctness (maft's choice; the paper does not say). */
        samplesPerQuestion: z.number().int().min(1).default(4),
        lora: loraSchema({ rank: 16, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] }).prefault({}),
        learningRate: z.number().positive().default(2e-4),
        epochs: z.number().int().min(1).default(1),
      })
      .strict()
      .prefault({}),
    /**
     * per-turn: θ_ta, one adapter (and value head) per turn and agent, as the paper defines θ;
     * per-agent: one per agent, used in every turn; shared: one for all agents and turns (the
     * code as shipped: policy_separation False, one base model for both agents).
     */
    parameters: z.enum(['per-turn', 'per-agent', 'shared']).default('per-turn'),
    /** from-2: only turns ≥ 2 are trained (paper Experiment 1; code task_training False); all: every turn. */
    trainTurns: z.enum(['all', 'from-2']).default('from-2'),
    /** The value model sees only the question and the current response (code value_simplification True). */
    valueSimplification: z.boolean().default(true),
    lora: loraSchema({ rank: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] }).prefault({}),
    ppo: z
      .object({
        learningRate: z.number().positive().default(1e-5),
        /** λ_KL of the per-token reward (code kl_coef). */
        klCoef: z.number().min(0).default(0.002),
        /** λ_value (code vf_coef). */
        valueCoef: z.number().positive().default(0.1),
        epochs: z.number().int().min(1).default(4),
        /** Questions per rollout batch: the code's 1 per device × 4 gradient accumulation × 8 GPUs. */
        batchSize: z.number().int().min(1).default(32),
        miniBatches: z.number().int().min(1).default(8),
        /** ε of the clipped surrogate (TRL cliprange). */
        clip: z.number().gt(0).lt(1).default(0.2),
        /** Clip range of the value loss (TRL cliprange_value). */
        valueClip: z.number().positive().default(0.2),
        /** GAE within a turn's response (TRL gamma, lam). */
        gamma: z.number().min(0).max(1).default(1),
        lambda: z.number().min(0).max(1).default(0.95),
        /** Whiten advantages over each (turn, agent) batch, as TRL (data/method/maporl/whiten-advantages.ts). */
        whitenAdvantages: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type MaporlConfig = z.infer<typeof maporlSchema>;

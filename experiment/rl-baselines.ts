// The baselines an RL method's run can train beside it on the same questions and model (issue:
// "baselines side by side"): the untrained debate is always its iteration 0; `shared-policy` is
// one policy trained by the same RL method and used by every agent (and turn); `multiagent-sft` is
// multiagent finetuning (Subramaniam et al. 2025, SFT on debate transcripts), configured by the
// top-level critic and finetune sections.
import { z } from 'zod';

export const rlBaselineNames = ['shared-policy', 'multiagent-sft'] as const;
export type RlBaselineName = (typeof rlBaselineNames)[number];

export const rlBaselinesSchema = z
  .array(z.enum(rlBaselineNames))
  .default([])
  .refine((names) => new Set(names).size === names.length, 'lists a baseline twice');

// The LoRA adapter of an RL method's policy (or verifier): maft's agents are LoRA adapters over
// one shared base. Each method gives the defaults of its public code.
import { z } from 'zod';

export interface LoraDefaults {
  rank: number;
  alpha: number;
  dropout: number;
  targetModules: string[];
}

export function loraSchema(d: LoraDefaults) {
  return z
    .object({
      rank: z.number().int().min(1).default(d.rank),
      alpha: z.number().positive().default(d.alpha),
      dropout: z.number().min(0).max(1).default(d.dropout),
      targetModules: z.array(z.string().min(1)).min(1).default(d.targetModules),
    })
    .strict();
}

// The real model runtime of lm/ as the activities' dependency.
import { finetune, finetuneRl, openModel } from '../lm';
import type { ModelRuntime } from '../activities/deps';

export function lmRuntime(): ModelRuntime {
  return { openModel, finetune, finetuneRl };
}

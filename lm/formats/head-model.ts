// Value and verifier models as PEFT sequence-classification adapters: the LoRA tensors (if
// any) as for a causal LM, plus LlamaForSequenceClassification's `score` head [1, hidden]
// saved through `modules_to_save`, with `task_type: "SEQ_CLS"`. transformers + PEFT load one
// with AutoModelForSequenceClassification.from_pretrained(base, num_labels=1) and
// PeftModel.from_pretrained(model, dir); maft checks that it was trained on this base.

import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AdapterWeights } from '../decoder';
import { LmInputError } from '../errors';
import type { ModelConfig } from '../model-config';
import { adapterConfig, adapterTensors, readPeftDir, SCORE_TENSOR, writeAdapterDir, type AdapterSaveOptions } from './peft-adapter';

export interface HeadModel {
  /** Absent: the head sits on the frozen base model. */
  adapter?: AdapterWeights;
  /** The head's weight [hiddenSize]: value or verifier logit = hidden · head. */
  head: Float32Array;
}

/** safetensors metadata key of the base model's fingerprint. */
const BASE_KEY = 'maft.base_model';

/** Values of the embedding and final norm hashed into the fingerprint (spread evenly; a few KB). */
const FINGERPRINT_SAMPLES = 4096;

/**
 * Identifies a base model cheaply: its config and an even sample of its embedding and final
 * norm, so a head trained on another model of the same shape (another seed, another
 * finetune) is caught without hashing every weight.
 */
export function baseModelFingerprint(config: ModelConfig, weights: Map<string, Float32Array>): string {
  const h = createHash('sha256').update(JSON.stringify(config));
  for (const name of ['model.embed_tokens.weight', 'model.norm.weight']) {
    const w = weights.get(name);
    if (!w) continue;
    const step = Math.max(1, Math.floor(w.length / FINGERPRINT_SAMPLES));
    const sample = Float32Array.from({ length: Math.ceil(w.length / step) }, (_, i) => w[i * step]);
    h.update(new Uint8Array(sample.buffer));
  }
  return h.digest('hex').slice(0, 32);
}

export async function saveHeadModel(dir: string, model: HeadModel, options: AdapterSaveOptions & { baseFingerprint: string }): Promise<void> {
  // PEFT needs a rank even when no module is adapted (target_modules []).
  const adapter = model.adapter ?? { rank: 1, scale: 1, modules: new Map() };
  const tensors = adapterTensors(adapter);
  tensors.set(SCORE_TENSOR, { shape: [1, model.head.length], data: model.head });
  const config = { ...adapterConfig(adapter, options), task_type: 'SEQ_CLS', modules_to_save: ['score'] };
  await writeAdapterDir(dir, tensors, config, { [BASE_KEY]: options.baseFingerprint });
}

/** A value/verifier directory for the model with `config` and `weights`; a head for another base is an error naming the file. */
export async function loadHeadModel(dir: string, config: ModelConfig, weights: Map<string, Float32Array>): Promise<HeadModel> {
  const { adapter, head, metadata } = await readPeftDir(dir, config, true);
  const expected = baseModelFingerprint(config, weights);
  const recorded = metadata[BASE_KEY];
  if (recorded !== undefined && recorded !== expected) {
    throw new LmInputError(`${join(dir, 'adapter_model.safetensors')}: trained on another base model (${BASE_KEY} ${recorded}, this model ${expected})`);
  }
  return { adapter: adapter.modules.size > 0 ? adapter : undefined, head: head! };
}

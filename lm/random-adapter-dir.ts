// A loadable PEFT LoRA adapter with random A and B on every target module of a model directory:
// tests and benchmarks need agents that each run their own adapter (multi-adapter batching)
// without finetuning them first. Deterministic for a seed.

import { readModelConfig } from './formats/hf-config';
import { saveAdapter } from './formats/peft-adapter';
import type { AdapterWeights } from './decoder';
import { LORA_MODULES, loraFeatures } from './lora-modules';
import { StreamRng } from './stream-rng';

export interface RandomAdapterOptions {
  seed: number;
  rank: number;
  alpha: number;
  /** Standard deviation of A and B: large enough that the adapter changes what the model says. */
  std: number;
}

export async function writeRandomAdapterDir(dir: string, modelDir: string, options: RandomAdapterOptions): Promise<void> {
  const config = await readModelConfig(modelDir);
  const rng = StreamRng.fromSeed(options.seed);
  const normal = (n: number): Float32Array => Float32Array.from({ length: n }, () => options.std * rng.normal());
  const adapter: AdapterWeights = { rank: options.rank, scale: options.alpha / options.rank, modules: new Map() };
  for (let layer = 0; layer < config.numLayers; layer++) {
    for (const module of LORA_MODULES) {
      const [inFeatures, outFeatures] = loraFeatures(config, module);
      adapter.modules.set(`layers.${layer}.${module}`, { a: normal(inFeatures * options.rank), b: normal(options.rank * outFeatures), inFeatures, outFeatures });
    }
  }
  await saveAdapter(dir, adapter, { baseModel: modelDir });
}

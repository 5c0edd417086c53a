// A fresh model for pretraining and tests: normal(0, 0.02) matrices and embeddings (GPT-2 /
// transformers' initializer_range), ones for RMSNorm gains, zeros for biases; residual output
// projections scaled by 1/sqrt(2·layers) as in GPT-2, so deep stacks start with unit-scale
// activations.

import { expectedTensorShapes } from '../formats/model-weights';
import type { ModelConfig } from '../model-config';
import { StreamRng } from '../stream-rng';

export function initRandomWeights(config: ModelConfig, seed: number, std = 0.02): Map<string, Float32Array> {
  const rng = StreamRng.fromSeed(seed);
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of expectedTensorShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (name.endsWith('norm.weight')) data.fill(1);
    else if (!name.endsWith('.bias')) {
      const residual = name.endsWith('o_proj.weight') || name.endsWith('down_proj.weight');
      const s = residual ? std / Math.sqrt(2 * config.numLayers) : std;
      for (let i = 0; i < data.length; i++) data[i] = rng.normal() * s;
    }
    weights.set(name, data);
  }
  return weights;
}

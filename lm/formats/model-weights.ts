// A model's weights as float32 tensors under Hugging Face Llama names (lm/onnx builds its
// graphs from these names). Phi3 checkpoints fuse q/k/v and gate/up into one matrix each; they
// are split at load and fused again at save so the rest of lm/ sees one layout.

import { LmInputError } from '../errors';
import type { ModelConfig } from '../model-config';
import { ModelTensors } from './model-tensors';
import { writeModelSafetensors, type TensorToWrite, type WriteOptions } from './safetensors-write';

export type Weights = Map<string, Float32Array>;

/** Every tensor the decoder needs, with its shape ([out, in] for linear weights). */
export function expectedTensorShapes(config: ModelConfig): Map<string, number[]> {
  const { hiddenSize: d, intermediateSize: inter, numHeads, numKvHeads, headDim, vocabSize } = config;
  const shapes = new Map<string, number[]>();
  shapes.set('model.embed_tokens.weight', [vocabSize, d]);
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`;
    shapes.set(`${p}.input_layernorm.weight`, [d]);
    shapes.set(`${p}.self_attn.q_proj.weight`, [numHeads * headDim, d]);
    shapes.set(`${p}.self_attn.k_proj.weight`, [numKvHeads * headDim, d]);
    shapes.set(`${p}.self_attn.v_proj.weight`, [numKvHeads * headDim, d]);
    shapes.set(`${p}.self_attn.o_proj.weight`, [d, numHeads * headDim]);
    if (config.attentionBias) {
      shapes.set(`${p}.self_attn.q_proj.bias`, [numHeads * headDim]);
      shapes.set(`${p}.self_attn.k_proj.bias`, [numKvHeads * headDim]);
      shapes.set(`${p}.self_attn.v_proj.bias`, [numKvHeads * headDim]);
    }
    shapes.set(`${p}.post_attention_layernorm.weight`, [d]);
    shapes.set(`${p}.mlp.gate_proj.weight`, [inter, d]);
    shapes.set(`${p}.mlp.up_proj.weight`, [inter, d]);
    shapes.set(`${p}.mlp.down_proj.weight`, [d, inter]);
    if (config.mlpBias) {
      shapes.set(`${p}.mlp.gate_proj.bias`, [inter]);
      shapes.set(`${p}.mlp.up_proj.bias`, [inter]);
      shapes.set(`${p}.mlp.down_proj.bias`, [d]);
    }
  }
  shapes.set('model.norm.weight', [d]);
  if (!config.tieWordEmbeddings) shapes.set('lm_head.weight', [vocabSize, d]);
  return shapes;
}

/** Tensors a checkpoint may carry that the model does not use (transformers recomputes them). */
function isIgnorable(name: string, config: ModelConfig): boolean {
  return name.endsWith('.rotary_emb.inv_freq') || (config.tieWordEmbeddings && name === 'lm_head.weight');
}

interface FusedSource {
  fused: string;
  /** Split names with their row counts, in order. */
  parts: [string, number][];
}

/** Phi3's fused matrices and how they split into Llama names. */
function phi3Fusions(config: ModelConfig): FusedSource[] {
  const q = config.numHeads * config.headDim;
  const kv = config.numKvHeads * config.headDim;
  const fusions: FusedSource[] = [];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}`;
    fusions.push({
      fused: `${p}.self_attn.qkv_proj.weight`,
      parts: [[`${p}.self_attn.q_proj.weight`, q], [`${p}.self_attn.k_proj.weight`, kv], [`${p}.self_attn.v_proj.weight`, kv]],
    });
    fusions.push({
      fused: `${p}.mlp.gate_up_proj.weight`,
      parts: [[`${p}.mlp.gate_proj.weight`, config.intermediateSize], [`${p}.mlp.up_proj.weight`, config.intermediateSize]],
    });
  }
  return fusions;
}

export async function loadModelWeights(modelDir: string, config: ModelConfig): Promise<Weights> {
  const tensors = await ModelTensors.open(modelDir);
  try {
    return await readExpected(tensors, config, modelDir);
  } finally {
    await tensors.close();
  }
}

async function readExpected(tensors: ModelTensors, config: ModelConfig, modelDir: string): Promise<Weights> {
  const expected = expectedTensorShapes(config);
  const fusions = config.architecture === 'phi3' ? phi3Fusions(config) : [];
  const weights: Weights = new Map();
  const used = new Set<string>();

  const checkShape = (name: string, shape: number[]) => {
    const info = tensors.info(name);
    if (!['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) {
      throw new LmInputError(`${tensors.fileOf(name)}: tensor "${name}" has dtype ${info.dtype}; expected F32, F16 or BF16`);
    }
    if (info.shape.length !== shape.length || info.shape.some((n, i) => n !== shape[i])) {
      throw new LmInputError(
        `${tensors.fileOf(name)}: tensor "${name}" has shape [${info.shape.join(', ')}]; config.json implies [${shape.join(', ')}]`,
      );
    }
  };

  for (const { fused, parts } of fusions) {
    if (!tensors.has(fused)) continue;
    const cols = expected.get(parts[0][0])![1];
    checkShape(fused, [parts.reduce((n, [, rows]) => n + rows, 0), cols]);
    const data = await tensors.readFloat32(fused);
    let row = 0;
    for (const [name, rows] of parts) {
      weights.set(name, data.slice(row * cols, (row + rows) * cols));
      row += rows;
    }
    used.add(fused);
  }

  for (const [name, shape] of expected) {
    if (weights.has(name)) continue;
    if (!tensors.has(name)) throw new LmInputError(`${modelDir}: missing tensor "${name}" (shape [${shape.join(', ')}])`);
    checkShape(name, shape);
    weights.set(name, await tensors.readFloat32(name));
    used.add(name);
  }

  const unexpected = tensors.names.filter((n) => !used.has(n) && !isIgnorable(n, config));
  if (unexpected.length > 0) {
    throw new LmInputError(
      `${tensors.fileOf(unexpected[0])}: unexpected tensor "${unexpected[0]}"` +
        (unexpected.length > 1 ? ` (and ${unexpected.length - 1} more)` : '') +
        ` not used by a ${config.architecture} model with this config.json`,
    );
  }
  return weights;
}

/**
 * Checks an in-memory weight map against the config: every expected tensor present with the
 * right number of values; names the first bad one. Returns the expected shapes.
 */
export function checkWeights(config: ModelConfig, weights: Weights): Map<string, number[]> {
  const shapes = expectedTensorShapes(config);
  for (const [name, shape] of shapes) {
    const data = weights.get(name);
    if (!data) throw new LmInputError(`weight ${name} is missing`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (data.length !== size) throw new LmInputError(`weight ${name} has ${data.length} values, expected [${shape.join(', ')}] = ${size}`);
  }
  return shapes;
}

/** Writes weights in the checkpoint layout of the config's architecture (Phi3 fused again). */
export async function saveModelWeights(
  dir: string,
  weights: Weights,
  config: ModelConfig,
  options: WriteOptions & { maxShardBytes?: number } = {},
): Promise<string[]> {
  const shapes = checkWeights(config, weights);
  const out = new Map<string, TensorToWrite>();
  for (const [name, shape] of shapes) out.set(name, { shape, data: weights.get(name)! });
  if (config.architecture === 'phi3') {
    for (const { fused, parts } of phi3Fusions(config)) {
      const datas = parts.map(([name]) => out.get(name)!.data);
      const data = new Float32Array(datas.reduce((n, d) => n + d.length, 0));
      let offset = 0;
      for (const d of datas) {
        data.set(d, offset);
        offset += d.length;
      }
      const cols = shapes.get(parts[0][0])![1];
      out.set(fused, { shape: [data.length / cols, cols], data });
      for (const [name] of parts) out.delete(name);
    }
  }
  return writeModelSafetensors(dir, out, options);
}

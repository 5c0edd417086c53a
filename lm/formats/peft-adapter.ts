// LoRA adapters in PEFT's on-disk format, so adapters trained by maft load in PEFT and vLLM
// and adapters trained elsewhere load in maft. On disk A is [r, in] and B is [out, r]; in
// lm/decoder.ts's AdapterWeights (graph layout) A is [in, r] and B is [r, out].

import { join } from 'node:path';
import type { AdapterWeights } from '../decoder';
import { LmInputError } from '../errors';
import { isLoraModule, LORA_MODULES, loraFeatures, loraParent, type LoraModule } from '../lora-modules';
import type { ModelConfig } from '../model-config';
import { writeDirAtomic, writeFileAtomic } from '../../files/atomic-write';
import { SafetensorsFile } from './safetensors-read';
import { writeSafetensors, type TensorToWrite } from './safetensors-write';
import { readJsonFile } from './json-file';

/** The Hugging Face name of the linear layer an adapter key (`layers.3.q_proj`) modifies. */
export function baseWeightName(key: string): string {
  const [, layer, module] = key.split('.');
  return `model.layers.${layer}.${loraParent(module as LoraModule)}.${module}.weight`;
}

function peftPrefix(key: string): string {
  const [, layer, module] = key.split('.');
  return `base_model.model.model.layers.${layer}.${loraParent(module as LoraModule)}.${module}`;
}

function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return out;
}

export interface AdapterSaveOptions {
  /** Recorded in adapter_config.json (PEFT loads the base by this name). */
  baseModel: string;
  dropout?: number;
}

/** PEFT's tensors of a LoRA adapter (A [r, in], B [out, r]) by their saved names. */
export function adapterTensors(adapter: AdapterWeights): Map<string, TensorToWrite> {
  const tensors = new Map<string, TensorToWrite>();
  for (const [key, m] of adapter.modules) {
    const prefix = peftPrefix(key);
    tensors.set(`${prefix}.lora_A.weight`, { shape: [adapter.rank, m.inFeatures], data: transpose(m.a, m.inFeatures, adapter.rank) });
    tensors.set(`${prefix}.lora_B.weight`, { shape: [m.outFeatures, adapter.rank], data: transpose(m.b, adapter.rank, m.outFeatures) });
  }
  return tensors;
}

/** adapter_config.json of a LoRA adapter (a causal LM's unless the caller changes task_type). */
export function adapterConfig(adapter: Pick<AdapterWeights, 'rank' | 'scale' | 'modules'>, options: AdapterSaveOptions): Record<string, unknown> {
  const targets = new Set([...adapter.modules.keys()].map((key) => key.split('.')[2]));
  return {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    r: adapter.rank,
    lora_alpha: adapter.scale * adapter.rank,
    lora_dropout: options.dropout ?? 0,
    target_modules: LORA_MODULES.filter((m) => targets.has(m)),
    bias: 'none',
    base_model_name_or_path: options.baseModel,
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    layers_to_transform: null,
    rank_pattern: {},
    alpha_pattern: {},
    use_rslora: false,
    use_dora: false,
    revision: null,
  };
}

/** Writes adapter_config.json + adapter_model.safetensors into `dir`, atomically. */
export async function saveAdapter(dir: string, adapter: AdapterWeights, options: AdapterSaveOptions): Promise<void> {
  await writeAdapterDir(dir, adapterTensors(adapter), adapterConfig(adapter, options));
}

export async function writeAdapterDir(dir: string, tensors: Map<string, TensorToWrite>, config: Record<string, unknown>, metadata?: Record<string, string>): Promise<void> {
  await writeDirAtomic(dir, async (temp) => {
    await writeSafetensors(join(temp, 'adapter_model.safetensors'), tensors, { metadata });
    await writeFileAtomic(join(temp, 'adapter_config.json'), JSON.stringify(config, null, 2) + '\n');
  });
}

const keyPattern = /^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)\.lora_(A|B)(?:\.default)?\.weight$/;

/**
 * The sequence-classification head PEFT saves from `modules_to_save: ["score"]` (PEFT strips
 * `modules_to_save.default`): LlamaForSequenceClassification's `score`, [num_labels, hidden].
 */
export const SCORE_TENSOR = 'base_model.model.score.weight';

/** Reads a PEFT LoRA adapter directory for a model with `config`; every mismatch names the file and tensor. */
export async function loadAdapter(dir: string, config: ModelConfig): Promise<AdapterWeights> {
  return (await readPeftDir(dir, config, false)).adapter;
}

/** A PEFT directory: its LoRA adapter (maybe with no modules), and with `withHead` the `score` head [hidden]. */
export async function readPeftDir(dir: string, config: ModelConfig, withHead: boolean): Promise<{ adapter: AdapterWeights; head?: Float32Array; metadata: Record<string, string> }> {
  const configPath = join(dir, 'adapter_config.json');
  const raw = (await readJsonFile(configPath)) as Record<string, unknown>;
  const fail = (key: string, why: string): never => {
    throw new LmInputError(`${configPath}: ${key}: ${why}`);
  };
  if (raw.peft_type !== 'LORA') fail('peft_type', `expected "LORA", got ${JSON.stringify(raw.peft_type)}`);
  const rank = raw.r;
  if (typeof rank !== 'number' || !Number.isSafeInteger(rank) || rank <= 0) fail('r', `expected a positive integer, got ${JSON.stringify(rank)}`);
  const alpha = raw.lora_alpha ?? rank;
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) fail('lora_alpha', `expected a number, got ${JSON.stringify(alpha)}`);
  if (raw.use_dora === true) fail('use_dora', 'DoRA adapters are not supported');
  if (raw.fan_in_fan_out === true) fail('fan_in_fan_out', 'only false is supported');
  if ((raw.bias ?? 'none') !== 'none') fail('bias', `only "none" is supported, got ${JSON.stringify(raw.bias)}`);
  const modulesToSave = raw.modules_to_save;
  const saved = Array.isArray(modulesToSave) ? (modulesToSave as unknown[]) : [];
  if (withHead) {
    if (raw.task_type !== 'SEQ_CLS') fail('task_type', `a value or verifier model is a "SEQ_CLS" adapter, got ${JSON.stringify(raw.task_type)}`);
    // PEFT's SEQ_CLS models list "classifier" and "score"; Llama-family models have only the latter.
    if (!saved.includes('score') || saved.some((m) => m !== 'score' && m !== 'classifier')) {
      fail('modules_to_save', `expected ["score"] (the sequence-classification head), got ${JSON.stringify(modulesToSave)}`);
    }
  } else if (modulesToSave != null && saved.length > 0) {
    fail('modules_to_save', saved.includes('score')
      ? 'this is a value or verifier model (a SEQ_CLS adapter with a score head); use it with scoreHead(), not as a generation adapter'
      : 'adapters that replace whole modules are not supported');
  }
  for (const key of ['rank_pattern', 'alpha_pattern']) {
    const pattern = raw[key];
    if (pattern != null && Object.keys(pattern as object).length > 0) fail(key, 'per-module ranks or alphas are not supported');
  }
  const targets = raw.target_modules;
  if (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')) {
    fail('target_modules', `expected a list of module names, got ${JSON.stringify(targets)}`);
  }
  for (const t of targets as string[]) {
    if (!isLoraModule(t)) fail('target_modules', `unsupported module ${JSON.stringify(t)} (supported: ${LORA_MODULES.join(', ')})`);
  }
  const layers = Array.isArray(raw.layers_to_transform)
    ? (raw.layers_to_transform as number[])
    : typeof raw.layers_to_transform === 'number'
      ? [raw.layers_to_transform]
      : Array.from({ length: config.numLayers }, (_, i) => i);
  const r = rank as number;
  const scale = (alpha as number) / (raw.use_rslora === true ? Math.sqrt(r) : r);

  const weightsPath = join(dir, 'adapter_model.safetensors');
  const file = await SafetensorsFile.open(weightsPath);
  const factors = new Map<string, { a?: Float32Array; b?: Float32Array }>();
  let head: Float32Array | undefined;
  try {
    for (const name of file.tensors.keys()) {
      if (withHead && name === SCORE_TENSOR) {
        const { shape } = file.info(name);
        if (shape.length !== 2 || shape[0] !== 1 || shape[1] !== config.hiddenSize) {
          throw new LmInputError(`${weightsPath}: head tensor "${name}" has shape [${shape.join(', ')}]; this model needs [1, ${config.hiddenSize}] (one label, its hidden size)`);
        }
        head = await file.readFloat32(name);
        continue;
      }
      const match = keyPattern.exec(name);
      const [, layerText, parent, module, which] = match ?? [];
      if (!match || !isLoraModule(module) || loraParent(module) !== parent) {
        throw new LmInputError(`${weightsPath}: unsupported adapter tensor "${name}"`);
      }
      const layer = Number(layerText);
      if (layer >= config.numLayers) {
        throw new LmInputError(`${weightsPath}: tensor "${name}" is for layer ${layer}, but the model has ${config.numLayers} layers`);
      }
      const [inFeatures, outFeatures] = loraFeatures(config, module);
      const shape = which === 'A' ? [r, inFeatures] : [outFeatures, r];
      const info = file.info(name);
      if (info.shape.length !== 2 || info.shape[0] !== shape[0] || info.shape[1] !== shape[1]) {
        throw new LmInputError(`${weightsPath}: tensor "${name}" has shape [${info.shape.join(', ')}]; expected [${shape.join(', ')}]`);
      }
      const key = `layers.${layer}.${module}`;
      const entry = factors.get(key) ?? {};
      if (which === 'A') entry.a = transpose(await file.readFloat32(name), r, inFeatures);
      else entry.b = transpose(await file.readFloat32(name), outFeatures, r);
      factors.set(key, entry);
    }
  } finally {
    await file.close();
  }

  const modules: AdapterWeights['modules'] = new Map();
  for (const layer of layers) {
    for (const module of targets as LoraModule[]) {
      const key = `layers.${layer}.${module}`;
      const entry = factors.get(key);
      for (const which of ['A', 'B'] as const) {
        if (!entry?.[which === 'A' ? 'a' : 'b']) {
          throw new LmInputError(`${weightsPath}: missing tensor "${peftPrefix(key)}.lora_${which}.weight"`);
        }
      }
      const [inFeatures, outFeatures] = loraFeatures(config, module);
      modules.set(key, { a: entry!.a!, b: entry!.b!, inFeatures, outFeatures });
    }
  }
  for (const key of factors.keys()) {
    if (!modules.has(key)) throw new LmInputError(`${weightsPath}: tensors for ${key} are not covered by target_modules/layers_to_transform`);
  }
  if (withHead && !head) throw new LmInputError(`${weightsPath}: missing head tensor "${SCORE_TENSOR}"`);
  return { adapter: { rank: r, scale, modules }, head, metadata: file.metadata };
}

/** W' = W + scale · (A·B)ᵀ for every adapted module; returns new weights, the input is untouched. */
export function mergeAdapter(weights: Map<string, Float32Array>, adapter: AdapterWeights): Map<string, Float32Array> {
  const merged = new Map(weights);
  const r = adapter.rank;
  for (const [key, { a, b, inFeatures, outFeatures }] of adapter.modules) {
    const name = baseWeightName(key);
    const base = weights.get(name);
    if (!base || base.length !== inFeatures * outFeatures) throw new LmInputError(`adapter module ${key}: no base tensor "${name}" of matching size`);
    const w = base.slice(); // [out, in]
    for (let o = 0; o < outFeatures; o++) {
      for (let i = 0; i < inFeatures; i++) {
        let sum = 0;
        for (let k = 0; k < r; k++) sum += a[i * r + k] * b[k * outFeatures + o];
        w[o * inFeatures + i] += adapter.scale * sum;
      }
    }
    merged.set(name, w);
  }
  return merged;
}

// The training graph: forward over a packed batch [B, T] with static shapes, a loss — the
// causal-LM loss on weighted target tokens (SFT), or an RL objective over per-token
// log-probabilities and a scalar head (rl-objective.ts) — and its gradients with respect to
// the trainable tensors, all in one session run. Trainable tensors are graph inputs (they
// change every step); frozen base weights (LoRA, head-only) are initializers.

import type { ModelConfig } from '../model-config';
import { gradients } from '../onnx/autodiff';
import { emitModel, type EmittedModel } from '../onnx/emit';
import { Graph, type Tensor } from '../onnx/graph';
import { and, bitwiseXor, cast, div, equal, lessOrEqual, linear, mul, neg, range, reshape, shiftRight, unsqueeze, where } from '../onnx/ops';
import { LORA_MODULES, loraFeatures, type LoraModule } from '../lora-modules';
import { chunkedCrossEntropy } from './chunked-cross-entropy';
import { loraInputName, MASKED } from './inference-graph';
import { decoder, type LoraPair } from './llama';
import { declareObjectiveInputs, flatInputs, objectiveLoss, type GraphObjective } from './rl-objective';
import { rotaryTables } from './rope';

/** Graph input (and checkpoint) name of the scalar head's weight [1, D]. */
export const HEAD_INPUT = 'head.weight';

export interface LoraSpec {
  rank: number;
  /** alpha / rank. */
  scale: number;
  dropout: number;
  targetModules: LoraModule[];
}

export interface TrainingGraphSpec {
  config: ModelConfig;
  batch: number;
  length: number;
  /** Every weight of the model (frozen ones become initializers under LoRA). */
  weights: Map<string, Float32Array>;
  shapes: Map<string, number[]>;
  /** Absent: full-parameter training (unless `frozenBase`). */
  lora?: LoraSpec;
  /** No adapter and no base weight trains: only the scalar head (needs `objective.head`). */
  frozenBase?: boolean;
  /** Absent: SFT, the weighted causal-LM loss. */
  objective?: GraphObjective;
  /** Rows per loss chunk (default: as many as fit 4M logits). */
  lossChunkRows?: number;
}

export interface TrainableTensor {
  /** Input name: the Hugging Face name (full) or `lora.<layer>.<module>.<a|b>`. */
  name: string;
  shape: number[];
}

/**
 * Outputs: `loss`, one gradient per trainable tensor, and for RL objectives `logprobs` (policy
 * term: log π(target) per position, [B, T]) and `head` (head term: the scalar head per
 * position, [B, T]), from which the trainer reports the step's metrics.
 */
export interface TrainingGraph {
  model: EmittedModel;
  trainable: TrainableTensor[];
  /** Output name of the gradient of a trainable tensor. */
  gradName(name: string): string;
}

const gradName = (name: string): string => `grad.${name}`;

/** murmur3's 32-bit finalizer: every input bit flips each output bit with probability ~1/2. */
function fmix32(h: Tensor): Tensor {
  h = bitwiseXor(h, shiftRight(h, 16));
  h = mul(h, 0x85ebca6b);
  h = bitwiseXor(h, shiftRight(h, 13));
  h = mul(h, 0xc2b2ae35);
  return bitwiseXor(h, shiftRight(h, 16));
}

/**
 * Inverted dropout with a counter-based hash mask: the mask is a pure function of (seed, salt,
 * element index), so a run is reproducible from the per-step seed alone.
 */
export function hashDropout(x: Tensor, p: number, seed: Tensor, salt: number): Tensor {
  const g = x.graph;
  const [n, f] = x.staticShape;
  const key = fmix32(bitwiseXor(cast(seed, 'uint32'), Math.imul(salt, 0x9e3779b1) >>> 0));
  const idx = cast(reshape(range(g.scalar(0, 'int64'), g.scalar(n * f, 'int64'), n * f), [n, f]), 'uint32');
  const h = fmix32(bitwiseXor(mul(idx, 0x9e3779b1), key));
  const u = div(cast(shiftRight(h, 8), 'float32'), 2 ** 24); // uniform in [0, 1), 24 exact bits
  return mul(x, where(lessOrEqual(p, u), 1 / (1 - p), 0));
}

export function buildTrainingGraph(spec: TrainingGraphSpec): TrainingGraph {
  const { config, batch: B, length: T, weights, shapes, lora, objective } = spec;
  if (spec.frozenBase && (lora || !objective?.head || objective.policy)) throw new Error('frozenBase trains only a scalar head: no lora, and an objective with a head term only');
  const N = B * T;
  const g = new Graph();
  const ids = g.input('input_ids', 'int32', [B, T]);
  const positions = g.input('positions', 'int32', [B, T]);
  const segments = g.input('segments', 'int32', [B, T]);
  const rlInputs = objective && declareObjectiveInputs(g, objective, B, T);
  const targets = rlInputs ? rlInputs.get('targets') : g.input('targets', 'int32', [B, T]);
  const lossWeights = rlInputs ? undefined : g.input('loss_weights', 'float32', [B, T]);
  const seed = lora && lora.dropout > 0 ? g.input('dropout_seed', 'int64', []) : undefined;

  const trainable: TrainableTensor[] = [];
  const params: Tensor[] = [];
  const tensors = new Map<string, Tensor>();
  const weight = (name: string): Tensor => {
    let t = tensors.get(name);
    if (t) return t;
    const shape = shapes.get(name);
    const data = weights.get(name);
    if (!shape || !data) throw new Error(`weight ${name} is missing`);
    if (lora || spec.frozenBase) t = g.initializer(name, data, 'float32', shape);
    else {
      t = g.input(name, 'float32', shape);
      trainable.push({ name, shape });
      params.push(t);
    }
    tensors.set(name, t);
    return t;
  };
  const pairs = new Map<string, LoraPair>();
  if (lora) {
    for (let i = 0; i < config.numLayers; i++) {
      for (const m of lora.targetModules) {
        const [fin, fout] = loraFeatures(config, m);
        const pair = { a: g.input(loraInputName(i, m, 'a'), 'float32', [fin, lora.rank]), b: g.input(loraInputName(i, m, 'b'), 'float32', [lora.rank, fout]) };
        trainable.push({ name: loraInputName(i, m, 'a'), shape: [fin, lora.rank] }, { name: loraInputName(i, m, 'b'), shape: [lora.rank, fout] });
        params.push(pair.a, pair.b);
        pairs.set(`${i}.${m}`, pair);
      }
    }
  }

  // Packed rows: a token sees earlier tokens of its own segment only.
  const causal = new Uint8Array(T * T);
  for (let i = 0; i < T; i++) for (let j = 0; j <= i; j++) causal[i * T + j] = 1;
  const sameSegment = equal(unsqueeze(segments, [2]), unsqueeze(segments, [1])); // (B, T, T)
  const visible = and(sameSegment, g.constant(causal, 'bool', [T, T]));
  const bias = where(unsqueeze(visible, [1, 2]), 0, MASKED); // (B, 1, 1, T, T)

  const wiring = {
    weight,
    has: (name: string) => shapes.has(name),
    lora: (layer: number, module: LoraModule) => pairs.get(`${layer}.${module}`),
    loraScale: lora?.scale,
    loraDropout: seed
      ? (x: Tensor, layer: number, module: LoraModule) => hashDropout(x, lora!.dropout, seed, layer * LORA_MODULES.length + LORA_MODULES.indexOf(module) + 1)
      : undefined,
  };
  const out = decoder(config, wiring, {
    tokens: reshape(ids, [N]),
    batch: B,
    length: T,
    keyLength: T,
    rotary: rotaryTables(config, positions),
    bias,
  });
  const lmHead = (): Tensor => weight(config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight');
  if (!objective) {
    const loss = chunkedCrossEntropy(out.hidden, lmHead(), reshape(targets!, [N]), reshape(lossWeights!, [N]), spec.lossChunkRows);
    return finish(g, loss, params, trainable, []);
  }
  const inputs = flatInputs(rlInputs!, N);
  // logits / τ = (hidden / τ) · headᵀ: the LM head has no bias.
  const tempered = objective.temperature === undefined || objective.temperature === 1 ? out.hidden : mul(out.hidden, 1 / objective.temperature);
  const nll = objective.policy ? chunkedCrossEntropy(tempered, lmHead(), inputs.get('targets')!, undefined, spec.lossChunkRows) : undefined; // (N)
  let head: Tensor | undefined;
  if (objective.head) {
    const w = g.input(HEAD_INPUT, 'float32', [1, config.hiddenSize]);
    trainable.push({ name: HEAD_INPUT, shape: [1, config.hiddenSize] });
    params.push(w);
    head = reshape(linear(out.hidden, w), [N]); // (N)
  }
  const loss = objectiveLoss(objective, { inputs, nll, head });
  const extra: [Tensor, string][] = [];
  if (nll) extra.push([reshape(neg(nll), [B, T]), 'logprobs']);
  if (head) extra.push([reshape(head, [B, T]), 'head']);
  return finish(g, loss, params, trainable, extra);
}

function finish(g: Graph, loss: Tensor, params: Tensor[], trainable: TrainableTensor[], extra: [Tensor, string][]): TrainingGraph {
  const grads = gradients(loss, params);
  g.output(loss, 'loss');
  grads.forEach((d, i) => g.output(d, gradName(trainable[i].name)));
  for (const [t, name] of extra) g.output(t, name);
  return { model: emitModel(g), trainable, gradName };
}

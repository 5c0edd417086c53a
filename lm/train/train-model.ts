// The training loop: fixed-shape packed batches through one ONNX session that runs forward
// and backward together; gradient accumulation, clipping and AdamW in JS; checkpoints after
// optimizer steps. Everything random (batch order, LoRA and head init, dropout seeds) comes
// from the seed, so a run is reproducible and a resumed run matches an uninterrupted one bit
// for bit. The loss is SFT's, or an RL objective over the sequences' signals (rl-batch.ts).

import { createHash } from 'node:crypto';
import type { AdapterWeights } from '../decoder';
import { LmAbortError, LmInputError } from '../errors';
import { LORA_MODULES, loraFeatures, type LoraModule } from '../lora-modules';
import { checkModel } from '../model/onnx-decoder';
import { buildTrainingGraph, HEAD_INPUT, type LoraSpec, type TrainingGraph } from '../model/training-graph';
import { Session, type TensorValue } from '../onnx/session';
import { adamWStep, clipGradients, createAdamWState } from './adamw';
import { batchTensors, checkSequences, planBatches, type BatchShape } from './batching';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { checkObjective, checkSignals, graphObjective, signalFeeds, stepCounts } from './rl-batch';
import { RlStepMetricsSum } from './rl-metrics';
import { StreamRng } from '../stream-rng';
import { learningRate } from './schedule';
import type { TrainModelRequest, TrainModelResult } from './train-types';

export type { TrainModelRequest, TrainModelResult, TrainSequence } from './train-types';

const ADAM_EPS = 1e-8;

/**
 * Training sessions run with ORT's memory arena and without its memory pattern. Without the
 * arena every op's output is a fresh allocation whose pages fault in again on every run: the
 * tiny model's demo finetune (14 × 140 tokens) took 850 ms per step instead of 125 ms, and the
 * 27M step of `bench lm` (4 × 256 tokens) spent ~2.4x the CPU time (1.3–1.8 s of it in the kernel).
 * The memory pattern is what made the arena look expensive for large steps: its one block per
 * run comes on top of the first run's allocations, which the arena keeps (27M step: 1873 MiB
 * peak with it, 1241 MiB without; 1265 MiB with no arena at all).
 */
const TRAINING_MEMORY = { memoryArena: true, memoryPattern: false } as const;

function loraSpec(req: TrainModelRequest): LoraSpec | undefined {
  const { options } = req;
  if (options.method !== 'lora') {
    if (req.initAdapter) throw new LmInputError(`initAdapter is for method "lora"; method "${options.method}" trains no adapter`);
    return undefined;
  }
  const lora = options.lora;
  if (!lora) throw new LmInputError('finetune method "lora" needs options.lora');
  if (!Number.isInteger(lora.rank) || lora.rank < 1) throw new LmInputError(`lora.rank must be a positive integer, got ${lora.rank}`);
  if (!(lora.dropout >= 0 && lora.dropout < 1)) throw new LmInputError(`lora.dropout must be in [0, 1), got ${lora.dropout}`);
  const bad = lora.targetModules.filter((m) => !(LORA_MODULES as readonly string[]).includes(m));
  if (bad.length > 0 || lora.targetModules.length === 0) {
    throw new LmInputError(`lora.targetModules ${JSON.stringify(lora.targetModules)}: each must be one of ${LORA_MODULES.join(', ')}`);
  }
  if (req.initAdapter) {
    const wanted = new Set(Array.from({ length: req.config.numLayers }, (_, i) => lora.targetModules.map((m) => `layers.${i}.${m}`)).flat());
    const extra = [...req.initAdapter.modules.keys()].filter((k) => !wanted.has(k));
    if (extra.length > 0) throw new LmInputError(`init adapter has modules outside lora.targetModules: ${extra.slice(0, 3).join(', ')}`);
  }
  return { rank: lora.rank, scale: lora.alpha / lora.rank, dropout: lora.dropout, targetModules: lora.targetModules as LoraModule[] };
}

function checkOptions(req: TrainModelRequest): void {
  const o = req.options;
  const positiveInt = (name: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1) throw new LmInputError(`options.${name} must be a positive integer, got ${v}`);
  };
  positiveInt('epochs', o.epochs);
  positiveInt('batchTokens', o.batchTokens);
  positiveInt('gradientAccumulation', o.gradientAccumulation);
  if (!(o.learningRate >= 0)) throw new LmInputError(`options.learningRate must be >= 0, got ${o.learningRate}`);
  if (!(o.warmupSteps >= 0)) throw new LmInputError(`options.warmupSteps must be >= 0, got ${o.warmupSteps}`);
}

/** RL objectives: a head method trains only a head; the signals match the objective. */
function checkRl(req: TrainModelRequest): void {
  const { objective, options } = req;
  if (!objective) {
    if (options.method === 'head' || req.initHead) throw new LmInputError('method "head" and initHead need an RL objective with a head term');
    return;
  }
  checkObjective(objective);
  if (options.method === 'head' && (!objective.head || objective.policy)) throw new LmInputError('method "head" trains only the scalar head: the objective needs a head term and no policy term');
  if (req.initHead && !objective.head) throw new LmInputError('initHead needs an objective with a head term');
  if (req.initHead && req.initHead.length !== req.config.hiddenSize) {
    throw new LmInputError(`initHead has ${req.initHead.length} values; the model's hidden size is ${req.config.hiddenSize}`);
  }
  checkSignals(req.sequences, objective);
}

function fingerprint(req: TrainModelRequest, shape: BatchShape): string {
  const h = createHash('sha256');
  const run: Record<string, unknown> = { config: req.config, options: req.options, shape, init: req.initAdapter !== undefined };
  // Only RL runs hash their objective and signals, so an SFT checkpoint keeps its fingerprint.
  if (req.objective) Object.assign(run, { objective: req.objective, initHead: req.initHead !== undefined });
  h.update(JSON.stringify(run));
  for (const s of req.sequences) {
    h.update(Int32Array.from(s.tokens));
    h.update(String(s.promptLength));
    if (req.objective) h.update(JSON.stringify(s.signals ?? null, (_, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v)));
  }
  return h.digest('hex');
}

/** A fresh head like torch's nn.Linear: U(±1/sqrt(hidden)), or the given one. */
function initialHead(req: TrainModelRequest, rng: StreamRng): Float32Array {
  if (req.initHead) return Float32Array.from(req.initHead);
  const bound = 1 / Math.sqrt(req.config.hiddenSize);
  return Float32Array.from({ length: req.config.hiddenSize }, () => (2 * rng.uniform() - 1) * bound);
}

/** LoRA A ~ U(±1/sqrt(in)) (PEFT's kaiming_uniform with a = sqrt(5)), B = 0, or the given adapter. */
function initialLora(req: TrainModelRequest, spec: LoraSpec, names: string[], shapes: number[][], rng: StreamRng): Float32Array[] {
  return names.map((name, k) => {
    const [, layer, module, part] = name.split('.');
    if (req.initAdapter) {
      const mod = req.initAdapter.modules.get(`layers.${layer}.${module}`);
      if (req.initAdapter.rank !== spec.rank) throw new LmInputError(`init adapter has rank ${req.initAdapter.rank}, options.lora.rank is ${spec.rank}`);
      if (!mod) throw new LmInputError(`init adapter has no module layers.${layer}.${module}`);
      return Float32Array.from(part === 'a' ? mod.a : mod.b);
    }
    const data = new Float32Array(shapes[k][0] * shapes[k][1]);
    if (part === 'a') {
      const bound = 1 / Math.sqrt(shapes[k][0]);
      for (let i = 0; i < data.length; i++) data[i] = (2 * rng.uniform() - 1) * bound;
    }
    return data;
  });
}

function toAdapter(config: TrainModelRequest['config'], spec: LoraSpec, names: string[], params: Float32Array[]): AdapterWeights {
  const modules: AdapterWeights['modules'] = new Map();
  for (let k = 0; k < names.length; k += 2) {
    const [, layer, module] = names[k].split('.');
    const [inFeatures, outFeatures] = loraFeatures(config, module as LoraModule);
    modules.set(`layers.${layer}.${module}`, { a: params[k], b: params[k + 1], inFeatures, outFeatures });
  }
  return { rank: spec.rank, scale: spec.scale, modules };
}

export async function trainModel(req: TrainModelRequest): Promise<TrainModelResult> {
  const { config, options, sequences } = req;
  checkOptions(req);
  checkRl(req);
  const spec = loraSpec(req);
  const shapes = checkModel(config, req.weights);
  const longest = sequences.reduce((m, s) => Math.max(m, s.tokens.length), 0);
  const maxLength = Math.min(req.maxSequenceLength ?? longest, config.maxPositionEmbeddings);
  checkSequences(sequences, maxLength, config.vocabSize);
  const shape: BatchShape = { rows: Math.max(1, Math.floor(options.batchTokens / maxLength)), length: maxLength };
  const plan = planBatches(sequences, shape, options.epochs, options.seed);
  const accumulation = options.gradientAccumulation;
  const totalSteps = Math.ceil(plan.length / accumulation);

  // Only the tensor list is kept: the model bytes (with frozen weights under LoRA) are
  // garbage once the session has them.
  const objective = req.objective;
  let graph: TrainingGraph | undefined = buildTrainingGraph({
    config, batch: shape.rows, length: shape.length, weights: req.weights, shapes, lora: spec,
    frozenBase: options.method === 'head', objective: objective && graphObjective(objective),
  });
  const { trainable, gradName } = graph;
  const names = trainable.map((t) => t.name);
  // The head comes last in the graph's trainable list.
  const modelNames = names.filter((n) => n !== HEAD_INPUT);
  let rng = StreamRng.fromSeed(options.seed);
  let params = spec
    ? initialLora(req, spec, modelNames, trainable.map((t) => t.shape), rng)
    : modelNames.map((n) => Float32Array.from(req.weights.get(n)!));
  if (objective?.head) params.push(initialHead(req, rng));
  // No decay on gains and biases (1-D), as transformers' Trainer.
  const decay = trainable.map((t) => t.shape.length > 1);
  const state = createAdamWState(params);

  const print = fingerprint(req, shape);
  let tokens = 0;
  let lossSum = 0;
  let lastLoss = NaN;
  let resumedFromStep = 0;
  const saved = await loadCheckpoint(req.checkpointDir);
  if (saved) {
    if (saved.fingerprint !== print) {
      throw new LmInputError(`checkpoint in ${req.checkpointDir} belongs to a different run (model, data or options differ); use another checkpointDir`);
    }
    params = saved.params;
    state.m = saved.m;
    state.v = saved.v;
    state.step = saved.step;
    tokens = saved.tokens;
    lossSum = saved.lossSum;
    lastLoss = saved.lastLoss;
    resumedFromStep = saved.step;
    rng = StreamRng.fromState(saved.rng);
  }
  const checkpoint = (): Promise<void> =>
    saveCheckpoint(req.checkpointDir, { fingerprint: print, step: state.step, tokens, lossSum, lastLoss, rng: rng.state, names, params, m: state.m, v: state.v });

  const session = await Session.create(graph.model, { ...req.runtime, ...TRAINING_MEMORY, prepacking: !spec });
  graph = undefined;
  const every = req.checkpointEvery ?? 50;
  try {
    while (state.step < totalSteps) {
      // An abort between micro-batches drops the partial step: the checkpoint is the state
      // before it, including the RNG, so the resumed run redraws the same dropout seeds.
      const stepRng = rng.state;
      const started = performance.now();
      const stepBatches = plan.slice(state.step * accumulation, (state.step + 1) * accumulation);
      const micro = stepBatches.map((b) => batchTensors(sequences, b, shape));
      const stepTokens = micro.reduce((s, b) => s + b.lossTokens, 0);
      const counts = objective && stepCounts(objective, sequences, stepBatches);
      const metrics = objective && new RlStepMetricsSum(objective);
      let grads: Float32Array[] | undefined;
      let loss = 0;
      for (const [m, b] of micro.entries()) {
        if (req.signal?.aborted) {
          rng = StreamRng.fromState(stepRng);
          await checkpoint();
          throw new LmAbortError(`training aborted at step ${state.step} of ${totalSteps} (checkpoint saved)`);
        }
        const dims = [shape.rows, shape.length];
        const feeds: Record<string, TensorValue> = {
          input_ids: { data: b.inputIds, dims },
          positions: { data: b.positions, dims },
          segments: { data: b.segments, dims },
        };
        const signals = objective && signalFeeds(objective, sequences, stepBatches[m], shape, counts!);
        if (signals) {
          if (objective.policy) feeds.targets = { data: b.targets, dims };
          for (const [name, data] of signals) feeds[name] = { data, dims };
        } else {
          feeds.targets = { data: b.targets, dims };
          // Weights 1/stepTokens make the summed loss (and gradients) a mean over the whole step.
          feeds.loss_weights = { data: b.lossMask.map((m) => m / stepTokens), dims };
        }
        if (spec && spec.dropout > 0) feeds.dropout_seed = { data: BigInt64Array.of(BigInt(rng.nextUint32())), dims: [] };
        names.forEach((n, k) => (feeds[n] = { data: params[k], dims: trainable[k].shape }));
        const out = await session.run(feeds);
        loss += (out.loss.data as Float32Array)[0];
        if (signals && out.logprobs) metrics!.add(out.logprobs.data as Float32Array, signals);
        const g = names.map((n) => out[gradName(n)].data as Float32Array);
        if (!grads) grads = g;
        else grads.forEach((acc, k) => {
          const gk = g[k];
          for (let i = 0; i < acc.length; i++) acc[i] += gk[i];
        });
      }
      clipGradients(grads!, options.maxGradNorm);
      adamWStep(params, grads!, decay, state, {
        lr: learningRate(options, state.step, totalSteps),
        betas: options.betas,
        eps: ADAM_EPS,
        weightDecay: options.weightDecay,
      });
      tokens += stepTokens;
      lossSum += loss;
      lastLoss = loss;
      const seconds = (performance.now() - started) / 1000;
      const stepMetrics = metrics?.result();
      req.onProgress?.({
        step: state.step,
        totalSteps,
        loss,
        tokensPerSecond: micro.reduce((s, b) => s + b.tokens, 0) / seconds,
        ...(stepMetrics && { metrics: stepMetrics }),
      });
      if (state.step % every === 0 || state.step === totalSteps) await checkpoint();
    }
  } finally {
    await session.close();
  }

  const result: TrainModelResult = {
    steps: state.step,
    tokens,
    finalLoss: lastLoss,
    meanLoss: state.step > 0 ? lossSum / state.step : NaN,
    resumedFromStep,
  };
  if (spec) result.adapter = toAdapter(config, spec, modelNames, params);
  else if (options.method === 'full') result.weights = new Map(modelNames.map((n, k) => [n, params[k]]));
  if (objective?.head) result.head = params[names.indexOf(HEAD_INPUT)];
  return result;
}

// The only module that imports onnxruntime-node. A Session runs one emitted model on the CPU
// execution provider (or CUDA where it is installed); feeds and results are plain typed arrays.

import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Device } from '../types';
import type { DType, TensorData } from './graph';
import type { EmittedModel } from './emit';

export interface SessionOptions {
  device: Device;
  /** Intra-op threads (default: ORT's choice, all cores). */
  threads?: number;
  /** Spin-wait between ops (faster only on an otherwise idle machine). Default off. */
  spinning?: boolean;
  /** ORT's CPU arena (default on): without it every op output is a fresh allocation whose pages fault in on each run. */
  memoryArena?: boolean;
  /**
   * ORT's memory pattern (default on): from the second run on, all planned activations of a run
   * come from one block sized by the first run. Training turns it off: in the arena that block
   * comes on top of the first run's allocations, which the arena keeps (a 27M training step
   * peaked at 1873 MiB with it, 1241 MiB without, at the same speed after the second run).
   */
  memoryPattern?: boolean;
  /**
   * Let ORT repack constant weights for its GEMM kernels (default on). Each repacked weight is a
   * second copy; LoRA training turns it off (a ~100M-parameter base: 460 MB less RSS).
   */
  prepacking?: boolean;
}

export interface TensorValue {
  data: TensorData;
  dims: readonly number[];
  /** Needed only to tell bool from uint8 (both Uint8Array). */
  dtype?: DType;
}

const CUDA_INSTALL_HINT =
  'the CUDA execution provider of onnxruntime-node is not installed: run ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install` ' +
  'on a machine with CUDA 12 and cuDNN 9, or use device "cpu"';

/**
 * The CUDA provider library that onnxruntime-node's install script downloads with
 * ONNXRUNTIME_NODE_INSTALL=cuda12 (the project's allowScripts never runs it during `npm install`).
 */
function cudaProviderInstalled(): boolean {
  if (process.platform !== 'linux' && process.platform !== 'win32') return false;
  const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
  const lib = process.platform === 'linux' ? 'libonnxruntime_providers_cuda.so' : 'onnxruntime_providers_cuda.dll';
  return existsSync(join(dist, '..', 'bin', 'napi-v6', process.platform, process.arch, lib));
}

function dtypeOf(v: TensorValue): ort.Tensor.Type {
  if (v.dtype) return v.dtype;
  if (v.data instanceof Float32Array) return 'float32';
  if (v.data instanceof BigInt64Array) return 'int64';
  if (v.data instanceof Int32Array) return 'int32';
  return 'uint8';
}

function sessionOptions(options: SessionOptions): ort.InferenceSession.SessionOptions {
  const spinning = options.spinning ?? false;
  return {
    executionProviders: [options.device === 'cuda' ? 'cuda' : 'cpu'],
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: options.memoryArena ?? true,
    enableMemPattern: options.memoryPattern ?? true,
    extra: { session: { 'intra_op.allow_spinning': spinning ? '1' : '0', disable_prepacking: options.prepacking === false ? '1' : '0' } },
  };
}

export class Session {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly tempDir: string | undefined,
  ) {}

  static async create(model: EmittedModel, options: SessionOptions): Promise<Session> {
    if (options.device === 'cuda' && !cudaProviderInstalled()) throw new Error(CUDA_INSTALL_HINT);
    const opts = sessionOptions(options);
    let tempDir: string | undefined;
    try {
      if (model.externalData) {
        // External data is resolved relative to the model file, so both go to disk together.
        tempDir = await mkdtemp(join(tmpdir(), 'maft-onnx-'));
        await writeFile(join(tempDir, 'model.onnx'), model.bytes);
        await writeFile(join(tempDir, model.externalData.file), model.externalData.chunks);
        return new Session(await ort.InferenceSession.create(join(tempDir, 'model.onnx'), opts), tempDir);
      }
      return new Session(await ort.InferenceSession.create(model.bytes, opts), undefined);
    } catch (err) {
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
      if (options.device === 'cuda' && /cuda/i.test(String(err))) throw new Error(`${CUDA_INSTALL_HINT} (${String(err)})`);
      throw err;
    }
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the model; returns the requested outputs (default all) as typed arrays. */
  async run(feeds: Record<string, TensorValue>, outputs?: readonly string[]): Promise<Record<string, TensorValue>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, v] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(dtypeOf(v), v.data, v.dims);
    const results = outputs ? await this.session.run(ortFeeds, [...outputs]) : await this.session.run(ortFeeds);
    const out: Record<string, TensorValue> = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { data: t.data as TensorData, dims: t.dims, dtype: t.type as DType };
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }
}

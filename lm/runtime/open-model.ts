// openModel(): a LanguageModel whose model lives in a worker thread. Calls are messages; the
// caller's event loop (a Temporal worker polling and heartbeating) keeps running while the
// model computes.

import type { Worker } from 'node:worker_threads';
import type { LanguageModel, ModelInfo, RuntimeOptions } from '../types';
import type { ModelCall } from './model-worker';
import { startWorker } from './start-worker';
import { deserializeError, type WorkerReply } from './worker-messages';

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void };

class WorkerModel implements LanguageModel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure?: Error;
  private closed = false;

  constructor(
    private readonly worker: Worker,
    readonly info: ModelInfo,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (reply.type === 'result') pending.resolve(reply.value);
      else pending.reject(deserializeError(reply.error));
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(this.closed ? 'the model is closed' : `the model worker thread exited (code ${code})`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const { reject } of this.pending.values()) reject(err);
    this.pending.clear();
  }

  private call<T>(method: ModelCall['method'], args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  generate: LanguageModel['generate'] = (requests, options) => this.call('generate', [requests, options]);
  score: LanguageModel['score'] = (requests) => this.call('score', [requests]);
  scoreTokens: LanguageModel['scoreTokens'] = (requests, options) => this.call('scoreTokens', [requests, options]);
  scoreHead: LanguageModel['scoreHead'] = (requests) => this.call('scoreHead', [requests]);

  async close(): Promise<void> {
    if (this.failure || this.closed) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    await this.call('close', []);
    this.closed = true;
    await exited;
  }
}

/** Loads `modelDir` (config.json, tokenizer.json, *.safetensors) into a new worker thread. */
export async function openModel(modelDir: string, runtime: RuntimeOptions): Promise<LanguageModel> {
  const worker = startWorker(new URL('./model-worker.ts', import.meta.url), { modelDir, runtime });
  const info = await new Promise<ModelInfo>((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the model worker thread exited while loading ${modelDir} (code ${code})`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (reply: WorkerReply) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (reply.type === 'result') resolve(reply.value as ModelInfo);
      else {
        reject(deserializeError(reply.error));
        void worker.terminate();
      }
    });
  });
  return new WorkerModel(worker, info);
}

// finetune() and finetuneRl(): train in a worker thread so the caller's event loop (a Temporal
// activity that heartbeats progress) stays free. Progress arrives as messages; an abort asks
// the trainer to checkpoint and stop, and ends the thread if it does not within a grace period.
// A thread whose job ended is kept (unreferenced, so it never holds the process open) for the
// next finetune: starting one and loading lm/ in it took 1.2 s of an 8 s demo finetune.

import type { Worker } from 'node:worker_threads';
import type { FinetuneProgress, FinetuneRequest, FinetuneResult, RlFinetuneRequest } from '../types';
import { LmAbortError } from '../errors';
import type { FinetuneWorkerMessage, FinetuneWorkerRequest, TrainingJob } from './finetune-worker';
import { startWorker } from './start-worker';
import { deserializeError } from './worker-messages';

/** How long an aborted trainer may take to finish its current step and checkpoint. */
const abortGraceMs = 60_000;

/** SFT: learn the examples' completions (plus eos). */
export function finetune(request: FinetuneRequest): Promise<FinetuneResult> {
  const { onProgress, signal, ...job } = request;
  return train({ kind: 'sft', job }, onProgress, signal);
}

/**
 * RL: a policy-gradient or PPO update of an adapter (or the full model), and/or a value or
 * verifier head, from sampled completions and their signals.
 */
export function finetuneRl(request: RlFinetuneRequest): Promise<FinetuneResult> {
  const { onProgress, signal, ...job } = request;
  return train({ kind: 'rl', job }, onProgress, signal);
}

/** One idle trainer thread at most; concurrent finetunes start their own. */
let idle: Worker | undefined;

/** Forgets the idle thread if it exits while idle; removed when the thread is taken, so listeners do not pile up over calls. */
function forgetOnExit(this: Worker): void {
  if (idle === this) idle = undefined;
}

function takeWorker(): Worker {
  const worker = idle ?? startWorker(new URL('./finetune-worker.ts', import.meta.url), {});
  idle = undefined;
  worker.off('exit', forgetOnExit);
  worker.ref();
  return worker;
}

function keepIdle(worker: Worker): void {
  if (idle) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idle = worker;
  worker.once('exit', forgetOnExit);
}

function train(work: TrainingJob, onProgress: ((p: FinetuneProgress) => void) | undefined, signal: AbortSignal | undefined): Promise<FinetuneResult> {
  if (signal?.aborted) return Promise.reject(new LmAbortError('finetune aborted before it started'));
  const worker = takeWorker();
  const send = (message: FinetuneWorkerRequest) => worker.postMessage(message);
  return new Promise<FinetuneResult>((resolve, reject) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onMessage = (message: FinetuneWorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.result), true);
      else settle(() => reject(deserializeError(message.error)), true);
    };
    const onError = (err: Error) => settle(() => reject(err), false);
    const onExit = (code: number) => settle(() => reject(new Error(`the finetune worker thread exited early (code ${code})`)), false);
    /** `reusable`: the thread finished the job itself and can take the next one. */
    const settle = (fn: () => void, reusable: boolean) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reusable) keepIdle(worker);
      fn();
    };
    const onAbort = () => {
      send({ type: 'abort' });
      killTimer = setTimeout(() => {
        settle(() => reject(new LmAbortError(`finetune aborted; the trainer did not stop within ${abortGraceMs / 1000} s`)), false);
        void worker.terminate();
      }, abortGraceMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    send({ type: 'job', work });
  });
}

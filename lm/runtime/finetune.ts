// finetune() and finetuneRl(): train in a worker thread so the caller's event loop (a Temporal
// activity that heartbeats progress) stays free. Progress arrives as messages; an abort asks
// the trainer to checkpoint and stop, and ends the thread if it does not within a grace period.

import type { FinetuneProgress, FinetuneRequest, FinetuneResult, RlFinetuneRequest } from '../types';
import { LmAbortError } from '../errors';
import type { FinetuneWorkerMessage, TrainingJob } from './finetune-worker';
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

function train(work: TrainingJob, onProgress: ((p: FinetuneProgress) => void) | undefined, signal: AbortSignal | undefined): Promise<FinetuneResult> {
  if (signal?.aborted) return Promise.reject(new LmAbortError('finetune aborted before it started'));
  const worker = startWorker(new URL('./finetune-worker.ts', import.meta.url), { work });
  return new Promise<FinetuneResult>((resolve, reject) => {
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      fn();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'abort' });
      killTimer = setTimeout(() => {
        settle(() => reject(new LmAbortError(`finetune aborted; the trainer did not stop within ${abortGraceMs / 1000} s`)));
        void worker.terminate();
      }, abortGraceMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: FinetuneWorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.result));
      else settle(() => reject(deserializeError(message.error)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the finetune worker thread exited early (code ${code})`))));
  });
}

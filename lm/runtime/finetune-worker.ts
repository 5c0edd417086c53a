// Worker-thread side of finetune() and finetuneRl(): runs the jobs it is sent, one at a time,
// streaming progress and honouring aborts. The thread outlives a job so that the next finetune
// does not pay for starting a thread and loading lm/ in it again (finetune.ts keeps it idle).

import { parentPort } from 'node:worker_threads';
import type { FinetuneProgress, FinetuneResult } from '../types';
import { runFinetune, runRlFinetune, type FinetuneJob, type RlFinetuneJob } from './run-finetune';
import { serializeError, type SerializedError } from './worker-messages';

export type FinetuneWorkerMessage =
  | { type: 'progress'; progress: FinetuneProgress }
  | { type: 'done'; result: FinetuneResult }
  | { type: 'failed'; error: SerializedError };

/** What one job of the thread is. */
export type TrainingJob = { kind: 'sft'; job: FinetuneJob } | { kind: 'rl'; job: RlFinetuneJob };

export type FinetuneWorkerRequest = { type: 'job'; work: TrainingJob } | { type: 'abort' };

const port = parentPort!;
const post = (message: FinetuneWorkerMessage) => port.postMessage(message);
let controller: AbortController | undefined;

async function run(work: TrainingJob): Promise<void> {
  const own = new AbortController();
  controller = own;
  try {
    const hooks = { onProgress: (progress: FinetuneProgress) => post({ type: 'progress', progress }), signal: own.signal };
    const result = work.kind === 'sft' ? await runFinetune(work.job, hooks) : await runRlFinetune(work.job, hooks);
    post({ type: 'done', result });
  } catch (err) {
    post({ type: 'failed', error: serializeError(err) });
  } finally {
    controller = undefined;
  }
}

port.on('message', (message: FinetuneWorkerRequest) => {
  if (message.type === 'abort') controller?.abort();
  else void run(message.work);
});

// Worker-thread side of finetune() and finetuneRl(): runs one job, streaming progress and
// honouring aborts.

import { parentPort, workerData } from 'node:worker_threads';
import type { FinetuneProgress, FinetuneResult } from '../types';
import { runFinetune, runRlFinetune, type FinetuneJob, type RlFinetuneJob } from './run-finetune';
import { serializeError, type SerializedError } from './worker-messages';

export type FinetuneWorkerMessage =
  | { type: 'progress'; progress: FinetuneProgress }
  | { type: 'done'; result: FinetuneResult }
  | { type: 'failed'; error: SerializedError };

/** What the thread is started with. */
export type TrainingJob = { kind: 'sft'; job: FinetuneJob } | { kind: 'rl'; job: RlFinetuneJob };

const port = parentPort!;
const controller = new AbortController();
port.on('message', (message: { type: 'abort' }) => {
  if (message.type === 'abort') controller.abort();
});

const post = (message: FinetuneWorkerMessage) => port.postMessage(message);
try {
  const hooks = { onProgress: (progress: FinetuneProgress) => post({ type: 'progress', progress }), signal: controller.signal };
  const work = workerData.work as TrainingJob;
  const result = work.kind === 'sft' ? await runFinetune(work.job, hooks) : await runRlFinetune(work.job, hooks);
  post({ type: 'done', result });
} catch (err) {
  post({ type: 'failed', error: serializeError(err) });
}
port.close();

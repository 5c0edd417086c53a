// Worker-thread side of openModel(): loads one model, then answers generate/score calls one
// at a time (onnxruntime-node's run() blocks this thread, never the caller's event loop).

import { parentPort, workerData } from 'node:worker_threads';
import type { LanguageModel, RuntimeOptions } from '../types';
import { loadModel } from './loaded-model';
import { createOnnxDecoder } from '../model/onnx-decoder';
import { serializeError, type WorkerReply } from './worker-messages';

export type ModelCall =
  | { id: number; method: 'generate'; args: Parameters<LanguageModel['generate']> }
  | { id: number; method: 'score'; args: Parameters<LanguageModel['score']> }
  | { id: number; method: 'scoreTokens'; args: Parameters<LanguageModel['scoreTokens']> }
  | { id: number; method: 'scoreHead'; args: Parameters<LanguageModel['scoreHead']> }
  | { id: number; method: 'close'; args: [] };

const { modelDir, runtime } = workerData as { modelDir: string; runtime: RuntimeOptions };
const port = parentPort!;

async function handle(model: LanguageModel, call: ModelCall): Promise<unknown> {
  switch (call.method) {
    case 'generate':
      return model.generate(...call.args);
    case 'score':
      return model.score(...call.args);
    case 'scoreTokens':
      return model.scoreTokens(...call.args);
    case 'scoreHead':
      return model.scoreHead(...call.args);
    case 'close':
      await model.close();
      return undefined;
  }
}

try {
  const model = await loadModel(modelDir, runtime, createOnnxDecoder);
  let queue: Promise<unknown> = Promise.resolve();
  port.on('message', (call: ModelCall) => {
    queue = queue.then(async () => {
      let reply: WorkerReply;
      try {
        reply = { type: 'result', id: call.id, value: await handle(model, call) };
      } catch (err) {
        reply = { type: 'error', id: call.id, error: serializeError(err) };
      }
      port.postMessage(reply);
      if (call.method === 'close') port.close();
    });
  });
  port.postMessage({ type: 'result', id: 0, value: model.info } satisfies WorkerReply);
} catch (err) {
  port.postMessage({ type: 'error', id: 0, error: serializeError(err) } satisfies WorkerReply);
}

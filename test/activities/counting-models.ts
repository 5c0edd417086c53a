// A model pool on the real runtime that counts generate() calls, so a resume test can tell how
// many rounds or turns an attempt generated rather than read back.
import { after } from 'node:test';
import { createModelPool } from '../../activities';
import type { ModelPool } from '../../activities/model-pool';
import { openModel } from '../../lm';

export interface CountingModels {
  models: ModelPool;
  /** generate() calls since the last reset. */
  calls(): number;
  reset(): void;
}

/** Closed after the test file's tests. */
export function countingModels(): CountingModels {
  let calls = 0;
  const models = createModelPool({
    openModel: async (dir, runtime) => {
      const model = await openModel(dir, runtime);
      return { ...model, info: model.info, close: () => model.close(), score: (r) => model.score(r), generate: (r, o) => (calls++, model.generate(r, o)) };
    },
  });
  after(() => models.close());
  return { models, calls: () => calls, reset: () => (calls = 0) };
}

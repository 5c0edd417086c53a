// Question batches of the debate and rollout steps, which run as parallel activities.
import type { IterationProgress } from '../experiment/run-types';
import type { QuestionRange, Split } from '../experiment/step-types';

export function questionShards(questions: number, shardSize: number): QuestionRange[] {
  const count = Math.ceil(questions / shardSize);
  return Array.from({ length: count }, (_, index) => ({
    index,
    count,
    start: index * shardSize,
    end: Math.min(questions, (index + 1) * shardSize),
  }));
}

/** One call per shard of `questions`, in parallel, counted in the iteration's progress as they finish. */
export function onShards<T>(
  progress: IterationProgress,
  step: IterationProgress['step'],
  split: Split,
  questions: number,
  shardSize: number,
  call: (shard: QuestionRange) => Promise<T>,
): Promise<T[]> {
  const shards = questionShards(questions, shardSize);
  progress.step = step;
  progress.split = split;
  progress.shards = { done: 0, total: shards.length };
  return Promise.all(
    shards.map(async (shard) => {
      const out = await call(shard);
      progress.shards.done++;
      return out;
    }),
  );
}

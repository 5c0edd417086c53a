// Question batches of the debate step, which run as parallel activities.
import type { QuestionRange } from '../experiment/step-types';

export function questionShards(questions: number, shardSize: number): QuestionRange[] {
  const count = Math.ceil(questions / shardSize);
  return Array.from({ length: count }, (_, index) => ({
    index,
    count,
    start: index * shardSize,
    end: Math.min(questions, (index + 1) * shardSize),
  }));
}

// The questions of the demo run (configs/demo-2000.yaml, what `npm start` runs; its first 900
// are configs/demo.yaml's, the same seeded stream), which pretraining must never show the model:
// the demo measures what debate and finetuning add, not what pretraining memorized.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { experimentSchema } from '../experiment/experiment-schema';
import { generateArithmeticQuestions } from '../data/tasks/arithmetic';

export async function demoQuestionIds(configPath: string): Promise<Set<string>> {
  const parsed = experimentSchema.safeParse(parse(await readFile(configPath, 'utf8')));
  if (!parsed.success) throw new Error(`${configPath}: ${parsed.error.message}`);
  const { seed, task } = parsed.data;
  if (task.name !== 'arithmetic') throw new Error(`${configPath}: task.name is "${task.name}"; the tiny model is pretrained for arithmetic`);
  // The same draw as the arithmetic task's load(): one seeded stream, train then test.
  return new Set(generateArithmeticQuestions(seed, task.trainSize + task.testSize).map((q) => q.id));
}

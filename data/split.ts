// Train/test selection. The paper draws 500 training and 500 held-out problems; the held-out ones
// must never be trained on (the paper's official code evaluated on its training problems). The
// selection is a seeded shuffle, so the same file and seed give the same split on any machine.
import { DataError } from './data-error';
import { createDrawRng, shuffled } from './draw-rng';
import { questionKey } from './sources/question-file';
import type { ParsedFile } from './sources/question-file';
import type { Question, QuestionSplit, TaskSource } from './task';

/** trainSize and testSize must be non-negative integers. */
export function checkSplitSizes(source: TaskSource): void {
  for (const key of ['trainSize', 'testSize'] as const) {
    if (!Number.isInteger(source[key]) || source[key] < 0) throw new Error(`${key} must be a non-negative integer, got ${source[key]}`);
  }
}

function notEnough(file: string, have: number, want: string): DataError {
  return new DataError({ file }, `has ${have} usable questions, ${want}`);
}

/**
 * Without a test file, train and test are disjoint draws from one file. With one, test is drawn
 * from it and any training question that also appears there (same id or same text) is an error.
 */
export function selectSplit(pool: ParsedFile, testPool: ParsedFile | null, source: TaskSource): QuestionSplit {
  checkSplitSizes(source);
  const rng = createDrawRng(source.seed);
  if (!testPool) {
    const want = source.trainSize + source.testSize;
    if (pool.questions.length < want) {
      throw notEnough(pool.file, pool.questions.length, `but trainSize + testSize = ${want}`);
    }
    const all = shuffled(pool.questions, rng);
    return { train: all.slice(0, source.trainSize), test: all.slice(source.trainSize, want) };
  }
  const testIds = new Set(testPool.questions.map((q) => q.id));
  const testTexts = new Set(testPool.questions.map(questionKey));
  const leaked = pool.questions.find((q) => testIds.has(q.id) || testTexts.has(questionKey(q)));
  if (leaked) {
    throw new DataError({ file: pool.file, field: 'question' }, `question "${leaked.id}" is also in the test file ${testPool.file}`);
  }
  if (pool.questions.length < source.trainSize) {
    throw notEnough(pool.file, pool.questions.length, `but trainSize = ${source.trainSize}`);
  }
  if (testPool.questions.length < source.testSize) {
    throw notEnough(testPool.file, testPool.questions.length, `but testSize = ${source.testSize}`);
  }
  const pick = (qs: Question[], n: number): Question[] => shuffled(qs, rng).slice(0, n);
  return { train: pick(pool.questions, source.trainSize), test: pick(testPool.questions, source.testSize) };
}

// The arithmetic task of Du et al. (2023), reused by the multiagent-finetuning paper: expressions
// a+b*c+d-e*f with every value drawn from 0..30, generated from a seed, with exact integer answers.
import { extractNumericAnswer } from '../answers/numeric-answer';
import { canonicalNumber } from '../answers/number';
import { rolePrompts } from '../prompts';
import type { ProblemWording } from '../prompts';
import { createDrawRng } from '../draw-rng';
import { checkSplitSizes } from '../split';
import type { LoadedSplit, Question, Task, TaskOptions, TaskSource } from '../task';

export const ARITHMETIC_MAX_VALUE = 30;

/** The six operands a..f of a+b*c+d-e*f. */
export type ArithmeticValues = readonly [number, number, number, number, number, number];

export function arithmeticExpression([a, b, c, d, e, f]: ArithmeticValues): string {
  return `${a}+${b}*${c}+${d}-${e}*${f}`;
}

export function arithmeticResult([a, b, c, d, e, f]: ArithmeticValues): number {
  return a + b * c + d - e * f;
}

/** One question; its id is the operands, so the same expression has the same id in every run. */
export function arithmeticQuestion(values: ArithmeticValues): Question {
  return { id: `arith-${values.join('-')}`, question: arithmeticExpression(values), answer: String(arithmeticResult(values)) };
}

/** `count` distinct questions drawn from `seed`; the same seed always yields the same sequence. */
export function generateArithmeticQuestions(seed: number, count: number): Question[] {
  const rng = createDrawRng(seed);
  const seen = new Set<string>();
  const out: Question[] = [];
  while (out.length < count) {
    const draw = (): number => rng.int(0, ARITHMETIC_MAX_VALUE);
    const q = arithmeticQuestion([draw(), draw(), draw(), draw(), draw(), draw()]);
    if (seen.has(q.id)) continue;
    seen.add(q.id);
    out.push(q);
  }
  return out;
}

const wording: ProblemWording = {
  paperQuestion: (q) => `What is the result of ${q.question}?`,
  paperInstruction: 'Make sure to state your answer at the end of the response.',
  compactQuestion: (q) => `${q.question}=?`,
  extractAnswer: extractNumericAnswer,
};

export function createArithmeticTask(options: TaskOptions = {}): Task {
  return {
    name: 'arithmetic',
    // Train and test come from one seeded stream of distinct expressions, so they never overlap.
    async load(source: TaskSource): Promise<LoadedSplit> {
      checkSplitSizes(source);
      const all = generateArithmeticQuestions(source.seed, source.trainSize + source.testSize);
      return { train: all.slice(0, source.trainSize), test: all.slice(source.trainSize), skippedInvalid: 0 };
    },
    ...rolePrompts(options.promptStyle ?? 'paper', wording),
    extractAnswer: wording.extractAnswer,
    isEquivalent: (a, b) => {
      const x = canonicalNumber(a);
      return x !== null && x === canonicalNumber(b);
    },
  };
}

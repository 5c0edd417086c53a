import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDrawRng } from '../../data/draw-rng';
import { arithmeticQuestion, arithmeticResult, type ArithmeticValues } from '../../data/tasks/arithmetic';
import { getTask } from '../../data/tasks';
import type { Question } from '../../data/task';
import { generateCorpus, heldOutQuestions, plurality, summarize, type CorpusExample, type CorpusOptions } from '../../pretraining/corpus';
import { demoQuestionIds } from '../../pretraining/demo-questions';
import { checkStep } from '../../pretraining/step-accuracy';
import { TINY_RECIPE } from '../../pretraining/tiny-recipe';
import { SOLUTION_STYLES, workedSolution } from '../../pretraining/worked-solution';

const task = getTask('arithmetic', { promptStyle: 'compact' });
const options: CorpusOptions = {
  task,
  seed: 7,
  size: 3000,
  mix: { generation: 0.4, critic: 0.4, summarizer: 0.1, 'critic-summary': 0.1 },
  styles: SOLUTION_STYLES,
  slipRate: 0.05,
  shownSlipRate: 0.1,
  criticSlipRate: 0.05,
  othersWeights: [1, 4, 1],
  criticDecisions: { plurality: 0.7, fresh: 0.15, keep: 0.15 },
  criticVotes: false,
};

function questionOf(e: CorpusExample): Question {
  const values = e.questionId.replace('arith-', '').split('-').map(Number) as unknown as ArithmeticValues;
  return arithmeticQuestion(values);
}


void test('the same seed gives the same corpus; another seed another', () => {
  assert.deepEqual(generateCorpus(options), generateCorpus(options));
  assert.notDeepEqual(generateCorpus({ ...options, seed: 8 }).slice(0, 20), generateCorpus(options).slice(0, 20));
});

void test('prompts are the compact prompts the pipeline renders for each role', () => {
  const corpus = generateCorpus(options);
  const roles = new Set(corpus.map((e) => e.role));
  assert.deepEqual([...roles].sort(), ['critic', 'critic-summary', 'generation', 'summarizer']);
  const answer = String.raw`-?\d+`;
  const list = `${answer}(?:, ${answer})*`;
  for (const e of corpus) {
    const q = questionOf(e);
    const text = e.prompt;
    const head = task.generationPrompt(q).replace(/A:$/, '');
    switch (e.role) {
      case 'generation':
        assert.equal(text, task.generationPrompt(q));
        break;
      case 'critic': {
        const m = new RegExp(`^${escape(head)}Mine: (${answer})\\nOthers: (${list})\\nA:$`).exec(text);
        assert.ok(m, text);
        break;
      }
      case 'critic-summary':
        assert.match(text, new RegExp(`^${escape(head)}Mine: ${answer}\\nSummary: ${answer} x\\d+(?:, ${answer} x\\d+)*\\nA:$`));
        break;
      case 'summarizer':
        assert.match(text, new RegExp(`^${escape(head)}Answers: ${list}\\nSummary:$`));
        assert.match(e.completion, new RegExp(`^ ${answer} x\\d+(?:, ${answer} x\\d+)*$`));
        break;
    }
  }
});

void test('responses are worked solutions whose answer the task extracts, and `correct` is true to the task', () => {
  const corpus = generateCorpus(options);
  for (const e of corpus.filter((x) => x.role === 'generation' || x.role === 'critic' || x.role === 'critic-summary')) {
    const q = questionOf(e);
    const m = /^ (\d+\+\d+\*\d+\+\d+-\d+\*\d+): (.+) Answer: (-?\d+)$/.exec(e.completion);
    assert.ok(m, e.completion);
    assert.equal(m[1], q.question);
    const steps = m[2].split(' ');
    assert.deepEqual(steps.slice(0, 4).map((s) => checkStep(s)?.kind).sort(), ['product', 'product', 'sum', 'sum'], e.completion);
    assert.equal(checkStep(steps[4])?.kind, 'sign', e.completion);
    assert.ok(steps.slice(5).length >= 1 && steps.slice(5).every((s) => checkStep(s)?.kind === 'place'), e.completion);
    assert.equal(task.extractAnswer(e.completion), m[3]);
    assert.equal(e.correct, task.isEquivalent(m[3], q.answer), e.completion);
    if (e.role === 'generation') {
      const last = Number(steps.at(-1)!.split('=').pop());
      assert.equal(steps[4].includes('=-(') ? -last : last, Number(m[3]), 'a generation answers what its steps arrive at');
    }
  }
});

void test('slips make about the intended share of solutions wrong', () => {
  const corpus = generateCorpus({ ...options, size: 6000 });
  const generations = corpus.filter((e) => e.role === 'generation');
  const wrong = generations.filter((e) => !e.correct).length / generations.length;
  // Four steps before the sign and one to three places after it may slip; the sign never does.
  const [fewest, most] = [5, 7].map((steps) => 1 - (1 - options.slipRate) ** steps);
  assert.ok(wrong > fewest - 0.03 && wrong < most + 0.03, `wrong ${wrong}, expected ${fewest}..${most}`);
  const critics = corpus.filter((e) => e.role === 'critic');
  const criticWrong = critics.filter((e) => !e.correct).length / critics.length;
  assert.ok(criticWrong > 0.02 && criticWrong < wrong, `critics wrong ${criticWrong}: should be imperfect but better than one solution`);
});

void test('with criticVotes a critic writes its votes (previous, others, fresh result) and answers by its decision', () => {
  const votesOf = (e: CorpusExample) => {
    const shown = /Mine: (-?\d+)\nOthers: (.+)\nA:$/.exec(e.prompt)!;
    const m = /=(-?\d+) votes: (.+) Answer: (-?\d+)$/.exec(e.completion);
    assert.ok(m, e.completion);
    // The last place step holds the fresh result's magnitude; its sign was written at the sign step.
    const fresh = Number(m[1]) * (e.completion.includes('=-(') ? -1 : 1);
    assert.deepEqual(m[2].split(' ').map(Number), [Number(shown[1]), ...shown[2].split(', ').map(Number), fresh], e.completion);
    return { previous: Number(shown[1]), others: shown[2].split(', ').map(Number), fresh, answer: Number(m[3]) };
  };
  const decided = (plurality_: number, fresh: number) =>
    generateCorpus({ ...options, criticVotes: true, criticDecisions: { plurality: plurality_, fresh, keep: 0 } }).filter((e) => e.role === 'critic');
  const byPlurality = decided(1, 0);
  assert.ok(byPlurality.length > 500);
  for (const e of byPlurality) {
    const v = votesOf(e);
    assert.equal(v.answer, plurality([v.fresh, v.previous, ...v.others], v.fresh), e.completion);
  }
  for (const e of decided(0, 1)) assert.equal(votesOf(e).answer, votesOf(e).fresh, e.completion);
  // Only the critic's own response changes: the draws, and so every prompt, stay the same.
  assert.deepEqual(
    generateCorpus({ ...options, criticVotes: true }).map((e) => e.prompt),
    generateCorpus(options).map((e) => e.prompt),
  );
});

void test('a worked solution with no slips computes a+b*c+d-e*f in every style, every step right', () => {
  const rng = createDrawRng(3);
  for (let i = 0; i < 200; i++) {
    const values = Array.from({ length: 6 }, () => rng.int(0, 30)) as unknown as ArithmeticValues;
    for (const style of SOLUTION_STYLES) {
      const s = workedSolution(values, style, rng, 0);
      assert.equal(s.result, arithmeticResult(values));
      assert.equal(s.slips, 0);
      const [expression, steps] = s.steps.split(': ');
      assert.equal(expression, arithmeticQuestion(values).question);
      for (const stepText of steps.split(' ')) assert.equal(checkStep(stepText)?.right, true, stepText);
    }
  }
});

void test('the difference is taken one place of the smaller number at a time, after its sign', () => {
  const rng = createDrawRng(1);
  const steps = (values: number[]) => workedSolution(values as unknown as ArithmeticValues, 'products-first', rng, 0).steps.split(' ').slice(5);
  // 21+1*5+3-19*11 = 29-209
  assert.deepEqual(steps([21, 1, 5, 3, 19, 11]), ['29-209=-(209-29)', '209-20=189', '189-9=180']);
  // 1+10*20+0-1*30 = 201-30: the zero places of 30 are skipped
  assert.deepEqual(steps([1, 10, 20, 0, 1, 30]), ['201-30=(201-30)', '201-30=171']);
  // 5+0*0+5-0*9 = 10-0
  assert.deepEqual(steps([5, 0, 0, 5, 0, 9]), ['10-0=(10-0)', '10-0=10']);
});

void test('excluded and held-out questions never appear in the corpus', () => {
  const held = heldOutQuestions(99, 200, new Set());
  const exclude = new Set(held.map((q) => q.id));
  const corpus = generateCorpus({ ...options, exclude });
  assert.ok(corpus.every((e) => !exclude.has(e.questionId)));
  assert.equal(new Set(held.map((q) => q.id)).size, 200);
});

void test('summaries and pluralities', () => {
  assert.equal(summarize([-30, -27, -27]), '-27 x2, -30 x1');
  assert.equal(summarize([5, 6]), '5 x1, 6 x1');
  assert.equal(plurality([1, 2, 2], 1), 2);
  assert.equal(plurality([1, 2, 3], 3), 3);
  assert.equal(plurality([4, 4, 2, 2], 9), 4);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

void test("the recipe's corpus is, byte for byte, the one data/models/tiny was trained on", async () => {
  // The committed model is reproducible only while its corpus is: a corpus change must come with
  // a retrained model (npm run pretrain:tiny -- --fresh) and this digest.
  const { seed, corpus: recipe } = TINY_RECIPE;
  const demo = await demoQuestionIds('configs/demo-2000.yaml');
  const heldOut = heldOutQuestions(seed + 1, 400, demo);
  const corpus = generateCorpus({ ...recipe, task, seed, exclude: new Set([...demo, ...heldOut.map((q) => q.id)]) });
  const digest = createHash('sha256').update(JSON.stringify(corpus)).digest('hex');
  assert.equal(digest, 'c22bceac2783376441f24bd1e34283606cdccf09b04f31ee85897ac51bb2e416');
});

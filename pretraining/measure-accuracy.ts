// How good the pretrained model is, on questions it never saw: one sample per question at the
// demo's temperature (the figure the README reports), greedy decoding, the majority of three
// samples, and a two-round debate of three copies (the base model as every agent). The last two
// show whether the model leaves room for what voting and debate add.
import { accuracyOf, type Accuracy } from '../data/method/accuracy';
import { majorityVote } from '../data/method/majority-vote';
import type { Question, Task } from '../data/task';
import { openModel, type LanguageModel } from '../lm/index';
import { stepAccuracy, type StepAccuracy } from './step-accuracy';

export type AccuracyFigure = Pick<Accuracy, 'accuracy' | 'stderr'>;

export interface TinyModelAccuracy {
  questions: number;
  temperature: number;
  sample: AccuracyFigure;
  /** Share of sampled responses with an extractable answer. */
  wellFormed: number;
  greedy: AccuracyFigure;
  /** The greedy responses' steps, checked one by one. */
  greedySteps: StepAccuracy;
  majorityOf3: AccuracyFigure;
  debate3x2: AccuracyFigure;
  seconds: number;
}

export interface MeasureOptions {
  temperature: number;
  maxNewTokens: number;
  seed: number;
  threads?: number;
}

export async function measureAccuracy(modelDir: string, task: Task, questions: Question[], o: MeasureOptions): Promise<TinyModelAccuracy> {
  const started = Date.now();
  const model = await openModel(modelDir, { device: 'cpu', threads: o.threads });
  try {
    const sample = sampler(model, o);
    const answers = (texts: string[]) => texts.map((t) => task.extractAnswer(t));
    const figure = (picked: (string | null)[]) => scored(task, questions, picked);
    const vote = (answers: (string | null)[], q: Question) => majorityVote(answers, task.isEquivalent, o.seed, q.id).answer;

    const firstPrompts = questions.map((q) => task.generationPrompt(q));
    const greedyTexts = await sample(firstPrompts, o.seed, 0);
    const greedy = answers(greedyTexts);
    const { round1: rounds1, round2: rounds2 } = await twoRoundDebate(model, task, questions, o);
    const first = answers(rounds1[0]);
    return {
      questions: questions.length,
      temperature: o.temperature,
      sample: figure(first),
      wellFormed: first.filter((a) => a !== null).length / questions.length,
      greedy: figure(greedy),
      greedySteps: stepAccuracy(greedyTexts),
      majorityOf3: figure(questions.map((q, i) => vote(rounds1.map((r) => task.extractAnswer(r[i])), q))),
      debate3x2: figure(questions.map((q, i) => vote(rounds2.map((r) => task.extractAnswer(r[i])), q))),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await model.close();
  }
}

type Sample = (prompts: string[], seed: number, temperature?: number) => Promise<string[]>;

function sampler(model: LanguageModel, o: MeasureOptions): Sample {
  return (prompts, seed, temperature = o.temperature) =>
    model
      .generate(prompts.map((prompt) => ({ prompt })), { maxNewTokens: o.maxNewTokens, temperature, seed })
      .then((gs) => gs.map((g) => g.text));
}

/**
 * Three copies of the model debating two rounds at the demo's temperature, each agent on its own
 * seeded stream: `round1[a][i]` and `round2[a][i]` are agent a's responses to question i.
 */
export async function twoRoundDebate(model: LanguageModel, task: Task, questions: Question[], o: MeasureOptions): Promise<{ round1: string[][]; round2: string[][] }> {
  const sample = sampler(model, o);
  const agents = [0, 1, 2];
  const round1 = await Promise.all(agents.map((a) => sample(questions.map((q) => task.generationPrompt(q)), o.seed + 1 + a)));
  const criticPrompts = (agent: number) =>
    questions.map((q, i) => task.criticPrompt(q, round1[agent][i], round1.filter((_, a) => a !== agent).map((r) => r[i])));
  const round2 = await Promise.all(agents.map((a) => sample(criticPrompts(a), o.seed + 11 + a)));
  return { round1, round2 };
}

function scored(task: Task, questions: Question[], answers: (string | null)[]): AccuracyFigure {
  const correct = questions.filter((q, i) => answers[i] !== null && task.isEquivalent(answers[i]!, q.answer)).length;
  const { accuracy, stderr } = accuracyOf(correct, questions.length);
  return { accuracy, stderr };
}

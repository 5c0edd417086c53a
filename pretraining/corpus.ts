// The synthetic pretraining corpus of the embedded tiny model: arithmetic questions asked in
// exactly the prompts the pipeline sends (the task's own role prompts, as plain text), and
// the responses an imperfect but sensible agent gives in every role:
//   generation      a worked solution, with occasional slips
//   critic          a fresh worked solution, then a decision over its own result, its previous
//                   answer and the other agents' answers: mostly the plurality (switching to the
//                   majority or correcting it), sometimes its fresh result, sometimes it keeps
//                   its previous answer — whether or not that is right
//   summarizer      the other agents' answers with their counts
//   critic-summary  as critic, with the counts read from a summary
// The other agents' responses a critic sees are sampled like generations, with more slips, so
// critics see wrong answers, disagreeing and agreeing ones.
import { arithmeticQuestion, arithmeticResult, ARITHMETIC_MAX_VALUE, type ArithmeticValues } from '../data/tasks/arithmetic';
import { createDrawRng, type DrawRng } from '../data/draw-rng';
import type { Question, Task } from '../data/task';
import type { TrainExample } from '../lm/types';
import { formatResponse, workedSolution, type SolutionStyle } from './worked-solution';

export type CorpusRole = 'generation' | 'critic' | 'summarizer' | 'critic-summary';

export interface CorpusExample extends TrainExample {
  prompt: string;
  role: CorpusRole;
  questionId: string;
  /** Whether the completion's final answer is the true result. */
  correct: boolean;
}

export interface CorpusOptions {
  /** The arithmetic task with the prompt style the pipeline uses. */
  task: Task;
  seed: number;
  size: number;
  /** Question ids never used (the demo's train and test questions, the held-out evaluation). */
  exclude?: ReadonlySet<string>;
  /** Relative weight of each role in the corpus. */
  mix: Record<CorpusRole, number>;
  /** The solution orders used (one order is learned fastest; several make agents differ more). */
  styles: readonly SolutionStyle[];
  /** Probability that a step of a response the model learns to write is wrong. */
  slipRate: number;
  /** Same, for the other agents' responses shown in critic and summarizer prompts. */
  shownSlipRate: number;
  /**
   * Same, for a critic's fresh steps. When they are as reliable as a generation's, its plurality
   * is its fresh result in most examples, and the model learns to ignore the others' answers.
   */
  criticSlipRate: number;
  /** How many other agents a prompt shows, and how often: weights for 1, 2, 3, ... others. */
  othersWeights: number[];
  /** How a critic settles on its final answer: shares of its turns (see CriticDecision). */
  criticDecisions: Record<CriticDecision, number>;
  /**
   * Whether a critic writes the votes it decides over ("votes: 230 234 230") between its fresh
   * steps and its answer, so that the plurality is a comparison of nearby numbers. Tried once
   * with criticSlipRate 0.15 and not kept: the model wrote the votes but did not pick among them
   * (data/models/tiny/README.md, "The critic round").
   */
  criticVotes: boolean;
}

/**
 * plurality  the most frequent of its previous answer, the others' and its fresh result (ties: fresh)
 * fresh      its fresh result
 * keep       its previous answer
 */
export type CriticDecision = 'plurality' | 'fresh' | 'keep';

export function generateCorpus(options: CorpusOptions): CorpusExample[] {
  const rng = createDrawRng(options.seed);
  const roles = Object.keys(options.mix) as CorpusRole[];
  const roleWeights = roles.map((r) => options.mix[r]);
  const out: CorpusExample[] = [];
  while (out.length < options.size) {
    const values = drawValues(rng);
    const question = arithmeticQuestion(values);
    if (options.exclude?.has(question.id)) continue;
    const role = roles[pick(rng, roleWeights)];
    out.push(example(role, values, question, rng, options));
  }
  return out;
}

/** Questions the corpus never used, for measuring the trained model. */
export function heldOutQuestions(seed: number, count: number, exclude: ReadonlySet<string>): Question[] {
  const rng = createDrawRng(seed);
  const out: Question[] = [];
  const seen = new Set(exclude);
  while (out.length < count) {
    const q = arithmeticQuestion(drawValues(rng));
    if (seen.has(q.id)) continue;
    seen.add(q.id);
    out.push(q);
  }
  return out;
}

function example(role: CorpusRole, values: ArithmeticValues, q: Question, rng: DrawRng, o: CorpusOptions): CorpusExample {
  const truth = arithmeticResult(values);
  const shown = (): { response: string; answer: number } => {
    const s = workedSolution(values, randomStyle(rng, o.styles), rng, o.shownSlipRate);
    return { response: formatResponse(s.steps, s.result), answer: s.result };
  };
  const others = (): { response: string; answer: number }[] =>
    Array.from({ length: pick(rng, o.othersWeights) + 1 }, shown);

  if (role === 'generation') {
    const s = workedSolution(values, randomStyle(rng, o.styles), rng, o.slipRate);
    return done(role, q, o.task.generationPrompt(q), formatResponse(s.steps, s.result), s.result === truth);
  }
  if (role === 'summarizer') {
    const answers = others();
    const summary = summarize(answers.map((a) => a.answer));
    const prompt = o.task.summarizerPrompt(q, answers.map((a) => a.response));
    return done(role, q, prompt, ` ${summary}`, plurality(answers.map((a) => a.answer), NaN) === truth);
  }
  const own = shown();
  const rest = others();
  const fresh = workedSolution(values, randomStyle(rng, o.styles), rng, o.criticSlipRate);
  const decisions = Object.keys(o.criticDecisions) as CriticDecision[];
  const decision = decisions[pick(rng, decisions.map((d) => o.criticDecisions[d]))];
  const answer =
    decision === 'fresh'
      ? fresh.result
      : decision === 'keep'
        ? own.answer
        : plurality([fresh.result, own.answer, ...rest.map((r) => r.answer)], fresh.result);
  // The votes in the order the critic reads them: its previous answer, the others', its fresh result.
  const votes = [own.answer, ...rest.map((r) => r.answer), fresh.result];
  const steps = o.criticVotes ? `${fresh.steps} votes: ${votes.join(' ')}` : fresh.steps;
  const prompt =
    role === 'critic'
      ? o.task.criticPrompt(q, own.response, rest.map((r) => r.response))
      : o.task.criticSummaryPrompt(q, own.response, summarize(rest.map((r) => r.answer)));
  return done(role, q, prompt, formatResponse(steps, answer), answer === truth);
}

function done(role: CorpusRole, q: Question, prompt: string, completion: string, correct: boolean): CorpusExample {
  return { role, questionId: q.id, prompt, completion, correct };
}

/** "-27 x2, -30 x1": answers by count, most frequent first, ties in order of appearance. */
export function summarize(answers: number[]): string {
  return countAnswers(answers)
    .map(([answer, count]) => `${answer} x${count}`)
    .join(', ');
}

/** The most frequent answer; `tieBreak` when it is among several equally frequent ones. */
export function plurality(answers: number[], tieBreak: number): number {
  const counts = countAnswers(answers);
  const top = counts.filter(([, c]) => c === counts[0][1]).map(([a]) => a);
  return top.length > 1 && top.includes(tieBreak) ? tieBreak : top[0];
}

function countAnswers(answers: number[]): [number, number][] {
  const counts = new Map<number, number>();
  for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  // Map keeps insertion order and sort is stable, so ties stay in order of appearance.
  return [...counts.entries()].sort((x, y) => y[1] - x[1]);
}

function drawValues(rng: DrawRng): ArithmeticValues {
  const v = (): number => rng.int(0, ARITHMETIC_MAX_VALUE);
  return [v(), v(), v(), v(), v(), v()];
}

function randomStyle(rng: DrawRng, styles: readonly SolutionStyle[]): SolutionStyle {
  return styles[rng.int(0, styles.length - 1)];
}

/** An index drawn with probability proportional to its weight. */
function pick(rng: DrawRng, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let r = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1;
}

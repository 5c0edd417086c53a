// MAGRPO's rollouts on a batch of questions (CoMLRL magrpo.py's multi-turn generation): at every
// node each of the N agents samples K completions; a joint action (joint-actions.ts) picks one per
// agent. Turn 1's node is the question with the generation prompt; when a node expands
// (rollout-tree.ts expandsBranch: turns left and, with a termination threshold, its mean joint
// reward not above it), each joint action leads to a child node where every agent gets the task's
// critic prompt with its own completion of that joint action and the others' (the debate's
// round-2+ prompt, data/method/debate.ts). One model call per turn covers every agent and node of
// that turn in the batch, each row under its agent's policy adapter; request j of agent n samples
// from stream j of agent n's seed, as it would in a call of its own, so K copies of a prompt draw
// K different samples. Turns finished by an earlier attempt can be handed back (TurnHooks.saved):
// seeds are per turn and agent and streams per node and sample, so continuing after them samples
// what an uninterrupted rollout samples. A handed-back turn is replayed — checked against the
// nodes and prompts it must answer, its rewards and children rebuilt — instead of generated.
import type { Generation, LanguageModel, SamplingOptions } from '../../../lm/types';
import type { RolloutRow } from '../../artifacts/kinds';
import type { Question, Task } from '../../task';
import { expandsBranch } from './rollout-tree';
import type { JointRewardInput } from './joint-reward';
import { childNode, ROOT_NODE } from './tree-advantages';

export interface RolloutSetup {
  task: Task;
  questions: readonly Question[];
  agents: number;
  /** Turns (the experiment's rounds). */
  turns: number;
  /** K. */
  k: number;
  /** The joint actions of every node (jointActions(agents, k, mode)). */
  actions: readonly (readonly number[])[];
  /** null: every branch expands until the last turn. */
  terminationThreshold: number | null;
  /** The joint reward of one joint action (needed only with a termination threshold and turns ≥ 2). */
  reward(input: JointRewardInput, action: readonly number[]): Promise<number>;
  /** The policy adapter directory of an agent in a turn (1-based); undefined for the base model. */
  adapterOf(turn: number, agent: number): string | undefined;
  sampling: Omit<SamplingOptions, 'seed'>;
  seedOf(turn: number, agent: number): number;
}

export interface RolloutResult {
  /** Sorted by question, turn, node, agent, sample. */
  rows: RolloutRow[];
  /** Nodes per turn (index 0: turn 1). */
  nodesPerTurn: number[];
  /** Tokens of every completion, handed-back turns included. */
  generatedTokens: number;
  /** Turns handed back by TurnHooks.saved and replayed rather than generated. */
  replayedTurns: number;
}

/** How a step keeps finished turns across attempts (activities/generate-rollouts.ts). */
export interface TurnHooks {
  /** The rows an earlier attempt saved for a turn, if any: asked for turns 1, 2, … until one has none or is rejected. */
  saved?(turn: number): Promise<readonly RolloutRow[] | undefined>;
  /** Saved rows that are not exactly this turn's nodes, agents, samples and prompts: this turn and every later one are generated. */
  rejected?(turn: number, reason: string): void;
  /** After each generated turn, with its rows; awaited before the next turn starts. */
  afterTurn?(turn: number, rows: readonly RolloutRow[], callsDone: number): Promise<void>;
}

interface PendingNode {
  question: Question;
  node: string;
  /** prompts[n]: agent n+1's prompt at this node. */
  prompts: string[];
}

/** Agent calls of a rollout (agents × turns that have nodes; one model call per turn): an upper bound for progress. */
export function callsInRollout(setup: Pick<RolloutSetup, 'agents' | 'turns'>): number {
  return setup.agents * setup.turns;
}

export async function runRollouts(
  model: LanguageModel,
  setup: RolloutSetup,
  afterCall?: (callsDone: number) => void,
  hooks: TurnHooks = {},
): Promise<RolloutResult> {
  const { task, agents, k } = setup;
  const rows: RolloutRow[] = [];
  const nodesPerTurn: number[] = [];
  let generatedTokens = 0;
  let calls = 0;
  let replayedTurns = 0;
  // Saved turns are asked for only while every earlier one was replayed.
  let replaying = hooks.saved !== undefined;
  let frontier: PendingNode[] = setup.questions.map((question) => ({
    question,
    node: ROOT_NODE,
    prompts: Array.from({ length: agents }, () => task.generationPrompt(question)),
  }));
  for (let turn = 1; turn <= setup.turns && frontier.length > 0; turn++) {
    nodesPerTurn.push(frontier.length);
    const saved = replaying ? await hooks.saved?.(turn) : undefined;
    const replayed = saved === undefined ? undefined : savedGenerations(saved, frontier, turn, agents, k);
    if (typeof replayed === 'string') hooks.rejected?.(turn, replayed);
    replaying = Array.isArray(replayed);
    if (replaying) replayedTurns++;
    // generations[n][i·K + s]: agent n+1's completion s at frontier node i.
    const generations = Array.isArray(replayed) ? replayed : await generateTurn(model, setup, frontier, turn);
    calls += agents;
    if (!replaying) afterCall?.(calls);
    const turnRows: RolloutRow[] = [];
    const next: PendingNode[] = [];
    for (const [i, p] of frontier.entries()) {
      const text = (n: number, s: number): string => generations[n][i * k + s].text;
      const answers: (string | null)[][] = Array.from({ length: agents }, (_, n) =>
        Array.from({ length: k }, (_, s) => {
          const g = generations[n][i * k + s];
          generatedTokens += g.tokenIds.length;
          const answer = task.extractAnswer(g.text);
          turnRows.push({
            questionId: p.question.id,
            turn,
            node: p.node,
            agent: n + 1,
            sample: s,
            prompt: p.prompts[n],
            completion: g.text,
            answer,
            tokenIds: g.tokenIds,
            logprobs: g.logprobs,
            finishReason: g.finishReason,
          });
          return answer;
        }),
      );
      if (turn >= setup.turns) continue;
      const rewards =
        setup.terminationThreshold === null
          ? []
          : await Promise.all(
              setup.actions.map((action) =>
                setup.reward(
                  {
                    questionId: p.question.id,
                    question: p.question.question,
                    reference: p.question.answer,
                    turn,
                    completions: action.map((s, n) => text(n, s)),
                    answers: action.map((s, n) => answers[n][s]),
                  },
                  action,
                ),
              ),
            );
      if (!expandsBranch(rewards, turn, setup.turns, setup.terminationThreshold)) continue;
      setup.actions.forEach((action, j) => {
        const completions = action.map((s, n) => text(n, s));
        next.push({
          question: p.question,
          node: childNode(p.node, j),
          prompts: completions.map((own, n) => task.criticPrompt(p.question, own, completions.filter((_, m) => m !== n))),
        });
      });
    }
    rows.push(...turnRows);
    if (!replaying) await hooks.afterTurn?.(turn, turnRows, calls);
    frontier = next;
  }
  return { rows: inRolloutOrder(setup.questions, rows), nodesPerTurn, generatedTokens, replayedTurns };
}

/** One model call for every agent, node and sample of a turn; generations[n][i·K + s] as in runRollouts. */
async function generateTurn(model: LanguageModel, setup: RolloutSetup, frontier: readonly PendingNode[], turn: number): Promise<Generation[][]> {
  const { agents, k } = setup;
  const perAgent = frontier.length * k;
  const requests = Array.from({ length: agents }, (_, n) => {
    const seed = setup.seedOf(turn, n + 1);
    const adapter = setup.adapterOf(turn, n + 1);
    return frontier.flatMap((p, i) => Array.from({ length: k }, (_, s) => ({ prompt: p.prompts[n], adapter, stream: { seed, index: i * k + s } })));
  }).flat();
  // Every request names its stream; the call's own seed is never drawn from.
  const all = await model.generate(requests, { ...setup.sampling, seed: 0 });
  return Array.from({ length: agents }, (_, n) => all.slice(n * perAgent, (n + 1) * perAgent));
}

/**
 * A saved turn as the generations it recorded, laid out as generateTurn's; or why they are not
 * this turn's: every node of the frontier needs each agent's K samples under the prompt it is
 * asked here (turn 2+ prompts quote turn 1's completions), and nothing else.
 */
function savedGenerations(saved: readonly RolloutRow[], frontier: readonly PendingNode[], turn: number, agents: number, k: number): Generation[][] | string {
  const key = (questionId: string, node: string, agent: number, sample: number): string => [questionId, node, agent, sample].join('\u0000');
  const byKey = new Map(saved.map((r) => [key(r.questionId, r.node, r.agent, r.sample), r]));
  const expected = frontier.length * agents * k;
  if (saved.length !== expected || byKey.size !== expected) return `${saved.length} rows (${byKey.size} distinct), expected ${expected}: ${frontier.length} nodes × ${agents} agents × K ${k}`;
  const generations: Generation[][] = Array.from({ length: agents }, () => []);
  for (const [i, p] of frontier.entries()) {
    for (let n = 0; n < agents; n++) {
      for (let s = 0; s < k; s++) {
        const r = byKey.get(key(p.question.id, p.node, n + 1, s));
        const where = `question ${p.question.id}, node ${p.node}, agent ${n + 1}, sample ${s}`;
        if (r === undefined) return `no row for ${where}`;
        if (r.turn !== turn) return `the row for ${where} is of turn ${r.turn}`;
        if (r.prompt !== p.prompts[n]) return `the row for ${where} answers another prompt`;
        generations[n][i * k + s] = { text: r.completion, tokenIds: r.tokenIds, logprobs: r.logprobs, finishReason: r.finishReason };
      }
    }
  }
  return generations;
}

function inRolloutOrder(questions: readonly Question[], rows: readonly RolloutRow[]): RolloutRow[] {
  const order = new Map(questions.map((q, i) => [q.id, i]));
  const nodeKey = (node: string): number[] => node.split('.').map(Number);
  const byNode = (a: string, b: string): number => {
    const x = nodeKey(a);
    const y = nodeKey(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  return rows
    .slice()
    .sort((a, b) => (order.get(a.questionId) ?? 0) - (order.get(b.questionId) ?? 0) || a.turn - b.turn || byNode(a.node, b.node) || a.agent - b.agent || a.sample - b.sample);
}

// MAGRPO's rollouts on a batch of questions (CoMLRL magrpo.py's multi-turn generation): at every
// node each of the N agents samples K completions; a joint action (joint-actions.ts) picks one per
// agent. Turn 1's node is the question with the generation prompt; when a node expands
// (rollout-tree.ts expandsBranch: turns left and, with a termination threshold, its mean joint
// reward not above it), each joint action leads to a child node where every agent gets the task's
// critic prompt with its own completion of that joint action and the others' (the debate's
// round-2+ prompt, data/method/debate.ts). One model call per turn covers every agent and node of
// that turn in the batch, each row under its agent's policy adapter; request j of agent n samples
// from stream j of agent n's seed, as it would in a call of its own, so K copies of a prompt draw
// K different samples.
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
  generatedTokens: number;
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

export async function runRollouts(model: LanguageModel, setup: RolloutSetup, afterCall?: (callsDone: number) => void): Promise<RolloutResult> {
  const { task, agents, k } = setup;
  const rows: RolloutRow[] = [];
  const nodesPerTurn: number[] = [];
  let generatedTokens = 0;
  let calls = 0;
  let frontier: PendingNode[] = setup.questions.map((question) => ({
    question,
    node: ROOT_NODE,
    prompts: Array.from({ length: agents }, () => task.generationPrompt(question)),
  }));
  for (let turn = 1; turn <= setup.turns && frontier.length > 0; turn++) {
    nodesPerTurn.push(frontier.length);
    // generations[n][i·K + s]: agent n+1's completion s at frontier node i.
    const perAgent = frontier.length * k;
    const requests = Array.from({ length: agents }, (_, n) => {
      const seed = setup.seedOf(turn, n + 1);
      const adapter = setup.adapterOf(turn, n + 1);
      return frontier.flatMap((p, i) => Array.from({ length: k }, (_, s) => ({ prompt: p.prompts[n], adapter, stream: { seed, index: i * k + s } })));
    }).flat();
    // Every request names its stream; the call's own seed is never drawn from.
    const all = await model.generate(requests, { ...setup.sampling, seed: 0 });
    const generations: Generation[][] = Array.from({ length: agents }, (_, n) => all.slice(n * perAgent, (n + 1) * perAgent));
    calls += agents;
    afterCall?.(calls);
    const next: PendingNode[] = [];
    for (const [i, p] of frontier.entries()) {
      const text = (n: number, s: number): string => generations[n][i * k + s].text;
      const answers: (string | null)[][] = Array.from({ length: agents }, (_, n) =>
        Array.from({ length: k }, (_, s) => {
          const g = generations[n][i * k + s];
          generatedTokens += g.tokenIds.length;
          const answer = task.extractAnswer(g.text);
          rows.push({
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
    frontier = next;
  }
  return { rows: inRolloutOrder(setup.questions, rows), nodesPerTurn, generatedTokens };
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

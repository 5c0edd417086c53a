// One MAGRPO iteration as its steps wrote it: the rollout tree of every training question
// (rollouts/shard-<k>/rollouts.parquet: K completions per agent at each node), each node's joint
// actions with their reward, return and whether they were expanded (joint-rewards.parquet), each
// completion's return and group-relative advantage (advantages.parquet), correctness judged by the
// task against the reference, a summary per turn, and the policy updates with their losses and,
// from each update's manifest (policyUpdate's summary), how far the agent's sampling policy had
// moved from the base model (mean log π_sampling − log π_ref per token and turn).
import { join } from 'node:path';
import { advantageSchema, jointRewardSchema, questionsSchema, readManifest, rolloutSchema, rowToQuestion } from '../../data/artifacts';
import { agrees } from '../../data/method/majority-vote';
import type { PolicyDrift } from '../../data/method/magrpo/policy-drift';
import type { TrainSummary } from '../../experiment/step-types';
import type { AdvantageRow, JointRewardRow, RolloutRow } from '../../data/artifacts';
import type { Task } from '../../data/task';
import { ADVANTAGES_FILE, inStep, JOINT_REWARDS_FILE, questionsFile, ROLLOUTS_FILE, stepDir } from '../../experiment/run-layout';
import type { RunArtifacts } from './artifacts';
import { modelUpdates } from './model-updates';
import type { ModelUpdate } from './model-updates';
import { byTurn, mean, meanSd, share } from './rl-stats';
import type { MeanSd } from './rl-stats';

export interface MagrpoCompletion {
  rollout: RolloutRow;
  /** Whether its answer equals the reference (false without an answer); null without a task to judge it (no config). */
  correct: boolean | null;
  /** null until computeAdvantages has written the iteration's advantages. */
  advantage: AdvantageRow | null;
}

export interface MagrpoNode {
  node: string;
  turn: number;
  /** Agent by agent, sample by sample. */
  completions: MagrpoCompletion[];
  actions: JointRewardRow[];
}

export interface MagrpoTree {
  questionId: string;
  question: string;
  reference: string;
  /** Root first, then depth by depth in joint-action order ("0", "0.0", "0.1", …). */
  nodes: MagrpoNode[];
}

export interface MagrpoTurnSummary {
  turn: number;
  nodes: number;
  completions: number;
  /** Share of completions whose answer equals the reference. */
  accuracy: number;
  jointActions: number;
  meanReward: number;
  meanReturn: number;
  /** Share of joint actions whose child node was expanded. */
  expanded: number;
  /** Over every completion's advantage. */
  advantage: MeanSd;
}

export interface MagrpoIteration {
  files: { rollouts: string[]; jointRewards: string; advantages: string };
  /** null until generateRollouts has written a shard. */
  trees: MagrpoTree[] | null;
  perTurn: MagrpoTurnSummary[];
  updates: ModelUpdate[];
  /** Per finished policy update (its step directory's name, policy-agent-<n> or policy-shared) its drift; updates from before it have none. */
  drift: { name: string; drift: PolicyDrift }[];
}

export async function magrpoIteration(artifacts: RunArtifacts, runId: string, iterDir: string, task: Task | null): Promise<MagrpoIteration> {
  const rolloutsDir = stepDir(iterDir, 'rollouts');
  const advantagesDir = stepDir(iterDir, 'advantages');
  const files = {
    rollouts: (await artifacts.subdirs(runId, rolloutsDir, 'shard-')).map((shard) => inStep(`${rolloutsDir}/${shard}`, ROLLOUTS_FILE)),
    jointRewards: inStep(advantagesDir, JOINT_REWARDS_FILE),
    advantages: inStep(advantagesDir, ADVANTAGES_FILE),
  };
  const [rollouts, joint, advantages, questions, updates] = await Promise.all([
    artifacts.shards(rolloutSchema, runId, rolloutsDir, ROLLOUTS_FILE),
    artifacts.rows(jointRewardSchema, runId, files.jointRewards),
    artifacts.rows(advantageSchema, runId, files.advantages),
    artifacts.rows(questionsSchema, runId, questionsFile('train')),
    modelUpdates(artifacts, runId, iterDir),
  ]);
  const reference = new Map((questions ?? []).map(rowToQuestion).map((q) => [q.id, q]));
  const advantageOf = new Map((advantages ?? []).map((a) => [completionKey(a), a]));
  const jointOf = new Map(groupBy(joint ?? [], (j) => j.questionId));
  const trees = rollouts ? groupBy(rollouts, (r) => r.questionId).map(([questionId, rows]): MagrpoTree => {
    const q = reference.get(questionId);
    const actions = new Map(groupBy(jointOf.get(questionId) ?? [], (j) => j.node));
    const nodes = groupBy(rows, (r) => r.node).map(([node, completions]): MagrpoNode => ({
      node,
      turn: completions[0].turn,
      completions: completions
        .sort((a, b) => a.agent - b.agent || a.sample - b.sample)
        .map((rollout) => ({ rollout, correct: q && task ? agrees(rollout.answer, q.answer, task.isEquivalent) : null, advantage: advantageOf.get(completionKey(rollout)) ?? null })),
      actions: (actions.get(node) ?? []).sort((a, b) => a.action - b.action),
    }));
    nodes.sort((a, b) => a.turn - b.turn || a.node.localeCompare(b.node, 'en', { numeric: true }));
    return { questionId, question: q?.question ?? '', reference: q?.answer ?? '?', nodes };
  }) : null;
  return { files, trees, perTurn: trees ? treeSummary(trees) : [], updates, drift: await updateDrift(artifacts, runId, updates) };
}

/** The drift each finished policy update recorded in its manifest, in the updates' order. */
async function updateDrift(artifacts: RunArtifacts, runId: string, updates: readonly ModelUpdate[]): Promise<MagrpoIteration['drift']> {
  const found = await Promise.all(
    updates.map(async (u) => {
      const manifest = await readManifest(join(artifacts.runDir(runId), u.stepDir)).catch(() => null);
      const drift = (manifest?.summary as Partial<TrainSummary> | null | undefined)?.drift;
      return drift ? [{ name: u.name, drift }] : [];
    }),
  );
  return found.flat();
}

/** Per turn, over every tree (or the one tree of a question page). */
export function treeSummary(trees: readonly MagrpoTree[]): MagrpoTurnSummary[] {
  return byTurn(trees.flatMap((t) => t.nodes), (n) => n.turn).map(({ turn, rows: nodes }) => {
    const completions = nodes.flatMap((n) => n.completions);
    const actions = nodes.flatMap((n) => n.actions);
    return {
      turn,
      nodes: nodes.length,
      completions: completions.length,
      accuracy: share(completions.map((c) => c.correct)),
      jointActions: actions.length,
      meanReward: mean(actions.map((a) => a.reward)),
      meanReturn: mean(actions.map((a) => a.return)),
      expanded: share(actions.map((a) => a.expanded)),
      advantage: meanSd(completions.flatMap((c) => (c.advantage ? [c.advantage.advantage] : []))),
    };
  });
}

function completionKey(r: { questionId: string; node: string; agent: number; sample: number }): string {
  return `${r.questionId}\u001f${r.node}\u001f${r.agent}\u001f${r.sample}`;
}

/** Rows grouped by a key, groups in the order their first row appears. */
function groupBy<R>(rows: readonly R[], keyOf: (row: R) => string): [string, R[]][] {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const key = keyOf(r);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups];
}

// computeAdvantages: MAGRPO's joint rewards of every joint action of every rollout node (built-in
// or a user module), the tree's returns and each agent's group-relative advantages
// (data/method/magrpo/tree-advantages.ts), written as joint-rewards.parquet and advantages.parquet.
import { join } from 'node:path';
import { advantageSchema, jointRewardSchema, readRows, rolloutSchema, writeRows } from '../data/artifacts';
import type { AdvantageRow, JointRewardRow, RolloutRow } from '../data/artifacts';
import { jointActions } from '../data/method/magrpo/joint-actions';
import { treeAdvantages } from '../data/method/magrpo/tree-advantages';
import type { Question } from '../data/task';
import { ADVANTAGES_FILE, inStep, JOINT_REWARDS_FILE, questionsFile } from '../experiment/run-layout';
import type { AdvantagesInput, AdvantagesSummary } from '../experiment/step-types';
import type { ActivityDeps } from './deps';
import { MaftInputError } from './failures';
import { loadJointReward, rewardKey } from './magrpo-reward';
import type { JointReward } from './magrpo-reward';
import { readQuestions, taskOf } from './run-files';
import { cachedStep, runDirOf } from './step-cache';

export async function computeAdvantages(deps: ActivityDeps, input: AdvantagesInput): Promise<AdvantagesSummary> {
  const { runId, config, stepDir } = input;
  if (config.method !== 'magrpo') throw new MaftInputError(`computeAdvantages runs for method magrpo, not "${config.method}"`);
  const magrpo = config.magrpo;
  return cachedStep(deps, {
    step: 'computeAdvantages',
    runId,
    stepDir,
    inputs: {
      task: config.task.name,
      agents: config.agents,
      k: magrpo.numGenerations,
      jointMode: magrpo.jointMode,
      discount: magrpo.discount,
      advantageMode: magrpo.advantageMode,
      reward: await rewardKey(magrpo.reward),
    },
    inputPaths: [questionsFile('train'), ...input.rollouts],
    compute: async (dir) => {
      const task = taskOf(config);
      const reward = await loadJointReward(magrpo.reward, task);
      const runDir = runDirOf(deps, runId);
      const rows = (await Promise.all(input.rollouts.map((p) => readRows(rolloutSchema, join(runDir, p))))).flat();
      const questions = new Map((await readQuestions(deps, runId, 'train')).map((q) => [q.id, q]));
      const k = magrpo.numGenerations;
      const actions = jointActions(config.agents, k, magrpo.jointMode);
      const byQuestion = new Map<string, Map<string, RolloutRow[]>>();
      for (const row of rows) {
        const nodes = byQuestion.get(row.questionId) ?? new Map<string, RolloutRow[]>();
        byQuestion.set(row.questionId, nodes);
        nodes.set(row.node, [...(nodes.get(row.node) ?? []), row]);
      }
      const jointRows: JointRewardRow[] = [];
      const advantageRows: AdvantageRow[] = [];
      const turnRewards: number[][] = [];
      let flatGroups = 0;
      for (const [questionId, nodes] of byQuestion) {
        const question = questions.get(questionId);
        if (!question) throw new MaftInputError(`${input.rollouts.join(', ')}: question ${questionId} is not a training question of this run`);
        const rewards = new Map<string, number[]>();
        for (const [node, nodeRows] of nodes) rewards.set(node, await nodeRewards(question, node, nodeRows, actions, config.agents, k, reward));
        for (const o of treeAdvantages(rewards, { agents: config.agents, k, actions, gamma: magrpo.discount, mode: magrpo.advantageMode })) {
          (turnRewards[o.turn - 1] ??= []).push(...o.rewards);
          actions.forEach((action, j) =>
            jointRows.push({ questionId, turn: o.turn, node: o.node, action: j, samples: [...action], reward: o.rewards[j], return: o.returns[j], expanded: o.expanded[j] }),
          );
          o.perAgent.forEach(({ returns, advantages }, n) => {
            if (advantages.every((a) => a === 0)) flatGroups++;
            returns.forEach((ret, sample) => advantageRows.push({ questionId, turn: o.turn, node: o.node, agent: n + 1, sample, return: ret, advantage: advantages[sample] }));
          });
        }
      }
      const written = await writeRows(advantageSchema, join(dir, ADVANTAGES_FILE), advantageRows);
      const joint = await writeRows(jointRewardSchema, join(dir, JOINT_REWARDS_FILE), jointRows);
      return {
        outputs: [written, joint],
        summary: {
          path: inStep(stepDir, ADVANTAGES_FILE),
          jointRewards: inStep(stepDir, JOINT_REWARDS_FILE),
          completions: advantageRows.length,
          meanRewardPerTurn: turnRewards.map((rs) => rs.reduce((a, b) => a + b, 0) / rs.length),
          flatGroups,
          groups: advantageRows.length / k,
        },
      };
    },
  });
}

async function nodeRewards(
  question: Question,
  node: string,
  rows: readonly RolloutRow[],
  actions: readonly (readonly number[])[],
  agents: number,
  k: number,
  reward: JointReward,
): Promise<number[]> {
  const at = (agent: number, sample: number): RolloutRow => {
    const row = rows.find((r) => r.agent === agent && r.sample === sample);
    if (!row) throw new MaftInputError(`rollouts of question ${question.id}: node ${node} lacks agent ${agent}'s completion ${sample} (expected ${agents} agents × ${k})`);
    return row;
  };
  const turn = at(1, 0).turn;
  return Promise.all(
    actions.map((action) =>
      reward(
        {
          questionId: question.id,
          question: question.question,
          reference: question.answer,
          turn,
          completions: action.map((s, n) => at(n + 1, s).completion),
          answers: action.map((s, n) => at(n + 1, s).answer),
        },
        action,
      ),
    ),
  );
}

// "Rollouts" of a MAGRPO iteration: the summary per turn of every rollout tree (nodes,
// completions, accuracy, joint rewards and returns, the share of branches expanded, advantages),
// the policy loss curves of the agents' updates with each agent's drift from the base model, and
// every training question with its tree in brief, linked to the whole tree (magrpo-tree-page.ts).
import { num, pct } from '../format';
import { html } from '../html';
import type { Html } from '../html';
import { fileHref, iterationChooser, renderPage, runHref } from '../layout';
import { lossChart } from '../loss-chart';
import { treeSummary } from '../magrpo-trees';
import type { MagrpoIteration, MagrpoTurnSummary } from '../magrpo-trees';
import type { PolicyDrift } from '../../../data/method/magrpo/policy-drift';
import { truncate } from './debates-page';

export interface MagrpoPageData {
  runId: string;
  methods: { variant: string; iterations: number[] }[];
  variant: string;
  iteration: number;
  /** What the config says of K, the reward and the advantages; null without a config. */
  setup: string | null;
  /** null: no iteration that trains (l ≥ 1) to show. */
  data: MagrpoIteration | null;
}

export function treeHref(runId: string, variant: string, iteration: number, questionId: string, node?: string): string {
  return runHref(runId, `/rollouts/${encodeURIComponent(questionId)}?variant=${encodeURIComponent(variant)}&iteration=${iteration}${node ? `#node-${node}` : ''}`);
}

export function magrpoPage(d: MagrpoPageData): string {
  const data = d.data ?? { files: { rollouts: [], jointRewards: '', advantages: '' }, trees: null, perTurn: [], updates: [], drift: [] };
  const chart = lossChart(`Policy loss per optimizer step, ${d.variant} iteration ${d.iteration}`, data.updates.map((u) => ({ label: u.name, losses: u.losses })), 'loss');
  const files = html`${data.files.rollouts.map((f) => html`<a href="${fileHref(d.runId, f)}">${f.split('/').slice(-2).join('/')}</a> · `)}<a href="${fileHref(d.runId, data.files.jointRewards)}">joint-rewards.parquet</a> · <a href="${fileHref(d.runId, data.files.advantages)}">advantages.parquet</a>`;
  const turns = data.perTurn.map((t) => t.turn);
  const rows = (data.trees ?? []).map((tree) => {
    const s = treeSummary([tree]);
    const at = (turn: number): MagrpoTurnSummary | undefined => s.find((x) => x.turn === turn);
    return html`<tr data-question="${tree.questionId}"><td class="question"><a href="${treeHref(d.runId, d.variant, d.iteration, tree.questionId)}"><code>${tree.questionId}</code></a> ${truncate(tree.question, 80)}</td><td class="answer">${tree.reference}</td>
${turns.map((turn) => {
      const t = at(turn);
      return t ? html`<td class="num" data-turn="${turn}" data-key="accuracy">${pct(t.accuracy, 0)}</td><td class="num" data-turn="${turn}">${num(t.meanReward, 2)}</td><td class="num">${t.nodes}</td>` : html`<td class="num">–</td><td class="num">–</td><td class="num">0</td>`;
    })}</tr>`;
  });
  const body = html`<h1>Rollouts · ${d.variant} iteration ${d.iteration}</h1>
${iterationChooser(d.runId, 'rollouts', d.methods, d)}
${d.setup ? html`<p class="meta">${d.setup}</p>` : ''}
${data.trees === null
    ? html`<p class="empty">No rollout tree in this iteration yet (iteration 0 only evaluates; a running iteration shows its shards as they are written).</p>`
    : html`<section><h2>Rollout trees, per turn</h2>${turnTable(data.perTurn)}<p class="note">${data.trees.length} training questions · ${files}. Accuracy: completions whose answer equals the reference (the reward decides nothing else here). Reward and return: the joint actions' r_j and tree return R_j; expanded: the share of joint actions whose branch continued to the next turn. Advantage: each completion's group-relative advantage (advantages.parquet).</p></section>
<section><h2>Policy updates</h2>${chart ? html`<figure>${chart}</figure>` : html`<p class="empty">No policy update of this iteration has finished yet.</p>`}
${data.updates.length ? html`<p class="note">${data.updates.map((u, i) => html`${i ? ' · ' : ''}<a href="${fileHref(d.runId, `${u.stepDir}/`)}">${u.name}</a>`)}</p>` : ''}
${data.drift.length ? driftTable(data.drift) : ''}</section>
<section><h2>Questions</h2><table class="trees"><thead><tr><th>question</th><th>reference</th>${turns.map((t) => html`<th class="num">turn ${t} correct</th><th class="num">mean r_j</th><th class="num">nodes</th>`)}</tr></thead><tbody>${rows}</tbody></table></section>`}`;
  return renderPage({ title: `Rollouts · ${d.variant} ${d.iteration}`, crumbs: [{ label: d.runId, href: runHref(d.runId) }, { label: 'Rollouts' }], run: { runId: d.runId, tab: 'rollouts' }, body });
}

/** One row per turn of the rollout-tree summary (the iteration's, or one question's). */
export function turnTable(perTurn: readonly MagrpoTurnSummary[]): Html {
  return html`<table class="turns"><thead><tr><th>turn</th><th class="num">nodes</th><th class="num">completions</th><th class="num">accuracy</th><th class="num">joint actions</th><th class="num">mean reward r_j</th><th class="num">mean return R_j</th><th class="num">expanded</th><th class="num">advantage mean</th><th class="num">advantage SD</th></tr></thead>
<tbody>${perTurn.map((t) => html`<tr data-turn="${t.turn}"><td>${t.turn}</td><td class="num" data-key="nodes">${t.nodes}</td><td class="num" data-key="completions">${t.completions}</td><td class="num" data-key="accuracy">${pct(t.accuracy)}</td><td class="num">${t.jointActions}</td><td class="num" data-key="reward">${num(t.meanReward)}</td><td class="num">${num(t.meanReturn)}</td><td class="num">${pct(t.expanded)}</td><td class="num" data-key="advantage-mean">${num(t.advantage.mean)}</td><td class="num">${num(t.advantage.sd)}</td></tr>`)}</tbody></table>`;
}

/** Per policy update, how far the policy that sampled its rollouts was from the base model (policyUpdate's summary). */
function driftTable(drift: readonly { name: string; drift: PolicyDrift }[]): Html {
  const turns = Math.max(...drift.map((u) => u.drift.logRatioPerTurn.length));
  const turnNumbers = Array.from({ length: turns }, (_, t) => t + 1);
  return html`<table class="drift"><thead><tr><th>update</th>${turnNumbers.map((t) => html`<th class="num">turn ${t}</th>`)}<th class="num">all turns</th></tr></thead>
<tbody>${drift.map((u) => html`<tr data-update="${u.name}"><td>${u.name}</td>${turnNumbers.map((t) => html`<td class="num" data-turn="${t}" data-key="drift">${u.drift.tokensPerTurn[t - 1] ? num(u.drift.logRatioPerTurn[t - 1], 6) : '–'}</td>`)}<td class="num" data-key="drift-all">${num(u.drift.logRatio, 6)}</td></tr>`)}</tbody></table>
<p class="note">Drift from the base model: the mean log π_sampling − log π_ref per token over the completions each update trained on (the rollouts' own log-probs against the base model's, scored at temperature 1 as the k3 KL is), per turn and over all turns; 0 exactly where the base model sampled them (iteration 1).</p>`;
}

// One training question's MAGRPO rollout tree: node by node (turn 1 the root "0", a child
// "<node>.<j>" continues joint action j), the joint actions — which completion of each agent,
// their answers, reward, return, and whether the branch was expanded (a link to the child) — and
// every agent's K completions with their answer, return and group-relative advantage.
import { num } from '../format';
import { html } from '../html';
import type { Html } from '../html';
import { answerPill, fileHref, renderPage, runHref } from '../layout';
import { treeSummary } from '../magrpo-trees';
import type { MagrpoCompletion, MagrpoNode, MagrpoTree } from '../magrpo-trees';
import { turnTable } from './magrpo-page';

export interface MagrpoTreePageData {
  runId: string;
  variant: string;
  iteration: number;
  tree: MagrpoTree;
  files: { jointRewards: string; advantages: string };
}

export function magrpoTreePage(d: MagrpoTreePageData): string {
  const { tree } = d;
  const body = html`<h1>Rollout tree <code>${tree.questionId}</code> <span class="muted">${d.variant} iteration ${d.iteration} · training question</span></h1>
<div class="question-box"><pre>${tree.question}</pre><p>reference answer: <strong>${tree.reference}</strong></p></div>
<section><h2>Per turn</h2>${turnTable(treeSummary([tree]))}<p class="note">From <a href="${fileHref(d.runId, d.files.jointRewards)}">joint-rewards.parquet</a> and <a href="${fileHref(d.runId, d.files.advantages)}">advantages.parquet</a>.</p></section>
${tree.nodes.map(nodeSection)}`;
  const back = runHref(d.runId, `/rollouts?variant=${encodeURIComponent(d.variant)}&iteration=${d.iteration}`);
  return renderPage({ title: `Rollout tree ${tree.questionId}`, crumbs: [{ label: d.runId, href: runHref(d.runId) }, { label: 'Rollouts', href: back }, { label: tree.questionId }], run: { runId: d.runId, tab: 'rollouts' }, body });
}

function nodeSection(n: MagrpoNode): Html {
  const parent = n.node.includes('.') ? n.node.slice(0, n.node.lastIndexOf('.')) : null;
  const agents = [...new Set(n.completions.map((c) => c.rollout.agent))].sort((a, b) => a - b);
  const completion = (agent: number, sample: number): MagrpoCompletion | undefined => n.completions.find((c) => c.rollout.agent === agent && c.rollout.sample === sample);
  const pill = (c: MagrpoCompletion | undefined): Html => (c ? answerPill(c.rollout.answer, c.correct) : html`<span class="muted">?</span>`);
  const actions = html`<table class="actions"><thead><tr><th class="num">j</th>${agents.map((a) => html`<th>agent ${a}</th>`)}<th class="num">reward r_j</th><th class="num">return R_j</th><th>expanded</th></tr></thead>
<tbody>${n.actions.map((j) => html`<tr data-action="${j.action}"><td class="num">${j.action}</td>${agents.map((a, i) => html`<td>#${j.samples[i]} ${pill(completion(a, j.samples[i]))}</td>`)}<td class="num" data-key="reward">${num(j.reward)}</td><td class="num" data-key="return">${num(j.return)}</td>
<td>${j.expanded ? html`<a href="#node-${n.node}.${j.action}">→ node ${n.node}.${j.action}</a>` : html`<span class="muted">no</span>`}</td></tr>`)}</tbody></table>`;
  const completions = html`<table class="completions"><thead><tr><th>agent</th><th class="num">sample</th><th>answer</th><th class="num">return</th><th class="num">advantage</th><th class="num">tokens</th><th>completion</th></tr></thead>
<tbody>${n.completions.map((c) => html`<tr data-agent="${c.rollout.agent}" data-sample="${c.rollout.sample}"><td>${c.rollout.agent}</td><td class="num">${c.rollout.sample}</td><td>${pill(c)}</td><td class="num">${num(c.advantage?.return)}</td><td class="num" data-key="advantage">${num(c.advantage?.advantage)}</td><td class="num">${c.rollout.tokenIds.length}${c.rollout.finishReason === 'length' ? ' (cut)' : ''}</td>
<td><details><summary>completion</summary><pre class="response">${c.rollout.completion}</pre></details><details><summary>prompt</summary><pre class="prompt">${c.rollout.prompt}</pre></details></td></tr>`)}</tbody></table>`;
  return html`<section class="node" id="node-${n.node}" data-node="${n.node}"><h2>Turn ${n.turn} · node ${n.node} ${parent === null ? html`<span class="muted">root</span>` : html`<span class="muted">from joint action ${n.node.slice(parent.length + 1)} of <a href="#node-${parent}">node ${parent}</a></span>`}</h2>
${n.actions.length ? actions : html`<p class="empty">No joint rewards for this node yet.</p>`}${completions}</section>`;
}

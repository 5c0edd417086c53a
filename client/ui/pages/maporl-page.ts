// "Rollouts" of a MAPoRL iteration: every PPO batch in one table (training accuracy, reward,
// incentive, KL per token and advantages per turn, the updates' last losses) with curves across
// the batches; then one batch: its summary per turn, the policy and value loss curves, and every
// question's debate as turns × agents — answer, v(t, i), R(t, i), incentive, mean advantage and
// KL per token of each response, its completion and prompt.
import type { MaporlBatch, MaporlResponse, MaporlTurnSummary } from '../maporl-batches';
import type { ModelUpdate } from '../model-updates';
import { num, pct } from '../format';
import { html, trusted } from '../html';
import type { Html } from '../html';
import { answerPill, chipRow, fileHref, iterationChooser, renderPage, runHref } from '../layout';
import { renderLineChart } from '../line-chart';
import { lossChart } from '../loss-chart';
import { mean } from '../rl-stats';
import { truncate } from './debates-page';

export interface MaporlPageData {
  runId: string;
  methods: { variant: string; iterations: number[] }[];
  variant: string;
  iteration: number;
  /** What the config says of rewards and incentives, for the reader; null without a config. */
  setup: string | null;
  batches: MaporlBatch[];
  /** The batch shown below the table (null: the iteration has none yet). */
  selected: MaporlBatch | null;
  questions: Map<string, { question: string; reference: string }>;
  /** v(t, i) comes from a trained verifier (maporl.verifier: model), whose page is linked. */
  learnedVerifier: boolean;
}

export function maporlPage(d: MaporlPageData): string {
  const batchHref = (b: number): string => runHref(d.runId, `/rollouts?variant=${encodeURIComponent(d.variant)}&iteration=${d.iteration}&batch=${b}`);
  const turns = [...new Set(d.batches.flatMap((b) => b.perTurn.map((t) => t.turn)))].sort((a, b) => a - b);
  const perTurn = (b: MaporlBatch, value: (t: MaporlTurnSummary) => string): string => turns.map((turn) => {
    const t = b.perTurn.find((x) => x.turn === turn);
    return t ? value(t) : '–';
  }).join(' → ');
  const batchTable = html`<table class="batches"><thead><tr><th class="num">batch</th><th class="num">questions</th><th class="num">accuracy per turn</th><th class="num">mean R(t, i) per turn</th><th class="num">mean incentive</th><th class="num" title="mean of log π_old − log π_ref over the tokens">KL per token, per turn</th><th class="num">advantage mean ± SD</th><th class="num" title="mean over the batch's policies of their last step's loss">last policy loss</th><th class="num" title="mean over the batch's value models of their last step's loss">last value loss</th></tr></thead>
<tbody>${d.batches.map((b) => html`<tr data-batch="${b.batch}"${b === d.selected ? html` class="selected"` : ''}>
<td class="num"><a href="${batchHref(b.batch)}">${b.batch}</a></td><td class="num">${b.questions.length}</td>
<td class="num" data-key="accuracy">${perTurn(b, (t) => pct(t.accuracy))}</td><td class="num" data-key="reward">${perTurn(b, (t) => num(t.meanReward))}</td><td class="num">${num(b.all?.meanIncentive)}</td>
<td class="num" data-key="kl">${perTurn(b, (t) => num(t.klPerToken, 4))}</td><td class="num">${b.all ? `${num(b.all.advantage.mean)} ± ${num(b.all.advantage.sd)}` : '–'}</td>
<td class="num">${lastLosses(b.updates, 'policy')}</td><td class="num">${lastLosses(b.updates, 'value')}</td></tr>`)}</tbody></table>`;
  const across = (title: string, yLabel: string, value: (t: MaporlTurnSummary) => number): string =>
    renderLineChart({ title, xLabel: 'PPO batch', yLabel, integerX: true, series: turns.map((turn) => ({ label: `turn ${turn}`, points: d.batches.flatMap((b) => b.perTurn.filter((t) => t.turn === turn).map((t) => ({ x: b.batch, y: value(t) }))) })) });
  const figures = d.batches.length > 1
    ? html`<div class="figures"><figure>${trusted(across('Training accuracy per turn', 'accuracy', (t) => t.accuracy))}</figure><figure>${trusted(across('KL per token to the reference, per turn', 'mean(log π_old − log π_ref)', (t) => t.klPerToken))}</figure><figure>${trusted(across('Mean reward R(t, i) per turn', 'R(t, i)', (t) => t.meanReward))}</figure></div>`
    : '';
  const b = d.selected;
  const body = html`<h1>Rollouts · ${d.variant} iteration ${d.iteration}</h1>
${iterationChooser(d.runId, 'rollouts', d.methods, d)}
${d.setup ? html`<p class="meta">${d.setup}</p>` : ''}
${d.learnedVerifier ? html`<p class="meta">v(t, i) is the learned verifier's probability: <a href="${runHref(d.runId, '/verifier')}">its samples, training and calibration on every batch →</a></p>` : ''}
${d.batches.length === 0
    ? html`<p class="empty">No PPO batch in this iteration yet (iteration 0 only evaluates; a running iteration shows its batches as they start).</p>`
    : html`<section><h2>PPO batches</h2>${batchTable}${figures}<p class="note">Accuracy: correct responses of the batch's debates (scores.parquet) on its training questions, before the batch's update. KL per token: mean(log π_old − log π_ref) over every token of the turn, the estimate the reward's −λ_KL term penalises. Advantages over every token of the batch (whitened per turn and agent when ppo.whitenAdvantages).</p></section>
<div class="controls">${chipRow('batch', d.batches.map((x) => ({ label: String(x.batch), href: batchHref(x.batch), on: x === b })))}</div>
${b ? batchSection(b, d) : ''}`}`;
  return renderPage({ title: `Rollouts · ${d.variant} ${d.iteration}`, crumbs: [{ label: d.runId, href: runHref(d.runId) }, { label: 'Rollouts' }], run: { runId: d.runId, tab: 'rollouts' }, body });
}

function batchSection(b: MaporlBatch, d: MaporlPageData): Html {
  const charts = (['policy', 'value'] as const)
    .map((model) => lossChart(`${model === 'policy' ? 'Policy (clipped surrogate)' : 'Value (clipped)'} loss per PPO step, batch ${b.batch}`, b.updates.filter((u) => u.model === model).map((u) => ({ label: u.name, losses: u.losses })), 'loss'))
    .filter((c): c is Html => c !== null);
  const files = [['rollouts', b.files.rollouts], ['scores', b.files.scores], ['advantages', b.files.advantages]].map(([label, path]) => html`<a href="${fileHref(d.runId, path)}">${label}.parquet</a>`);
  const byQuestion = b.questions.map((id) => ({ id, responses: (b.responses ?? []).filter((r) => r.rollout.questionId === id) }));
  return html`<section class="batch" data-batch="${b.batch}"><h2>Batch ${b.batch} <span class="muted">${b.questions.length} questions · ${b.responses?.length ?? 0} responses · ${files.map((f, i) => html`${i ? ' · ' : ''}${f}`)} · <a href="${fileHref(d.runId, `${b.dir}/`)}">directory</a></span></h2>
${b.responses ? turnTable(b) : html`<p class="empty">The batch's debates are not written yet.</p>`}
${charts.length ? html`<div class="figures">${charts.map((c) => html`<figure>${c}</figure>`)}</div>` : html`<p class="empty">No policy or value update of this batch has finished yet.</p>`}
${byQuestion.map((q) => questionBlock(q.id, q.responses, d.questions.get(q.id)))}
</section>`;
}

function turnTable(b: MaporlBatch): Html {
  const row = (t: MaporlTurnSummary, label: string): Html => html`<tr data-turn="${t.turn}"><td>${label}</td><td class="num">${t.responses}</td><td class="num" data-key="accuracy">${pct(t.accuracy)}</td><td class="num">${num(t.meanScore)}</td><td class="num" data-key="reward">${num(t.meanReward)}</td><td class="num">${num(t.meanIncentive)}</td><td class="num" data-key="kl">${num(t.klPerToken, 4)}</td><td class="num" data-key="advantage-mean">${num(t.advantage.mean)}</td><td class="num">${num(t.advantage.sd)}</td></tr>`;
  return html`<table class="turns"><thead><tr><th>turn</th><th class="num">responses</th><th class="num">accuracy</th><th class="num">mean v(t, i)</th><th class="num">mean R(t, i)</th><th class="num">mean incentive</th><th class="num">KL per token</th><th class="num">advantage mean</th><th class="num">advantage SD</th></tr></thead>
<tbody>${b.perTurn.map((t) => row(t, String(t.turn)))}${b.all ? row(b.all, 'all') : ''}</tbody></table>`;
}

function questionBlock(id: string, responses: readonly MaporlResponse[], q: { question: string; reference: string } | undefined): Html {
  const turns = [...new Set(responses.map((r) => r.rollout.turn))].sort((a, b) => a - b);
  const agents = [...new Set(responses.map((r) => r.rollout.agent))].sort((a, b) => a - b);
  const at = (turn: number, agent: number): MaporlResponse | undefined => responses.find((r) => r.rollout.turn === turn && r.rollout.agent === agent);
  const final = turns.length ? agents.map((a) => at(turns[turns.length - 1], a)) : [];
  const cell = (r: MaporlResponse | undefined): Html => r
    ? html`<td class="cell" data-turn="${r.rollout.turn}" data-agent="${r.rollout.agent}"><div class="cell-head">${answerPill(r.rollout.answer, r.score?.correct ?? null)}</div>
<dl class="stats"><dt>v</dt><dd>${num(r.score?.score)}</dd><dt>R</dt><dd data-key="reward">${num(r.advantage?.reward)}</dd><dt>incentive</dt><dd>${num(r.advantage?.incentive)}</dd><dt>mean adv.</dt><dd>${num(r.meanAdvantage)}</dd><dt>KL/token</dt><dd>${num(r.klPerToken, 4)}</dd><dt>tokens</dt><dd>${r.rollout.tokenIds.length}${r.rollout.finishReason === 'length' ? ' (cut)' : ''}</dd></dl>
<details><summary>completion</summary><pre class="response">${r.rollout.completion}</pre></details><details><summary>prompt</summary><pre class="prompt">${r.rollout.prompt}</pre></details></td>`
    : html`<td class="cell muted">–</td>`;
  return html`<details class="rollout" id="q-${id}" data-question="${id}"><summary><code>${id}</code> ${truncate(q?.question ?? '', 80)} <span class="muted">reference ${q?.reference ?? '?'} · final turn</span> ${final.map((r) => (r ? answerPill(r.rollout.answer, r.score?.correct ?? null) : ''))}</summary>
<table class="grid"><thead><tr><th>turn</th>${agents.map((a) => html`<th>agent ${a}</th>`)}</tr></thead>
<tbody>${turns.map((t) => html`<tr><th>${t}</th>${agents.map((a) => cell(at(t, a)))}</tr>`)}</tbody></table></details>`;
}

/** The mean over one model kind's updates of their last step's loss, each trainee's in the tooltip. */
function lastLosses(updates: readonly ModelUpdate[], model: 'policy' | 'value'): Html {
  const last = updates.filter((u) => u.model === model && u.losses?.length).map((u) => ({ name: u.name, loss: u.losses!.at(-1)!.loss }));
  return html`<span title="${last.map((l) => `${l.name}: ${num(l.loss, 4)}`).join('\n')}">${num(mean(last.map((l) => l.loss)), 4)}</span>`;
}

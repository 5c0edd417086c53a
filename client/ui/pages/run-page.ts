// "Run": the plan (methods × iterations), the accuracy plot of `maft results` and the diversity
// per iteration, the results table, the paired comparison against debate and the timeline of
// steps from the workflow histories.
import { accuracyPlotSvg } from '../../report/write-plot';
import type { IterationReport } from '../../report/results';
import type { ComparedIteration } from '../against-debate';
import { accuracyText, dateTime, duration, num, pct, points } from '../format';
import { html, trusted } from '../html';
import type { Html } from '../html';
import { renderPage, runHref, statusBadge } from '../layout';
import { renderLineChart } from '../line-chart';
import type { PlannedIteration } from '../plan';
import type { RunView } from '../run-store';
import type { WorkflowTimeline } from '../timeline';
import { timelineView } from './timeline-view';

export interface RunPageData {
  view: RunView;
  comparison: { reference: PlannedIteration; rows: ComparedIteration[] } | null;
  timeline: WorkflowTimeline[];
  now: Date;
}

export function runPage({ view, comparison, timeline, now }: RunPageData): string {
  const { runId, config: c } = view;
  const meta = c
    ? `${c.method} · ${c.task.name} · ${c.task.trainSize} train / ${c.task.testSize} test questions · model ${c.model.path} · N = ${c.agents} agents, M = ${c.rounds} rounds, L = ${c.iterations} iterations${c.method === 'multiagent-ft' ? `, w = ${c.critic.w}` : ''} · seed ${c.seed}`
    : 'no config in the run memo';
  const body = html`<h1>${runId} ${statusBadge(view.status)}</h1>
<p class="meta">${meta}<br>started ${dateTime(view.startTime)} UTC · ${view.closeTime ? 'took' : 'running for'} ${duration((view.closeTime ?? now).getTime() - view.startTime.getTime())}</p>
${view.results.error ? html`<p class="error">${view.results.error}</p>` : ''}
${liveProgress(view)}
<section><h2>Plan</h2>${planTable(view)}</section>
<section><h2>Accuracy and diversity</h2><div class="figures">${figures(view, comparison)}</div></section>
<section><h2>Results</h2>${resultsTable(view)}</section>
<section><h2>Against debate, on the same questions</h2>${comparisonTable(runId, comparison)}</section>
<section><h2>Timeline</h2>${timelineView(timeline, now)}</section>`;
  return renderPage({ title: runId, crumbs: [{ label: runId }], run: { runId, tab: 'overview' }, live: view.status === 'running', body });
}

function liveProgress(view: RunView): Html {
  const p = view.progress;
  if (!p) return html``;
  const it = p.iteration;
  const running = p.running.map((s) => {
    const hb = s.heartbeat ? ` — step ${s.heartbeat.step}/${s.heartbeat.total}${s.heartbeat.loss === undefined ? '' : `, loss ${s.heartbeat.loss.toFixed(4)}`}` : '';
    return html`<li>${s.activity} (attempt ${s.attempt})${hb}${s.lastFailure ? html` <span class="error-text">last failure: ${s.lastFailure}</span>` : ''}</li>`;
  });
  return html`<div class="live-box"><strong>Now:</strong> ${it ? `${it.variant} iteration ${it.iteration} · ${it.step}${it.step === 'generateDebate' ? ` (${it.split}, shards ${it.shards.done}/${it.shards.total})` : ''}` : p.run?.current ? `${p.run.current.variant} iteration ${p.run.current.iteration}` : 'between steps'}
${running.length ? html`<ul>${running}</ul>` : ''}${p.error ? html`<p class="error-text">${p.error}</p>` : ''}</div>`;
}

function planTable(view: RunView): Html {
  const last = Math.max(0, ...view.plan.flatMap((m) => m.iterations.map((i) => i.iteration)));
  const columns = Array.from({ length: last + 1 }, (_, l) => l);
  const current = view.progress?.run?.current;
  const cell = (it: PlannedIteration | undefined): Html => {
    if (!it) return html`<td></td>`;
    if (it.report) {
      const href = runHref(view.runId, `/debates?variant=${encodeURIComponent(it.variant)}&iteration=${it.iteration}`);
      return html`<td class="num done" data-variant="${it.variant}" data-iteration="${it.iteration}" data-accuracy="${it.report.accuracy}"><a href="${href}">${accuracyText(it.report.accuracy, it.report.stderr)}</a></td>`;
    }
    const state = current?.variant === it.variant && current.iteration === it.iteration ? 'running' : view.status === 'running' ? 'pending' : 'not run';
    return html`<td class="num ${state.replace(' ', '-')}">${state}</td>`;
  };
  return html`<table class="plan"><thead><tr><th>method</th>${columns.map((l) => html`<th class="num">iteration ${l}</th>`)}</tr></thead>
<tbody>${view.plan.map((m) => html`<tr><th>${m.variant}</th>${columns.map((l) => cell(m.iterations.find((i) => i.iteration === l)))}</tr>`)}</tbody></table>
<p class="note">Accuracy of the final-round majority on the held-out questions ± binomial standard error; each links to that iteration's debates.</p>`;
}

function figures(view: RunView, comparison: RunPageData['comparison']): Html {
  // The CLI plot's annotations: each point's paired difference against debate.
  const paired = comparison && { reference: { method: comparison.reference.variant, iteration: comparison.reference.iteration }, rows: comparison.rows.map(({ variant, ...p }) => ({ method: variant, ...p })) };
  let accuracy: string | null;
  try {
    accuracy = accuracyPlotSvg(view.results, paired);
  } catch {
    // renderAccuracyPlot needs one iterating series; an evaluation-only run has none.
    accuracy = null;
  }
  const diversity = (key: 'consensus' | 'nll', title: string): string | null => {
    const series = view.plan
      .map((m) => ({ label: m.variant, points: m.iterations.filter((i) => i.report?.diversity[key] != null).map((i) => ({ x: i.iteration, y: i.report!.diversity[key]! })) }))
      .filter((s) => s.points.length > 0);
    return series.length ? renderLineChart({ title, xLabel: 'Iterations of finetuning', yLabel: key === 'consensus' ? 'consensus diversity' : 'NLL diversity', series, integerX: true }) : null;
  };
  const charts = [accuracy, diversity('consensus', 'Consensus diversity (1 − agreement with ŷ)'), diversity('nll', 'NLL diversity (held-out agent)')].filter((s): s is string => s !== null);
  return charts.length ? html`${charts.map((svg) => html`<figure>${trusted(svg)}</figure>`)}` : html`<p class="empty">No iteration evaluated yet.</p>`;
}

function resultsTable(view: RunView): Html {
  const rows = view.plan.flatMap((m) => m.iterations.filter((i): i is PlannedIteration & { report: IterationReport } => i.report !== null));
  if (rows.length === 0) return html`<p class="empty">No results yet.</p>`;
  const rl = new Set(view.plan.filter((m) => m.trainedBy !== 'multiagent-ft').map((m) => m.variant));
  return html`<table class="results"><thead><tr><th>method</th><th class="num">iter</th><th class="num">accuracy</th><th class="num">± SE</th><th class="num">per round</th><th class="num">consensus div.</th><th class="num">NLL div.</th><th class="num">ties</th><th class="num">train examples</th><th class="num">mean loss</th><th></th></tr></thead>
<tbody>${rows.map(({ variant, iteration, report: r }) => {
    const losses = r.training.filter((t) => t.meanLoss !== null).map((t) => t.meanLoss as number);
    const q = `?variant=${encodeURIComponent(variant)}&iteration=${iteration}`;
    return html`<tr data-variant="${variant}" data-iteration="${iteration}">
<td>${variant}</td><td class="num">${iteration}</td><td class="num" data-key="accuracy">${pct(r.accuracy)}</td><td class="num" data-key="stderr">${pct(r.stderr, 2)}</td>
<td class="num">${r.perRound.map((p) => pct(p.accuracy)).join(' → ')}</td><td class="num">${num(r.diversity.consensus)}</td><td class="num">${num(r.diversity.nll)}</td><td class="num">${r.ties}</td>
<td class="num">${r.datasets.length ? r.datasets.reduce((s, d) => s + d.examples, 0) : '–'}</td><td class="num">${losses.length ? num(losses.reduce((a, b) => a + b, 0) / losses.length) : '–'}</td>
<td class="links"><a href="${runHref(view.runId, `/debates${q}`)}">debates</a>${r.datasets.length ? html` · <a href="${runHref(view.runId, `/datasets${q}`)}">datasets</a> · <a href="${runHref(view.runId, `/training${q}`)}">training</a>` : ''}${rl.has(variant) && iteration > 0 ? html` · <a href="${runHref(view.runId, `/rollouts${q}`)}">rollouts</a> · <a href="${runHref(view.runId, `/training${q}`)}">training</a>` : ''}</td></tr>`;
  })}</tbody></table>`;
}

function comparisonTable(runId: string, comparison: RunPageData['comparison']): Html {
  if (!comparison) return html`<p class="empty">No debate evaluation to compare with (the run evaluates neither its base agents nor the debate baseline, or it has not yet).</p>`;
  if (comparison.rows.length === 0) return html`<p class="empty">Nothing evaluated beside debate yet.</p>`;
  const ref = comparison.reference;
  return html`<table class="paired"><thead><tr><th>method</th><th class="num">iter</th><th class="num">questions</th><th class="num" title="wrong in debate, right here">fixed</th><th class="num" title="right in debate, wrong here">broken</th><th class="num">difference (points)</th><th class="num">± paired SE</th><th class="num">z</th><th></th></tr></thead>
<tbody>${comparison.rows.map((r) => html`<tr data-variant="${r.variant}" data-iteration="${r.iteration}">
<td>${r.variant}</td><td class="num">${r.iteration}</td><td class="num">${r.questions}</td><td class="num good" data-key="fixed">${r.fixed}</td><td class="num bad" data-key="broken">${r.broken}</td>
<td class="num" data-key="difference">${points(r.difference)}</td><td class="num">${num(100 * r.stderr, 1)}</td><td class="num">${r.z === null ? '–' : r.z.toFixed(2)}</td>
<td class="links"><a href="${runHref(runId, `/debates?variant=${encodeURIComponent(r.variant)}&iteration=${r.iteration}&against=debate&filter=broken`)}">broken questions</a></td></tr>`)}</tbody></table>
<p class="note">Reference: debate of the base agents (<code>${ref.dir}/evaluate/eval.parquet</code>), matched by question id. Difference = accuracy here − accuracy of debate; paired SE = sqrt(var(d)/n) of the per-question differences d ∈ {−1, 0, 1}; |z| ≥ 2 is about two standard errors.</p>`;
}
